"""`update_narratives`: place every annotated document not yet in a narrative, then refresh the touched narratives."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import pandas as pd

from nlp.entities import find_agencies, find_places
from nlp.legal import find_legal_refs
from pipelines.narratives.assign import AssignConfig, assign_batch, narrative_id
from pipelines.narratives.split import SplitConfig, split_narratives
from pipelines.narratives.summary import NARRATIVE_COLUMNS, summarise_all
from warehouse.db import open_writer
from warehouse.write import staged

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
    SELECT d.id, {_TIME} AS time, coalesce(d.title, '') AS title, coalesce(d.text, '') AS text, m.narrative_id,
           coalesce(n.first_seen, {_TIME}) AS first_seen
    FROM narrative_members m JOIN documents d ON d.id = m.document_id
    LEFT JOIN narratives n ON n.id = m.narrative_id
    WHERE {_TIME} BETWEEN ?::TIMESTAMPTZ - ?::INTERVAL AND ?::TIMESTAMPTZ + ?::INTERVAL
"""
MEMBERS_SQL = f"""
    SELECT m.narrative_id, d.id AS document_id, d.title, d.source, d.kind, {_TIME} AS time, a.sentiment, a.topic,
           m.places, m.agencies, m.legal_refs, m.key_terms, m.duplicate_of
    FROM narrative_members m JOIN documents d ON d.id = m.document_id
    LEFT JOIN annotations a ON a.document_id = d.id
    WHERE m.narrative_id IN (SELECT unnest(?))
"""
SPLIT_MEMBERS_SQL = f"""
    SELECT m.narrative_id, d.id AS document_id, {_TIME} AS time, coalesce(d.title, '') AS title,
           coalesce(d.text, '') AS text, m.duplicate_of
    FROM narrative_members m JOIN documents d ON d.id = m.document_id
    WHERE m.narrative_id IN (SELECT id FROM narratives WHERE id IN (SELECT unnest(?)) AND n_documents >= ?)
"""
# Split parts and their parents, each where it lives now (either may have merged since).
APART_SQL = """
    SELECT coalesce(a.merged_into, s.narrative_id), coalesce(b.merged_into, s.split_from)
    FROM narrative_splits s LEFT JOIN narrative_merges a ON a.narrative_id = s.narrative_id
    LEFT JOIN narrative_merges b ON b.narrative_id = s.split_from
"""


@dataclass
class NarrativeReport:
    """What one update did."""

    documents: int = 0
    duplicates: int = 0
    opened: int = 0
    joined: int = 0
    merged: int = 0
    split: int = 0
    narratives_touched: int = 0
    touched: set[str] = field(default_factory=set, repr=False)


def _entities(title: str, text: str) -> tuple[list[str], list[str], list[str]]:
    """Places, agencies and legal references named in a document (unique, in order)."""
    full = f"{title}. {text}"
    places = list(dict.fromkeys(p.slug for p in find_places(full)))
    agencies = list(dict.fromkeys(a.slug for a in find_agencies(full)))
    refs = list(dict.fromkeys(r.id for r in find_legal_refs(full)))
    return places, agencies, refs


def _write_summaries(con: duckdb.DuckDBPyConnection, ids: list[str]) -> None:
    """Recompute the narratives rows of these ids from their members (inside the caller's transaction)."""
    rows = summarise_all(con.execute(MEMBERS_SQL, [ids]).df())
    con.register("incoming_narratives", rows)
    con.execute("DELETE FROM narratives WHERE id IN (SELECT unnest(?))", [ids])
    con.execute(f"INSERT INTO narratives ({', '.join(NARRATIVE_COLUMNS)}) "
                f"SELECT {', '.join(NARRATIVE_COLUMNS)} FROM incoming_narratives")
    con.unregister("incoming_narratives")


def split_touched(db: Path, touched: list[str], *, config: SplitConfig = SplitConfig(),  # noqa: B008
                  lock_timeout: float = 60.0) -> pd.DataFrame:
    """Split the touched narratives whose members are two clearly different stories; return the splits made."""
    with open_writer(db, timeout=lock_timeout) as con:
        members = con.execute(SPLIT_MEMBERS_SQL, [touched, config.min_members]).df()
    splits = split_narratives(members, config)
    if splits.empty:
        return splits
    moved = splits[["narrative_id", "split_from", "document_ids"]].explode("document_ids").rename(
        columns={"document_ids": "document_id"})
    # An id a moved document opened and that was merged into the parent now follows its document.
    moved["opened_id"] = [narrative_id(str(d)) for d in moved["document_id"]]
    with open_writer(db, timeout=lock_timeout) as con, staged(con, "incoming_moves", moved):
        con.execute("UPDATE narrative_members SET narrative_id = g.narrative_id FROM incoming_moves g "
                    "WHERE narrative_members.document_id = g.document_id "
                    "AND narrative_members.narrative_id = g.split_from")
        con.execute("UPDATE narrative_merges SET merged_into = g.narrative_id FROM incoming_moves g "
                    "WHERE narrative_merges.narrative_id = g.opened_id AND narrative_merges.merged_into = g.split_from")
        con.register("incoming_splits", splits)
        con.execute("INSERT OR IGNORE INTO narrative_splits (narrative_id, split_from, n_moved, similarity, "
                    "silhouette, document_ids) SELECT narrative_id, split_from, n_moved, similarity, silhouette, "
                    "document_ids FROM incoming_splits")
        con.unregister("incoming_splits")
        _write_summaries(con, sorted(set(splits["narrative_id"]) | set(splits["split_from"])))
    return splits


