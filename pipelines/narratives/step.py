"""`update_narratives`: place every annotated document not yet in a narrative, then refresh the touched narratives."""

from __future__ import annotations

import contextlib
import logging
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from nlp.entities import find_places
from nlp.legal import find_legal_refs
from pipelines.narratives.assign import AssignConfig, assign
from pipelines.narratives.summary import NARRATIVE_COLUMNS, summarise_all
from warehouse.db import open_writer

log = logging.getLogger(__name__)

# A document's time: publication, else when it was fetched or stored.
_TIME = "coalesce(d.published_at, d.fetched_at, d.ingested_at)"
PENDING_SQL = f"""
    SELECT d.id, {_TIME} AS time, coalesce(d.title, '') AS title, coalesce(d.text, '') AS text
    FROM documents d JOIN annotations a ON a.document_id = d.id
    ANTI JOIN narrative_members m ON m.document_id = d.id
    ORDER BY time, d.id LIMIT ?
"""
CONTEXT_SQL = f"""
    SELECT d.id, {_TIME} AS time, coalesce(d.title, '') AS title, coalesce(d.text, '') AS text, m.narrative_id
    FROM narrative_members m JOIN documents d ON d.id = m.document_id
    WHERE {_TIME} BETWEEN ?::TIMESTAMPTZ - ?::INTERVAL AND ?::TIMESTAMPTZ + ?::INTERVAL
"""
MEMBERS_SQL = f"""
    SELECT m.narrative_id, d.id AS document_id, d.title, d.source, d.kind, {_TIME} AS time, a.sentiment, a.topic,
           m.places, m.legal_refs, m.key_terms, m.duplicate_of
    FROM narrative_members m JOIN documents d ON d.id = m.document_id
    LEFT JOIN annotations a ON a.document_id = d.id
    WHERE m.narrative_id IN (SELECT narrative_id FROM touched)
"""


@dataclass
class NarrativeReport:
    """What one update did."""

    documents: int = 0
    duplicates: int = 0
    opened: int = 0
    joined: int = 0
    narratives_touched: int = 0
    touched: set[str] = field(default_factory=set, repr=False)


def _entities(title: str, text: str) -> tuple[list[str], list[str]]:
    """Places and legal references named in a document (unique, in order)."""
    full = f"{title}. {text}"
    places = list(dict.fromkeys(p.slug for p in find_places(full)))
    refs = list(dict.fromkeys(r.id for r in find_legal_refs(full)))
    return places, refs


def update_narratives(db: Path, *, config: AssignConfig = AssignConfig(), batch_size: int = 2000,  # noqa: B008
                      lock_timeout: float = 60.0) -> NarrativeReport:
    """Assign pending documents in time-ordered batches; writer connections only around reads and writes."""
    report = NarrativeReport()
    window = f"{int(pd.Timedelta(config.window).total_seconds())} seconds"
    while True:
        with open_writer(db, timeout=lock_timeout) as con:
            batch = con.execute(PENDING_SQL, [batch_size]).df()
            if batch.empty:
                break
            lo, hi = batch["time"].min(), batch["time"].max()
            context = con.execute(CONTEXT_SQL, [lo, window, hi, window]).df()
        placed = assign(context, batch, config)
        ents = [_entities(t, x) for t, x in zip(batch["title"], batch["text"], strict=True)]
        extra = pd.DataFrame({"document_id": batch["id"], "places": [e[0] for e in ents],
                              "legal_refs": [e[1] for e in ents]})
        members = placed.merge(extra, on="document_id")
        existing = set(context["narrative_id"])
        opened = members[~members["narrative_id"].isin(existing)]["narrative_id"].nunique()
        report.documents += len(members)
        report.duplicates += int(members["duplicate_of"].notna().sum())
        report.opened += opened
        report.joined += int(members["narrative_id"].isin(existing).sum())
        touched = pd.DataFrame({"narrative_id": members["narrative_id"].unique()})
        report.touched.update(touched["narrative_id"])
        cols = ["document_id", "narrative_id", "duplicate_of", "similarity", "places", "legal_refs", "key_terms"]
        with open_writer(db, timeout=lock_timeout) as con:
            con.register("incoming_members", members[cols])
            con.register("touched", touched)
            try:
                con.execute("BEGIN TRANSACTION")
                con.execute(f"INSERT OR IGNORE INTO narrative_members ({', '.join(cols)}) "
                            f"SELECT {', '.join(cols)} FROM incoming_members")
                rows = summarise_all(con.execute(MEMBERS_SQL).df())
                con.register("incoming_narratives", rows)
                con.execute("DELETE FROM narratives WHERE id IN (SELECT narrative_id FROM touched)")
                con.execute(f"INSERT INTO narratives ({', '.join(NARRATIVE_COLUMNS)}) "
                            f"SELECT {', '.join(NARRATIVE_COLUMNS)} FROM incoming_narratives")
                con.execute("COMMIT")
            except Exception:
                con.execute("ROLLBACK")
                raise
            finally:
                for name in ("incoming_members", "touched", "incoming_narratives"):
                    with contextlib.suppress(Exception):  # a view that was never registered
                        con.unregister(name)
        log.info("narratives: %d documents placed, %d narratives opened", len(members), opened)
    report.narratives_touched = len(report.touched)
    return report
