"""Coverage ledger: what each crawl run did per source, and which sources have fallen silent.

The silence rule (`silence_threshold`): a source's rhythm is the median gap between its
documents' times over the 14 days before the reference time (when those give fewer than 3 gaps,
its last 20 documents whatever their age). It is silent when the time since its last document
exceeds max(3 × that median, 6 h). A source with fewer than 4 documents has no rhythm and is never
called silent; paused sources are never called silent.

A document's time is its publication time, capped at the time it was stored (a wrong future
date must not hide a silence), or the time it was stored when it has none.
"""

from __future__ import annotations

import json
import statistics
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import duckdb
import numpy as np
import pandas as pd

RHYTHM_WINDOW = timedelta(days=14)
RATE_WINDOW = timedelta(days=7)
RHYTHM_FACTOR = 3.0
MIN_SILENCE = timedelta(hours=6)
MIN_GAPS = 3
FALLBACK_DOCUMENTS = 20

RUN_COLUMNS = [
    "source", "run_at", "finished_at", "ok", "requests", "feeds_ok", "items_fetched", "items_new", "errors",
    "http_failures", "detail",
]
STATUS_COLUMNS = [
    "source", "kind", "status", "last_attempt", "last_success", "runs_7d", "error_rate", "http_failures_7d",
    "items_per_day", "last_item_at", "hours_since_item", "usual_gap_hours", "threshold_hours", "silent", "state",
]
# A source's state, worst first: the order the status table is sorted in.
STATES = ("silent", "failing", "ok", "no-rhythm", "paused")


@dataclass(frozen=True, slots=True)
class SourceRun:
    """One source in one crawl run: requests made, items fetched and new, failures."""

    source: str
    run_at: datetime
    finished_at: datetime
    requests: int
    feeds_ok: int
    items_fetched: int
    items_new: int
    errors: int
    http_failures: int
    detail: dict[str, int] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        """A run succeeded for a source when at least one of its feeds was read."""
        return self.feeds_ok > 0


def record_runs(con: duckdb.DuckDBPyConnection, runs: Sequence[SourceRun]) -> int:
    """Store crawl-run rows (a run recorded again replaces its row); return how many were written."""
    if not runs:
        return 0
    rows = [{**asdict(r), "ok": r.ok, "detail": json.dumps(r.detail, sort_keys=True)} for r in runs]
    frame = pd.DataFrame(rows, columns=RUN_COLUMNS).drop_duplicates(["source", "run_at"], keep="last")
    for col in ("run_at", "finished_at"):
        frame[col] = pd.to_datetime(frame[col], utc=True)
    con.register("incoming_source_runs", frame)
    try:
        con.execute(
            f"INSERT OR REPLACE INTO source_health ({', '.join(RUN_COLUMNS)}) "
            f"SELECT {', '.join(RUN_COLUMNS)} FROM incoming_source_runs"
        )
    finally:
        con.unregister("incoming_source_runs")
    return len(frame)


@dataclass(frozen=True, slots=True)
class Rhythm:
    """A source's usual gap between documents and the gap past which it counts as silent."""

    usual_gap: timedelta
    threshold: timedelta


def silence_threshold(times: Sequence[datetime], reference: datetime) -> Rhythm | None:
    """The source's rhythm from its document times (any order), or None with too few documents."""
    past = sorted(t for t in times if t <= reference)
    recent = [t for t in past if t >= reference - RHYTHM_WINDOW]
    if len(recent) < MIN_GAPS + 1:
        recent = past[-FALLBACK_DOCUMENTS:]
    if len(recent) < MIN_GAPS + 1:
        return None
    gaps = [(b - a).total_seconds() for a, b in zip(recent, recent[1:], strict=False)]
    usual = timedelta(seconds=statistics.median(gaps))
    return Rhythm(usual, max(usual * RHYTHM_FACTOR, MIN_SILENCE))


def is_silent(last_item: datetime | None, rhythm: Rhythm | None, reference: datetime) -> bool:
    """Whether the time since the last document exceeds the source's silence threshold."""
    if last_item is None or rhythm is None:
        return False
    return reference - last_item > rhythm.threshold


