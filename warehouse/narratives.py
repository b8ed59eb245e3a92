"""Narrative reads for the dashboard (Điểm nóng, narrative detail): each takes an open connection, returns a frame.

Merged narratives keep answering: every function resolves an id through `narrative_merges` first.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import duckdb
import pandas as pd

from warehouse.read import by_ids, query_frame

_TIME = "coalesce(d.published_at, d.fetched_at, d.ingested_at)"
MAX_MERGE_CHAIN = 50  # merges are flattened on write; a longer chain would mean a cycle


def resolve_narrative_id(con: duckdb.DuckDBPyConnection, narrative_id: str) -> str:
    """The id a narrative lives under now: itself, or the narrative it was merged into (followed to the end)."""
    current = narrative_id
    for _ in range(MAX_MERGE_CHAIN):
        row = con.execute("SELECT merged_into FROM narrative_merges WHERE narrative_id = ?", [current]).fetchone()
        if row is None or row[0] == current:
            return current
        current = str(row[0])
    return current


def members_from(con: duckdb.DuckDBPyConnection, narrative_id: str) -> tuple[str, list[Any]]:
    """A FROM clause of the narrative's members `m`, their documents `d` and annotations `a`, and its parameters."""
    # The members first, then their documents and annotations by id: joined to the tables, a
    # narrative of a few dozen documents scanned all 1M documents and annotations.
    ids = [str(row[0]) for row in con.execute(
        "SELECT document_id FROM narrative_members WHERE narrative_id = ?", [narrative_id]).fetchall()]
    documents, document_ids = by_ids("documents", "id", ids)
    annotations, annotation_ids = by_ids("annotations", "document_id", ids)
    return (
        f"(SELECT * FROM narrative_members WHERE narrative_id = ?) m JOIN {documents} d ON d.id = m.document_id "
        f"LEFT JOIN {annotations} a ON a.document_id = d.id",
        [narrative_id, *document_ids, *annotation_ids],
    )


def documents_between(start_param: str = "?::TIMESTAMPTZ", end_param: str = "?::TIMESTAMPTZ") -> str:
    """Ids of the documents whose time (published, else fetched, else stored) is in [start, end]: two parameters
    each (start, end, start, end)."""
    # Split on published_at so the common case is a range on an indexed, time-ordered column that
    # skips most of the table, where the coalesce read every row.
    return (
        f"SELECT id FROM documents WHERE published_at BETWEEN {start_param} AND {end_param} "
        "UNION ALL SELECT id FROM documents WHERE published_at IS NULL "
        f"AND coalesce(fetched_at, ingested_at) BETWEEN {start_param} AND {end_param}"
    )


def list_narratives(con: duckdb.DuckDBPyConnection, start: datetime, end: datetime, *, min_documents: int = 2,
                    limit: int = 50) -> pd.DataFrame:
    """Narratives seen in [start, end], biggest first: id, label, key terms, first/last seen, counts, sources, kinds,
    sentiment mix, topics, places, agencies, legal references, and the documents inside the period (n_period)."""
    # The page of ids first, then only its rows' list columns (read for every narrative in the period,
    # tens of thousands at 1M documents, they cost more than the ranking).
    top = con.execute(f"""
        WITH period AS (
            SELECT m.narrative_id, count(*) AS n_period
            FROM ({documents_between()}) w JOIN narrative_members m ON m.document_id = w.id
            GROUP BY ALL)
        SELECT n.id, p.n_period FROM narratives n JOIN period p ON p.narrative_id = n.id
        WHERE n.n_documents >= ?
        ORDER BY p.n_period DESC, n.n_documents DESC, n.id
        LIMIT ?""", [start, end, start, end, min_documents, limit]).fetchall()
    rows, ids = by_ids("narratives", "id", [str(row[0]) for row in top])
    return query_frame(con, f"""
        SELECT n.id, n.label, n.key_terms, n.first_seen, n.last_seen, n.n_documents, n.n_duplicates, p.n_period,
               n.sources, n.kinds, n.n_negative, n.n_neutral, n.n_positive, n.topics, n.places, n.agencies,
               n.legal_refs
        FROM {rows} n JOIN (SELECT unnest(?::VARCHAR[]) AS narrative_id, unnest(?::BIGINT[]) AS n_period) p
          ON p.narrative_id = n.id
        ORDER BY p.n_period DESC, n.n_documents DESC, n.id""",
        [*ids, [str(row[0]) for row in top], [int(row[1]) for row in top]])


def narrative_summary(con: duckdb.DuckDBPyConnection, narrative_id: str) -> pd.DataFrame:
    """One row (none when unknown): the narrative's label, key terms, first/last seen, counts, sources, kinds,
    sentiment mix (n_negative/n_neutral/n_positive), topics, places, agencies, legal refs, ids merged into it."""
    nid = resolve_narrative_id(con, narrative_id)
    return query_frame(con, """
        SELECT n.id, n.label, n.key_terms, n.first_seen, n.last_seen, n.n_documents, n.n_duplicates, n.sources,
               n.kinds, n.n_negative, n.n_neutral, n.n_positive, n.topics, n.places, n.agencies, n.legal_refs,
               coalesce((SELECT list(narrative_id ORDER BY narrative_id) FROM narrative_merges
                         WHERE merged_into = n.id), []) AS merged_from
        FROM narratives n WHERE n.id = ?""", [nid])


