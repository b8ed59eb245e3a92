"""Events worth an alert at a time: emerging narratives (with their negativity) and fresh spikes of the topic,
place, agency, legal-reference and watched-keyword series."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd

from pipelines.alerts.model import Event
from pipelines.narratives.emerging import EmergingConfig
from pipelines.narratives.query import emerging
from warehouse.db import open_reader

CANDIDATES = 50  # narratives considered per detection
SPIKE_FRESHNESS = pd.Timedelta("3h")  # a spike alerts when its hour is this recent


def _list(value: Any) -> tuple[str, ...]:
    return tuple(value) if value is not None and not isinstance(value, float | str) else ()


def narrative_events(ranked: pd.DataFrame, urls: dict[str, str], at: pd.Timestamp) -> list[Event]:
    """One event per ranked narrative: its label, terms, explanation and evidence links."""
    events = []
    for row in ranked.to_dict(orient="records"):
        docs = _list(row["document_ids"])
        lines = [str(row["label"]), "", f"Từ khóa / key terms: {', '.join(_list(row['key_terms']))}",
                 f"Điểm / score {row['score']:.2f}, tiêu cực / negative {row['negativity']:.0%}, "
                 f"nguồn / sources: {', '.join(_list(row['sources']))}", str(row["explanation"]), ""]
        lines += [urls.get(d, d) for d in docs]
        topics = _list(row["topics"])
        events.append(Event(
            id=f"narrative:{row['narrative_id']}", kind="narrative", target=str(row["narrative_id"]),
            at=at.isoformat(), score=float(row["score"]), negative_score=float(row["negative_score"]),
            negativity=float(row["negativity"]), title=f"[Radar] {row['label']}"[:200], body="\n".join(lines),
            topic=topics[0] if topics else None, places=_list(row["places"]), legal_refs=_list(row["legal_refs"]),
            agencies=_list(row.get("agencies")), terms=_list(row["key_terms"]), narrative_id=str(row["narrative_id"]),
            document_ids=docs,
        ))
    return events


def spike_events(spikes: pd.DataFrame, names: dict[str, str], at: pd.Timestamp) -> list[Event]:
    """One event per alerting (topic, hour) of the detector."""
    events = []
    for row in spikes.to_dict(orient="records"):
        hour = pd.Timestamp(row["hour"]).tz_convert("Asia/Ho_Chi_Minh")
        name = names.get(row["topic"], row["topic"])
        title = f"[Radar] Chủ đề tăng đột biến / topic spike: {name}"
        body = (f"{name}: {row['n_documents']} documents in the hour from {hour:%Y-%m-%d %H:%M} "
                f"against {row['expected']:.1f} expected (score {row['score']:.2f}).")
        events.append(Event(id=f"spike:{row['topic']}:{hour.isoformat()}", kind="spike", target=str(row["topic"]),
                            at=at.isoformat(), score=float(row["score"]), title=title, body=body,
                            topic=str(row["topic"]), series="topic"))
    return events


SERIES_NAMES = {"place": "Địa phương / place", "entity": "Cơ quan / agency", "legal_ref": "Văn bản / legal reference",
                "keyword": "Từ khóa / keyword"}


def series_spike_events(spikes: pd.DataFrame, at: pd.Timestamp) -> list[Event]:
    """One event per alerting (series, hour) of the place, agency, legal-reference and keyword series."""
    events = []
    for row in spikes.to_dict(orient="records"):
        hour = pd.Timestamp(row["hour"]).tz_convert("Asia/Ho_Chi_Minh")
        kind, key = str(row["kind"]), str(row["key"])
        what = SERIES_NAMES.get(kind, kind)
        title = f"[Radar] Tăng đột biến / spike: {what} {key}"
        body = (f"{what} {key}: {row['n_documents']} documents in the hour from {hour:%Y-%m-%d %H:%M} "
                f"against {row['expected']:.1f} expected (score {row['score']:.2f}).")
        events.append(Event(
            id=f"spike:{kind}:{key}:{hour.isoformat()}", kind="spike", target=key, at=at.isoformat(),
            score=float(row["score"]), title=title, body=body, series=kind,
            places=(key,) if kind == "place" else (), agencies=(key,) if kind == "entity" else (),
            legal_refs=(key,) if kind == "legal_ref" else (), terms=(key,) if kind == "keyword" else ()))
    return events


def detect_events(db: Path, at: pd.Timestamp, config: EmergingConfig = EmergingConfig()) -> list[Event]:  # noqa: B008
    """Events at `at`: the top emerging narratives and the spikes of the last hours."""
    ranked = emerging(db, at, config, top=CANDIDATES)
    ids = sorted({d for docs in ranked["document_ids"] for d in docs}) if not ranked.empty else []
    with open_reader(db) as con:
        urls = dict(con.execute("SELECT id, url FROM documents WHERE id IN (SELECT unnest(?))", [ids]).fetchall())
        spikes = con.execute("SELECT hour, topic, n_documents, expected, score FROM topic_spikes "
                             "WHERE alert AND hour > ?::TIMESTAMPTZ AND hour <= ?::TIMESTAMPTZ",
                             [at - SPIKE_FRESHNESS, at]).df()
        names = dict(con.execute("SELECT slug, name_vi FROM topics").fetchall())
        series = con.execute("SELECT hour, kind, key, n_documents, expected, score FROM series_spikes "
                             "WHERE alert AND hour > ?::TIMESTAMPTZ AND hour <= ?::TIMESTAMPTZ",
                             [at - SPIKE_FRESHNESS, at]).df()
    return narrative_events(ranked, urls, at) + spike_events(spikes, names, at) + series_spike_events(series, at)
