"""The write API: batched, idempotent upserts through DataFrames (never row-by-row)."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import duckdb
import pandas as pd

from warehouse.records import Document

DOCUMENT_COLUMNS = [
    "id", "source", "kind", "parent_id", "url", "title", "text", "published_at",
    "fetched_at", "lang", "content_hash", "extra",
]
ANNOTATION_COLUMNS = [
    "document_id", "model_version", "sentiment", "sentiment_score", "toxicity", "toxicity_score",
    "topic", "topics", "topic_scores", "tokens",
]


@dataclass(frozen=True)
class WriteResult:
    """How many rows of a batch were new and how many were already stored."""

    new: int
    duplicate: int


@contextmanager
def staged(con: duckdb.DuckDBPyConnection, name: str, frame: pd.DataFrame) -> Iterator[None]:
    """Expose `frame` to SQL as view `name` inside one transaction (rolled back on any error)."""
    con.register(name, frame)
    try:
        con.execute("BEGIN TRANSACTION")
        try:
            yield
            con.execute("COMMIT")
        except Exception:
            con.execute("ROLLBACK")
            raise
    finally:
        con.unregister(name)


def _json_default(value: Any) -> str:
    if isinstance(value, datetime):
        return value.isoformat()
    return str(value)


def documents_frame(docs: Iterable[Document]) -> pd.DataFrame:
    """Turn records into the DataFrame shape of the `documents` table."""
    rows = [
        {
            "id": d.id, "source": d.source, "kind": d.kind, "parent_id": d.parent_id, "url": d.url,
            "title": d.title, "text": d.text, "published_at": d.published_at,
            "fetched_at": d.fetched_at or datetime.now(UTC), "lang": d.lang,
            "content_hash": d.content_hash,
            "extra": json.dumps(d.extra, ensure_ascii=False, default=_json_default) if d.extra else None,
        }
        for d in docs
    ]
    frame = pd.DataFrame(rows, columns=DOCUMENT_COLUMNS)
    for col in ("published_at", "fetched_at"):
        frame[col] = pd.to_datetime(frame[col], utc=True)
    return frame


def write_documents(con: duckdb.DuckDBPyConnection, docs: Sequence[Document] | pd.DataFrame) -> WriteResult:
    """Insert documents whose id is not stored yet; count the rest as duplicates."""
    frame = docs if isinstance(docs, pd.DataFrame) else documents_frame(docs)
    if frame.empty:
        return WriteResult(0, 0)
    unique = frame.drop_duplicates(subset="id", keep="first")
    with staged(con, "incoming_documents", unique):
        before = con.execute("SELECT count(*) FROM documents").fetchone()[0]  # type: ignore[index]
        con.execute(
            f"INSERT INTO documents ({', '.join(DOCUMENT_COLUMNS)}) "
            f"SELECT {', '.join('i.' + c for c in DOCUMENT_COLUMNS)} FROM incoming_documents i "
            "ANTI JOIN documents d ON d.id = i.id"
        )
        after = con.execute("SELECT count(*) FROM documents").fetchone()[0]  # type: ignore[index]
    new = int(after - before)
    return WriteResult(new=new, duplicate=len(frame) - new)


def write_annotations(con: duckdb.DuckDBPyConnection, frame: pd.DataFrame) -> int:
    """Insert or replace annotations (one row per document); return the number written."""
    if frame.empty:
        return 0
    frame = frame[ANNOTATION_COLUMNS].drop_duplicates(subset="document_id", keep="last")
    with staged(con, "incoming_annotations", frame):
        con.execute(
            "DELETE FROM annotations WHERE document_id IN (SELECT document_id FROM incoming_annotations)"
        )
        con.execute(
            f"INSERT INTO annotations ({', '.join(ANNOTATION_COLUMNS)}) "
            f"SELECT {', '.join(ANNOTATION_COLUMNS)} FROM incoming_annotations"
        )
    return len(frame)


def upsert_sources(con: duckdb.DuckDBPyConnection, frame: pd.DataFrame) -> int:
    """Insert or update source registry rows (name, kind, connector, url, status, config)."""
    if frame.empty:
        return 0
    cols = ["name", "kind", "connector", "url", "status", "config"]
    con.register("incoming_sources", frame[cols])
    try:
        con.execute(
            f"INSERT OR REPLACE INTO sources ({', '.join(cols)}, updated_at) "
            f"SELECT {', '.join(cols)}, current_timestamp FROM incoming_sources"
        )
    finally:
        con.unregister("incoming_sources")
    return len(frame)


def refresh_hourly_aggregates(con: duckdb.DuckDBPyConnection, since: datetime | None = None) -> int:
    """Recompute hourly topic x sentiment x source-kind counts from `since` on (all when None)."""
    where = "WHERE d.published_at >= date_trunc('hour', ?::TIMESTAMPTZ)" if since else ""
    params: list[Any] = [since] if since else []
    con.execute("BEGIN TRANSACTION")
    try:
        if since:
            con.execute("DELETE FROM hourly_aggregates WHERE hour >= date_trunc('hour', ?::TIMESTAMPTZ)", params)
        else:
            con.execute("DELETE FROM hourly_aggregates")
        con.execute(
            "INSERT INTO hourly_aggregates "
            "SELECT date_trunc('hour', d.published_at) AS hour, a.topic, a.sentiment, d.kind, count(*) "
            "FROM documents d JOIN annotations a ON a.document_id = d.id "
            f"{where} {'AND' if where else 'WHERE'} d.published_at IS NOT NULL "
            "GROUP BY ALL",
            params,
        )
        n = con.execute("SELECT count(*) FROM hourly_aggregates").fetchone()[0]  # type: ignore[index]
        con.execute("COMMIT")
    except Exception:
        con.execute("ROLLBACK")
        raise
    return int(n)


def replace_topic_spikes(con: duckdb.DuckDBPyConnection, frame: pd.DataFrame) -> int:
    """Replace spike scores for the (hour, topic) pairs in the frame."""
    if frame.empty:
        return 0
    cols = ["hour", "topic", "n_documents", "expected", "score", "alert"]
    with staged(con, "incoming_spikes", frame[cols]):
        con.execute(
            "DELETE FROM topic_spikes t USING incoming_spikes i WHERE t.hour = i.hour AND t.topic = i.topic"
        )
        con.execute(f"INSERT INTO topic_spikes ({', '.join(cols)}) SELECT {', '.join(cols)} FROM incoming_spikes")
    return len(frame)


def upsert_topics(con: duckdb.DuckDBPyConnection, frame: pd.DataFrame) -> int:
    """Insert or update topic display names (slug, name_vi, name_en)."""
    if frame.empty:
        return 0
    con.register("incoming_topics", frame[["slug", "name_vi", "name_en"]])
    try:
        con.execute("INSERT OR REPLACE INTO topics SELECT slug, name_vi, name_en FROM incoming_topics")
    finally:
        con.unregister("incoming_topics")
    return len(frame)