def update_narratives(db: Path, *, config: AssignConfig = AssignConfig(), batch_size: int = 2000,  # noqa: B008
                      lock_timeout: float = 60.0, split: SplitConfig | None = SplitConfig()) -> NarrativeReport:  # noqa: B008
    """Assign pending documents in time-ordered batches, then split touched narratives that hold two stories
    (`split=None`: never); writer connections only around reads and writes."""
    report = NarrativeReport()
    window = f"{int(pd.Timedelta(config.window).total_seconds())} seconds"
    while True:
        with open_writer(db, timeout=lock_timeout) as con:
            batch = con.execute(PENDING_SQL, [batch_size]).df()
            if batch.empty:
                break
            lo, hi = batch["time"].min(), batch["time"].max()
            context = con.execute(CONTEXT_SQL, [lo, window, hi, window]).df()
            apart = [(str(a), str(b)) for a, b in con.execute(APART_SQL).fetchall()]
        result = assign_batch(context, batch, config, apart)
        ents = [_entities(t, x) for t, x in zip(batch["title"], batch["text"], strict=True)]
        extra = pd.DataFrame({"document_id": batch["id"], "places": [e[0] for e in ents],
                              "agencies": [e[1] for e in ents], "legal_refs": [e[2] for e in ents]})
        members = result.members.merge(extra, on="document_id")
        existing = set(context["narrative_id"])
        opened = members[~members["narrative_id"].isin(existing)]["narrative_id"].nunique()
        report.documents += len(members)
        report.duplicates += int(members["duplicate_of"].notna().sum())
        report.opened += opened
        report.joined += int(members["narrative_id"].isin(existing).sum())
        report.merged += len(result.merged)
        keepers = set(members["narrative_id"]) | set(result.merged.values())
        touched = sorted(keepers)
        report.touched.update(touched)
        report.touched.difference_update(result.merged)
        merges = pd.DataFrame({"narrative_id": list(result.merged), "merged_into": list(result.merged.values())},
                              columns=["narrative_id", "merged_into"])
        cols = ["document_id", "narrative_id", "duplicate_of", "similarity", "places", "agencies", "legal_refs",
                "key_terms"]
        with open_writer(db, timeout=lock_timeout) as con, staged(con, "incoming_members", members[cols]):
            if result.merged:
                # A merged narrative's members move to the one that keeps its id; its row goes, and
                # narrative_merges remembers where it went (lookups follow it).
                con.register("incoming_merges", merges)
                con.execute("UPDATE narrative_members SET narrative_id = g.merged_into FROM incoming_merges g "
                            "WHERE narrative_members.narrative_id = g.narrative_id")
                con.execute("UPDATE narrative_merges SET merged_into = g.merged_into FROM incoming_merges g "
                            "WHERE narrative_merges.merged_into = g.narrative_id")
                con.execute("INSERT OR REPLACE INTO narrative_merges (narrative_id, merged_into) "
                            "SELECT narrative_id, merged_into FROM incoming_merges")
                con.execute("DELETE FROM narratives WHERE id IN (SELECT narrative_id FROM incoming_merges)")
                con.unregister("incoming_merges")
            con.execute(f"INSERT OR IGNORE INTO narrative_members ({', '.join(cols)}) "
                        f"SELECT {', '.join(cols)} FROM incoming_members")
            _write_summaries(con, touched)
        splits = split_touched(db, touched, config=split, lock_timeout=lock_timeout) if split else pd.DataFrame()
        if not splits.empty:
            report.split += len(splits)
            report.touched.update(splits["narrative_id"])
        log.info("narratives: %d documents placed, %d narratives opened, %d merged, %d split", len(members),
                 opened, len(result.merged), len(splits))
    report.narratives_touched = len(report.touched)
    return report


FORECAST_TOP = 50  # emerging narratives whose next 24 h are forecast and stored on each run


def store_forecasts(db: Path, *, top: int = FORECAST_TOP, lock_timeout: float = 60.0) -> int:
    """Forecast the next 24 h of the top emerging narratives at the newest document; store them, return rows."""
    from pipelines.narratives.query import emerging, newest_time

    at = newest_time(db)
    if at is None:
        return 0
    ranked = emerging(db, at, top=top)
    rows = [(r["narrative_id"], at, pd.Timestamp(h["hour"]), h["expected"], h["lower"], h["upper"])
            for r in ranked.to_dict(orient="records") for h in r["forecast"]["hourly"]]
    if not rows:
        return 0
    frame = pd.DataFrame(rows, columns=["narrative_id", "made_at", "hour", "expected", "lower", "upper"])
    with open_writer(db, timeout=lock_timeout) as con, staged(con, "incoming_forecasts", frame):
        con.execute("INSERT OR REPLACE INTO narrative_forecasts SELECT * FROM incoming_forecasts")
    return len(frame)