def reference_time(con: duckdb.DuckDBPyConnection, now: datetime | None = None) -> datetime:
    """The time silence is judged at: now in a crawled warehouse, else the newest document's time.

    A warehouse never crawled (the demo's ingested timeline, an archive) is judged as of its own end,
    so an archive does not show every source as silent.
    """
    now = now or datetime.now(UTC)
    crawled = con.execute("SELECT count(*) FROM source_health").fetchone()
    if crawled and crawled[0]:
        return now
    newest = con.execute(f"SELECT max({_ITEM_TIME}) FROM documents WHERE kind <> 'comment'").fetchone()
    if not newest or newest[0] is None:
        return now
    return min(now, pd.Timestamp(newest[0]).to_pydatetime())


_ITEM_TIME = "least(coalesce(published_at, ingested_at), ingested_at)"


def _document_times(con: duckdb.DuckDBPyConnection, reference: datetime) -> pd.DataFrame:
    """Per source, its document times of the rhythm window plus its last few, up to the reference."""
    # The window's times, plus the newest few older ones: `max(item_at, N)` keeps each source's top N
    # in a heap, where numbering every document with a window function sorted all of them (1M rows).
    start = reference - RHYTHM_WINDOW
    return con.execute(
        f"WITH t AS (SELECT source, {_ITEM_TIME} AS item_at FROM documents WHERE kind <> 'comment'), "
        "u AS (SELECT source, item_at FROM t WHERE item_at <= ?) "
        "SELECT source, item_at FROM u WHERE item_at >= ? "
        "UNION ALL "
        "SELECT source, item_at FROM (SELECT source, unnest(max(item_at, ?)) AS item_at FROM u GROUP BY source) "
        "WHERE item_at < ?",
        [reference, start, FALLBACK_DOCUMENTS + 1, start],
    ).df()


_US = timedelta(microseconds=1)
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def _microseconds(moment: datetime) -> int:
    """A moment as integer microseconds since the epoch (DuckDB's own resolution)."""
    return (moment - _EPOCH) // _US


def _times_by_source(times: pd.DataFrame) -> dict[str, np.ndarray]:
    """Each source's document times as sorted integer microseconds since the epoch."""
    if times.empty:
        return {}
    stamps = pd.to_datetime(times["item_at"], utc=True).dt.tz_localize(None)
    values = stamps.to_numpy().astype("datetime64[us]").astype(np.int64)
    sources = times["source"].to_numpy()
    order = np.lexsort((values, sources))
    values, sources = values[order], sources[order]
    cuts = np.flatnonzero(sources[1:] != sources[:-1]) + 1
    return {str(group[0]): chunk for group, chunk in zip(np.split(sources, cuts), np.split(values, cuts), strict=True)}


def _rhythm(past: np.ndarray, reference: datetime) -> Rhythm | None:
    """silence_threshold for sorted microsecond times up to the reference, without Python datetimes."""
    # Thousands of documents a source: datetimes one by one cost more than all the queries.
    recent = past[past >= _microseconds(reference - RHYTHM_WINDOW)]
    if len(recent) < MIN_GAPS + 1:
        recent = past[-FALLBACK_DOCUMENTS:]
    if len(recent) < MIN_GAPS + 1:
        return None
    # Whole microseconds divided once, as timedelta.total_seconds() does: the same floats, the same median.
    usual = timedelta(seconds=statistics.median((np.diff(recent) / 1e6).tolist()))
    return Rhythm(usual, max(usual * RHYTHM_FACTOR, MIN_SILENCE))


def _runs(con: duckdb.DuckDBPyConnection, reference: datetime) -> pd.DataFrame:
    return con.execute(
        "SELECT source, max(run_at) AS last_attempt, max(run_at) FILTER (WHERE ok) AS last_success, "
        "count(*) FILTER (WHERE run_at >= ?) AS runs_7d, "
        "sum(errors) FILTER (WHERE run_at >= ?) AS errors_7d, "
        "sum(requests) FILTER (WHERE run_at >= ?) AS requests_7d, "
        "coalesce(sum(http_failures) FILTER (WHERE run_at >= ?), 0) AS http_failures_7d "
        "FROM source_health GROUP BY source",
        [reference - RATE_WINDOW] * 4,
    ).df()


