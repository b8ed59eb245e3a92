"""Writes of the social connectors: documents, time-stamped engagement snapshots, items seen deleted."""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

import duckdb
import pandas as pd

from warehouse.records import Document
from warehouse.write import WriteResult, write_documents

SNAPSHOT_COLUMNS = ["document_id", "metric", "observed_at", "value", "source"]


@dataclass(frozen=True)
class Snapshot:
    """One engagement count of one document at one moment (views, likes, replies…)."""

    document_id: str
    metric: str
    observed_at: datetime
    value: int
    source: str


def write_snapshots(con: duckdb.DuckDBPyConnection, snapshots: Iterable[Snapshot]) -> int:
    """Insert snapshots (one per document, metric and moment; repeats ignored); return rows added."""
    frame = pd.DataFrame([s.__dict__ for s in snapshots], columns=SNAPSHOT_COLUMNS)
    if frame.empty:
        return 0
    frame["observed_at"] = pd.to_datetime(frame["observed_at"], utc=True)
    frame = frame.drop_duplicates(subset=["document_id", "metric", "observed_at"])
    con.register("incoming_snapshots", frame)
    try:
        before = _count(con)
        con.execute(
            f"INSERT OR IGNORE INTO engagement_snapshots ({', '.join(SNAPSHOT_COLUMNS)}) "
            f"SELECT {', '.join(SNAPSHOT_COLUMNS)} FROM incoming_snapshots"
        )
        return _count(con) - before
    finally:
        con.unregister("incoming_snapshots")


def _count(con: duckdb.DuckDBPyConnection) -> int:
    return int(con.execute("SELECT count(*) FROM engagement_snapshots").fetchone()[0])  # type: ignore[index]


def stored_ids(con: duckdb.DuckDBPyConnection, ids: Sequence[str]) -> set[str]:
    """Which of these document ids are already in the warehouse."""
    if not ids:
        return set()
    rows = con.execute("SELECT id FROM documents WHERE id IN (SELECT unnest(?::VARCHAR[]))", [list(ids)])
    return {r[0] for r in rows.fetchall()}


def mark_deleted(con: duckdb.DuckDBPyConnection, reasons: dict[str, str], seen_at: datetime) -> set[str]:
    """Flag stored documents the platform no longer shows (extra.deleted, reason, when); return their ids."""
    found = stored_ids(con, list(reasons))
    for doc_id in sorted(found):
        # The text is kept as collected: deletion is a fact about the post, not a reason to forget it.
        patch = json.dumps({"deleted": True, "deleted_reason": reasons[doc_id], "deleted_seen_at": seen_at.isoformat()})
        con.execute(
            "UPDATE documents SET extra = json_merge_patch(coalesce(extra, '{}'::JSON), ?::JSON) "
            "WHERE id = ? AND coalesce(json_extract(extra, '$.deleted')::BOOLEAN, false) = false",
            [patch, doc_id],
        )
    return found


def write_batch(
    con: duckdb.DuckDBPyConnection, docs: Sequence[Document], snapshots: Sequence[Snapshot]
) -> tuple[WriteResult, int]:
    """Store new documents and every snapshot of this batch."""
    return write_documents(con, docs), write_snapshots(con, snapshots)


def recent_press_urls(con: duckdb.DuckDBPyConnection, source: str, limit: int) -> list[str]:
    """URLs of the newest press articles of a source, whose comment sections are worth reading."""
    rows = con.execute(
        "SELECT url FROM documents WHERE source = ? AND kind = 'press' "
        "ORDER BY published_at DESC NULLS LAST LIMIT ?", [source, limit],
    )
    return [r[0] for r in rows.fetchall()]