def narrative_hourly_volume(con: duckdb.DuckDBPyConnection, narrative_id: str) -> pd.DataFrame:
    """Hourly volume of a narrative, zero hours included: hour, n_documents, n_negative, n_press, n_social."""
    nid = resolve_narrative_id(con, narrative_id)
    members, params = members_from(con, nid)
    return query_frame(con, f"""
        WITH docs AS (
            SELECT date_trunc('hour', {_TIME}) AS hour, a.sentiment, d.kind
            FROM {members}),
        hours AS (
            SELECT unnest(generate_series(min(hour), max(hour), INTERVAL 1 HOUR)) AS hour FROM docs)
        SELECT h.hour, count(d.hour)::INTEGER AS n_documents,
               count(*) FILTER (WHERE d.sentiment = 'negative')::INTEGER AS n_negative,
               count(*) FILTER (WHERE d.kind = 'press')::INTEGER AS n_press,
               count(*) FILTER (WHERE d.kind IN ('social', 'comment'))::INTEGER AS n_social
        FROM hours h LEFT JOIN docs d ON d.hour = h.hour
        GROUP BY h.hour ORDER BY h.hour""", params)


def narrative_documents(con: duckdb.DuckDBPyConnection, narrative_id: str, *, limit: int = 100) -> pd.DataFrame:
    """The evidence: a narrative's documents, originals before their copies, newest first (id, time, title, url,
    source, kind, sentiment, topic, duplicate_of, similarity)."""
    nid = resolve_narrative_id(con, narrative_id)
    members, params = members_from(con, nid)
    return query_frame(con, f"""
        SELECT d.id, {_TIME} AS time, d.title, d.url, d.source, d.kind, a.sentiment, a.topic, m.duplicate_of,
               m.similarity
        FROM {members}
        ORDER BY m.duplicate_of IS NOT NULL, time DESC, d.id
        LIMIT ?""", [*params, limit])


def related_narratives(con: duckdb.DuckDBPyConnection, narrative_id: str, *, limit: int = 10,
                       within: str = "7 days") -> pd.DataFrame:
    """Narratives that share key terms, places, agencies or legal references with this one and overlap it in
    time (within `within`), most shared first: id, label, first/last seen, n_documents, shared (the common items)."""
    nid = resolve_narrative_id(con, narrative_id)
    return query_frame(con, f"""
        WITH me AS (
            SELECT id, first_seen, last_seen,
                   list_distinct(coalesce(key_terms, []) || coalesce(places, []) || coalesce(agencies, [])
                                 || coalesce(legal_refs, [])) AS items
            FROM narratives WHERE id = ?),
        other AS (
            SELECT n.id, n.label, n.first_seen, n.last_seen, n.n_documents,
                   list_intersect(list_distinct(coalesce(n.key_terms, []) || coalesce(n.places, [])
                                                || coalesce(n.agencies, []) || coalesce(n.legal_refs, [])),
                                  me.items) AS shared
            FROM narratives n, me
            WHERE n.id <> me.id
              AND n.first_seen <= me.last_seen + INTERVAL '{within}'
              AND n.last_seen >= me.first_seen - INTERVAL '{within}')
        SELECT id, label, first_seen, last_seen, n_documents, shared
        FROM other WHERE len(shared) > 0
        ORDER BY len(shared) DESC, n_documents DESC, id
        LIMIT ?""", [nid, limit])


def narrative_forecast(con: duckdb.DuckDBPyConnection, narrative_id: str) -> pd.DataFrame:
    """The newest stored 24 h forecast of a narrative's hourly volume: made_at, hour, expected, lower, upper
    (an 80 % interval)."""
    nid = resolve_narrative_id(con, narrative_id)
    return query_frame(con, """
        SELECT made_at, hour, expected, lower, upper FROM narrative_forecasts
        WHERE narrative_id = ? AND made_at = (SELECT max(made_at) FROM narrative_forecasts WHERE narrative_id = ?)
        ORDER BY hour""", [nid, nid])


def series_spikes(con: duckdb.DuckDBPyConnection, start: datetime, end: datetime, *, kind: str | None = None,
                  alerts_only: bool = True) -> pd.DataFrame:
    """Spikes of place / entity (agency) / legal-reference / keyword-watch series in [start, end]:
    hour, kind, key, n_documents, expected, score, alert; strongest first."""
    return query_frame(con, """
        SELECT hour, kind, key, n_documents, expected, score, alert FROM series_spikes
        WHERE hour BETWEEN ?::TIMESTAMPTZ AND ?::TIMESTAMPTZ AND (? IS NULL OR kind = ?) AND (alert OR NOT ?)
        ORDER BY score DESC, hour DESC, kind, key""", [start, end, kind, kind, alerts_only])
