"""Warehouse reads for the emerging score: narrative members around a time, and overall volumes."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from pipelines.narratives.emerging import EmergingConfig, score_narratives
from warehouse.db import TIMEZONE, open_reader

_TIME = "coalesce(d.published_at, d.fetched_at, d.ingested_at)"
# Parameters: the window's start and end, then the lookback's start and the end again (exclusive starts).
# Same rows as joining every member to its document and filtering on the coalesced time, but documents are
# first cut on published_at (indexed, time-ordered: most of the table is skipped; those without it are
# taken on the coalesced time), so only the active narratives' members meet the period's documents.
def _documents_in(start: str, end: str) -> str:
    """Documents whose coalesced time is in (start, end], for parameter references start and end."""
    stored = "coalesce(fetched_at, ingested_at)"
    return (f"SELECT * FROM documents WHERE published_at > {start}::TIMESTAMPTZ AND published_at <= {end}::TIMESTAMPTZ "
            f"UNION ALL SELECT * FROM documents WHERE published_at IS NULL AND {stored} > {start}::TIMESTAMPTZ "
            f"AND {stored} <= {end}::TIMESTAMPTZ")


MEMBERS_SQL = f"""
    WITH active AS (
        SELECT DISTINCT m2.narrative_id FROM ({_documents_in("$1", "$2")}) r
        JOIN narrative_members m2 ON m2.document_id = r.id)
    SELECT m.narrative_id, d.id AS document_id, d.title, d.source, d.kind, {_TIME} AS time, a.sentiment, a.topic,
           m.places, m.agencies, m.legal_refs, m.key_terms, m.duplicate_of
    FROM (SELECT * FROM narrative_members WHERE narrative_id IN (SELECT narrative_id FROM active)) m
    JOIN ({_documents_in("$3", "$4")}) d ON d.id = m.document_id
    LEFT JOIN annotations a ON a.document_id = d.id
"""
COUNT_SQL = f"SELECT count(*) FROM documents d WHERE {_TIME} > ?::TIMESTAMPTZ AND {_TIME} <= ?::TIMESTAMPTZ"
# The overall hour-of-day rhythm of the last four weeks (local time), for the volume forecasts.
PROFILE_SQL = f"""
    SELECT hour(timezone('{TIMEZONE}', {_TIME})) AS h, count(*) AS n FROM documents d
    WHERE {_TIME} > ?::TIMESTAMPTZ - INTERVAL 28 DAY AND {_TIME} <= ?::TIMESTAMPTZ GROUP BY ALL
"""


def newest_time(db: Path) -> pd.Timestamp | None:
    """Time of the newest document placed in a narrative (the default 'now' of historical data)."""
    with open_reader(db) as con:
        value = con.execute(
            f"SELECT max({_TIME}) FROM documents d JOIN narrative_members m ON m.document_id = d.id").fetchone()
    return pd.Timestamp(value[0]) if value and value[0] is not None else None


def emerging(db: Path, at: pd.Timestamp, config: EmergingConfig = EmergingConfig(), *,  # noqa: B008
             negative: bool = False, top: int = 20) -> pd.DataFrame:
    """Ranked emerging narratives at `at`, read from the warehouse (one short read-only connection)."""
    window, lookback = pd.Timedelta(config.window), pd.Timedelta(config.lookback)
    start, past_start = at - window, at - window - lookback
    with open_reader(db) as con:
        members = con.execute(MEMBERS_SQL, [start, at, past_start, at]).df()
        recent = con.execute(COUNT_SQL, [start, at]).fetchone()
        past = con.execute(COUNT_SQL, [past_start, start]).fetchone()
        rhythm = con.execute(PROFILE_SQL, [at, at]).fetchall()
    members["time"] = pd.to_datetime(members["time"], utc=True).dt.tz_convert(TIMEZONE)
    return score_narratives(members, at.tz_convert(TIMEZONE), int(recent[0]) if recent else 0,
                            int(past[0]) if past else 0, config, negative=negative, top=top,
                            profile=hour_rhythm(rhythm))


def hour_rhythm(rows: list[tuple[int, int]]) -> np.ndarray | None:
    """Hour-of-day factors (mean 1) from (hour, count) rows, lightly smoothed; None without data."""
    if not rows:
        return None
    counts = np.zeros(24)
    for h, n in rows:
        counts[int(h)] = float(n)
    rate = counts + counts.mean() * 0.05 + 1.0
    return rate / rate.mean()
