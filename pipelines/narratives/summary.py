"""Pure summaries of narratives from their members: label, key terms, times, sources, kinds, sentiment mix."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from typing import Any

import pandas as pd

from pipelines.narratives.features import without_parts

NARRATIVE_COLUMNS = [
    "id", "label", "key_terms", "first_seen", "last_seen", "n_documents", "n_duplicates", "sources", "kinds",
    "n_negative", "n_neutral", "n_positive", "topics", "places", "agencies",
    "legal_refs",
]
MEMBER_FIELDS = ["narrative_id", "document_id", "title", "source", "kind", "time", "sentiment", "topic",
                 "places", "legal_refs", "key_terms", "duplicate_of"]
KEY_TERMS = 6


def _present(value: Any) -> bool:
    return value is not None and value == value and value != ""  # NaN != NaN


def _list(value: Any) -> list[Any]:
    return list(value) if value is not None and not isinstance(value, float | str) else []


def _ranked(values: Iterable[Any], k: int | None = None) -> list[str]:
    """Distinct values, most frequent first (ties in first-seen order)."""
    counts = Counter(str(v) for v in values if _present(v))
    return [v for v, _ in counts.most_common(k)]


def summarise(narrative: str, members: Sequence[dict[str, Any]]) -> dict[str, Any]:
    """One narrative row from its members (dicts with MEMBER_FIELDS), in time order."""
    members = sorted(members, key=lambda m: (m["time"], m["document_id"]))
    terms = without_parts(_ranked((t for m in members for t in _list(m["key_terms"])), 4 * KEY_TERMS))[:KEY_TERMS]
    top = set(terms)
    # The label is the headline whose own key terms best cover the narrative's; the earliest wins ties.
    label = max(range(len(members)), key=lambda i: (len(top & set(_list(members[i]["key_terms"]))), -i))
    sentiment = Counter(m["sentiment"] for m in members)
    return {
        "id": narrative,
        "label": str(members[label]["title"] or "")[:300],
        "key_terms": terms,
        "first_seen": members[0]["time"],
        "last_seen": members[-1]["time"],
        "n_documents": len(members),
        "n_duplicates": sum(1 for m in members if _present(m["duplicate_of"])),
        "sources": _ranked(m["source"] for m in members),
        "kinds": _ranked(m["kind"] for m in members),
        "n_negative": sentiment.get("negative", 0),
        "n_neutral": sentiment.get("neutral", 0),
        "n_positive": sentiment.get("positive", 0),
        "topics": _ranked(m["topic"] for m in members),
        "places": _ranked(p for m in members for p in _list(m["places"])),
        "agencies": _ranked(a for m in members for a in _list(m.get("agencies"))),
        "legal_refs": _ranked(r for m in members for r in _list(m["legal_refs"])),
    }


def summarise_all(members: pd.DataFrame) -> pd.DataFrame:
    """Narrative rows of every narrative in the member frame (columns MEMBER_FIELDS)."""
    groups: dict[str, list[dict[str, Any]]] = defaultdict(list)
    fields = [f for f in [*MEMBER_FIELDS, "agencies"] if f in members.columns]
    for record in members[fields].to_dict(orient="records"):
        groups[record["narrative_id"]].append(record)
    rows = [summarise(nid, group) for nid, group in sorted(groups.items())]
    return pd.DataFrame(rows, columns=NARRATIVE_COLUMNS)