def _registry(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    return con.execute(
        "SELECT name AS source, kind, status FROM sources UNION ALL "
        "SELECT DISTINCT source, kind, NULL FROM documents d WHERE kind <> 'comment' "
        "AND NOT EXISTS (SELECT 1 FROM sources s WHERE s.name = d.source)"
    ).df()


def source_status(
    con: duckdb.DuckDBPyConnection, now: datetime | None = None, silent_only: bool = False
) -> pd.DataFrame:
    """Per source: last attempt and success, error rate and items a day (7 days), silence."""
    reference = reference_time(con, now)
    registry = _registry(con).drop_duplicates("source")
    runs = _runs(con, reference).set_index("source")
    by_source = _times_by_source(_document_times(con, reference))
    reference_us = _microseconds(reference)
    by_source = {name: values[values <= reference_us] for name, values in by_source.items()}
    names = sorted(set(registry["source"]) | set(runs.index))
    info = registry.set_index("source")
    none = np.empty(0, dtype=np.int64)
    rows = [_status_row(n, info, runs, by_source.get(n, none), reference) for n in names]
    frame = pd.DataFrame(rows, columns=STATUS_COLUMNS)
    if silent_only:
        frame = frame[frame["silent"]]
    order = {s: i for i, s in enumerate(STATES)}
    frame = frame.assign(_o=frame["state"].map(order)).sort_values(["_o", "source"], kind="stable")
    return frame.drop(columns="_o").reset_index(drop=True)


def _status_row(
    name: str, info: pd.DataFrame, runs: pd.DataFrame, times: np.ndarray, reference: datetime
) -> dict[str, Any]:
    kind = info.at[name, "kind"] if name in info.index else None
    status = info.at[name, "status"] if name in info.index else None
    last_item = _EPOCH + int(times[-1]) * _US if len(times) else None
    rhythm = _rhythm(times, reference)
    silent = status != "paused" and is_silent(last_item, rhythm, reference)
    run = runs.loc[name] if name in runs.index else None
    requests = int(run["requests_7d"]) if run is not None and pd.notna(run["requests_7d"]) else 0
    errors = int(run["errors_7d"]) if run is not None and pd.notna(run["errors_7d"]) else 0
    error_rate = errors / requests if requests else None
    last_success = run["last_success"] if run is not None and pd.notna(run["last_success"]) else None
    recent = int(np.count_nonzero(times > _microseconds(reference - RATE_WINDOW)))
    if status == "paused":
        state = "paused"
    elif silent:
        state = "silent"
    elif run is not None and run["runs_7d"] and (last_success is None or (error_rate or 0) >= 0.5):
        state = "failing"
    else:
        state = "ok" if rhythm else "no-rhythm"
    return {
        "source": name,
        "kind": kind,
        "status": status,
        "last_attempt": run["last_attempt"] if run is not None else None,
        "last_success": last_success,
        "runs_7d": int(run["runs_7d"]) if run is not None else 0,
        "error_rate": error_rate,
        "http_failures_7d": int(run["http_failures_7d"]) if run is not None else 0,
        "items_per_day": recent / RATE_WINDOW.days,
        "last_item_at": last_item,
        "hours_since_item": _hours(reference - last_item) if last_item else None,
        "usual_gap_hours": _hours(rhythm.usual_gap) if rhythm else None,
        "threshold_hours": _hours(rhythm.threshold) if rhythm else None,
        "silent": silent,
        "state": state,
    }


def _hours(delta: timedelta) -> float:
    return round(delta.total_seconds() / 3600, 2)


def silent_count(con: duckdb.DuckDBPyConnection, now: datetime | None = None) -> int:
    """How many sources are silent now (for the dashboard's banner)."""
    return int(source_status(con, now)["silent"].sum())
