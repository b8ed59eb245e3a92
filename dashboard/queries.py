"""Read queries the pages need beyond warehouse.read: narratives, legal references, alerts, mainstream share.

Each takes an open read-only connection first and returns a DataFrame, like warehouse.read, so that
dashboard.data.fetch caches them the same way.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import duckdb
import pandas as pd

from pipelines.alerts.model import Event
from pipelines.alerts.plan import responsible
from pipelines.alerts.store import subscriptions_from, units_from
from pipelines.narratives.emerging import EmergingConfig, growth, score_narratives, spread
from pipelines.narratives.query import COUNT_SQL, MEMBERS_SQL
from warehouse.db import TIMEZONE
from warehouse.narratives import members_from
from warehouse.read import NEGATIVE, UNANNOTATED, _grain, by_ids, query_frame

# Kinds of the source registry (crawlers/sources.toml) that count as official, "mainstream" coverage.
OFFICIAL_KINDS = ("party-state-press", "government-portal")
_TIME = "coalesce(d.published_at, d.fetched_at, d.ingested_at)"
SPARK_DAYS = 14
# Narratives pre-ranked per shown row: the full score (with its summaries) runs on these only.
CANDIDATES_PER_ROW = 2


def mainstream_share(con: duckdb.DuckDBPyConnection, start: datetime, end: datetime) -> pd.DataFrame:
    """One row: n_documents, official_share (party/state press and government portals), non_negative_share."""
    kinds = ", ".join("?" for _ in OFFICIAL_KINDS)
    return query_frame(
        con,
        "SELECT count(*) AS n_documents, "
        f"count(*) FILTER (WHERE s.kind IN ({kinds})) / nullif(count(*), 0) AS official_share, "
        "count(*) FILTER (WHERE a.sentiment IS NOT NULL AND a.sentiment <> ?) "
        "  / nullif(count(a.sentiment), 0) AS non_negative_share "
        "FROM documents d LEFT JOIN annotations a ON a.document_id = d.id "
        "LEFT JOIN sources s ON s.name = d.source "
        "WHERE d.published_at >= ? AND d.published_at < ?",
        [*OFFICIAL_KINDS, NEGATIVE, start, end],
    )


def _units_for(con: duckdb.DuckDBPyConnection, ranked: pd.DataFrame) -> list[str]:
    """The directory units that answer for each ranked narrative (its topic or one of its places)."""
    units = units_from(con)
    names = []
    for row in ranked.itertuples(index=False):
        topics = list(row.topics) if row.topics is not None else []
        event = Event(id=str(row.narrative_id), kind="narrative", target=str(row.narrative_id), at="", score=0.0,
                      title="", body="", topic=topics[0] if topics else None,
                      places=tuple(row.places) if row.places is not None else ())
        names.append(", ".join(u.name for u in units if responsible(u, event)))
    return names


def _candidates(members: pd.DataFrame, now: pd.Timestamp, n_recent: int, n_past: int, config: EmergingConfig,
                negative: bool, keep: int) -> list[str]:
    """The `keep` narratives with the highest raw emerging score, from per-narrative counts.

    score_narratives filters pandas rows once per narrative, seconds for the thousands a big warehouse has in a
    day; the same growth and spread functions on grouped counts rank them in milliseconds, and the full score
    then runs on the best few (the margin absorbs ties).
    """
    window, lookback = pd.Timedelta(config.window), pd.Timedelta(config.lookback)
    start = now - window
    recent = members[(members["time"] > start) & (members["time"] <= now)]
    if recent.empty:
        return []
    past = members[(members["time"] > start - lookback) & (members["time"] <= start)]
    flags = recent.assign(
        negative=recent["sentiment"] == "negative", press=recent["kind"] == "press",
        social=recent["kind"].isin(["social", "comment"]),
    )
    stats = flags.groupby("narrative_id").agg(
        n=("document_id", "size"), sources=("source", "nunique"), negatives=("negative", "sum"),
        press=("press", "any"), social=("social", "any"),
    )
    stats["past"] = past.groupby("narrative_id").size().reindex(stats.index, fill_value=0)
    ratio = window / lookback
    factor = (n_recent + 1.0) / (n_past * ratio + 1.0)
    # Plain lists, not itertuples: thousands of rows of Arrow-backed columns cost 0.1 s row by row.
    columns = zip(stats["n"].tolist(), stats["past"].tolist(), stats["sources"].tolist(),
                  stats["press"].tolist(), stats["social"].tolist(), stats["negatives"].tolist(), strict=True)
    raw = [
        growth(int(n), int(past_n), ratio, factor)[0]
        # spread() only asks whether press and social (or comments) both carry it
        * spread(int(sources), {k for k, on in (("press", press), ("social", social)) if on},
                 config.crossover_bonus)
        # negativity(): the negative share shrunk by one pseudo-document
        * (negatives / (n + 1.0) if negative else 1.0)
        for n, past_n, sources, press, social, negatives in columns
    ]
    stats["raw"] = raw
    return list(stats.sort_values(["raw", "n"], ascending=False).head(keep).index)


def emerging_narratives(con: duckdb.DuckDBPyConnection, at: datetime, negative: bool, top: int) -> pd.DataFrame:
    """Ranked emerging (or emerging-negative) narratives at `at`, with sparkline, responsible unit and why."""
    # The score is the one alerts use (pipelines.narratives.emerging), so the page and the alerts agree.
    config = EmergingConfig()
    now = pd.Timestamp(at).tz_convert(TIMEZONE)
    window, lookback = pd.Timedelta(config.window), pd.Timedelta(config.lookback)
    start, past_start = now - window, now - window - lookback
    members = query_frame(con, MEMBERS_SQL, [start, now, past_start, now])
    recent = con.execute(COUNT_SQL, [start, now]).fetchone()
    past = con.execute(COUNT_SQL, [past_start, start]).fetchone()
    members["time"] = pd.to_datetime(members["time"], utc=True).dt.tz_convert(TIMEZONE)
    # Plain Python strings: the scoring iterates these columns value by value (sets, records), which
    # costs ten times more on Arrow-backed string columns; the values are the same.
    text = [c for c in members.columns if pd.api.types.is_string_dtype(members[c]) and members[c].dtype != object]
    members = members.astype({c: object for c in text})
    n_recent, n_past = int(recent[0]) if recent else 0, int(past[0]) if past else 0
    keep = _candidates(members, now, n_recent, n_past, config, negative, top * CANDIDATES_PER_ROW)
    ranked = score_narratives(members[members["narrative_id"].isin(keep)], now, n_recent, n_past, config,
                              negative=negative, top=top)
    if ranked.empty:
        return ranked.assign(unit=pd.Series(dtype=str), sparkline=pd.Series(dtype=object))
    ranked["unit"] = _units_for(con, ranked)
    daily = narrative_daily(con, list(ranked["narrative_id"]), now - pd.Timedelta(days=SPARK_DAYS), now)
    ranked["sparkline"] = [daily.get(nid, [0] * SPARK_DAYS) for nid in ranked["narrative_id"]]
    return ranked


def narrative_daily(con: duckdb.DuckDBPyConnection, ids: list[str], start: Any, end: Any) -> dict[str, list[int]]:
    """Documents per day of each narrative over [start, end), zero-filled (for sparklines)."""
    if not ids:
        return {}
    # Documents cut to the period on published_at first (time-ordered: most of the table is skipped),
    # those without it on the coalesced time: the join met all 1M documents before.
    stored = "coalesce(fetched_at, ingested_at)"
    frame = query_frame(
        con,
        f"SELECT m.narrative_id, date_diff('day', ?::TIMESTAMPTZ, {_TIME}) AS day, count(*) AS n "
        "FROM narrative_members m JOIN ("
        "  SELECT * FROM documents WHERE published_at >= ?::TIMESTAMPTZ AND published_at < ?::TIMESTAMPTZ"
        "  UNION ALL SELECT * FROM documents WHERE published_at IS NULL"
        f"  AND {stored} >= ?::TIMESTAMPTZ AND {stored} < ?::TIMESTAMPTZ"
        ") d ON d.id = m.document_id "
        f"WHERE m.narrative_id IN ({', '.join('?' for _ in ids)}) GROUP BY ALL",
        [start, start, end, start, end, *ids],
    )
    days = max(int((pd.Timestamp(end) - pd.Timestamp(start)).days), 1)
    out = {nid: [0] * days for nid in ids}
    for row in frame.itertuples(index=False):
        if 0 <= int(row.day) < days:
            out[str(row.narrative_id)][int(row.day)] = int(row.n)
    return out


VOLUME_KEYS = {"kind": "d.kind", "sentiment": f"coalesce(a.sentiment, '{UNANNOTATED}')"}


def narrative_volume(con: duckdb.DuckDBPyConnection, narrative_id: str, grain: str, by: str) -> pd.DataFrame:
    """Documents per bucket and source kind (press, social, comment) or sentiment: bucket, key, n_documents."""
    if by not in VOLUME_KEYS:
        raise ValueError(f"by must be one of {', '.join(VOLUME_KEYS)}, not {by!r}")
    members, params = members_from(con, narrative_id)
    return query_frame(
        con,
        f"SELECT date_trunc(?, {_TIME}) AS bucket, {VOLUME_KEYS[by]} AS key, count(*) AS n_documents "
        f"FROM {members} GROUP BY ALL ORDER BY bucket, key",
        [_grain(grain), *params],
    )


def narrative_sources(con: duckdb.DuckDBPyConnection, narrative_id: str) -> pd.DataFrame:
    """Sources carrying the narrative: source, kind, n_documents, negative_share, first_at."""
    members, params = members_from(con, narrative_id)
    return query_frame(
        con,
        f"SELECT d.source, any_value(d.kind) AS kind, count(*) AS n_documents, min({_TIME}) AS first_at, "
        "count(*) FILTER (WHERE a.sentiment = ?) / nullif(count(a.sentiment), 0) AS negative_share "
        f"FROM {members} GROUP BY d.source ORDER BY n_documents DESC, d.source",
        [NEGATIVE, *params],
    )


def narrative_places(con: duckdb.DuckDBPyConnection, narrative_id: str, limit: int = 20) -> pd.DataFrame:
    """Places named in the narrative's documents, most documents first: place, n_documents."""
    return query_frame(
        con,
        "SELECT place, count(*) AS n_documents FROM ("
        "  SELECT unnest(places) AS place FROM narrative_members WHERE narrative_id = ?) "
        "GROUP BY place ORDER BY n_documents DESC, place LIMIT ?",
        [narrative_id, limit],
    )


def legal_refs_in(con: duckdb.DuckDBPyConnection, start: datetime, end: datetime, limit: int = 100) -> pd.DataFrame:
    """Legal references cited in [start, end), most documents first: legal_ref, n_documents, negative_share."""
    # Members citing nothing (all but a few thousand of 1M) are dropped before the joins.
    return query_frame(
        con,
        "SELECT r.legal_ref, count(*) AS n_documents, "
        "count(*) FILTER (WHERE a.sentiment = ?) / nullif(count(a.sentiment), 0) AS negative_share "
        "FROM (SELECT document_id, unnest(legal_refs) AS legal_ref FROM narrative_members "
        "      WHERE len(legal_refs) > 0) r "
        "JOIN documents d ON d.id = r.document_id LEFT JOIN annotations a ON a.document_id = d.id "
        f"WHERE {_TIME} >= ? AND {_TIME} < ? GROUP BY r.legal_ref ORDER BY n_documents DESC, r.legal_ref LIMIT ?",
        [NEGATIVE, start, end, limit],
    )


def _ref_documents(con: duckdb.DuckDBPyConnection, legal_ref: str) -> tuple[str, list[Any]]:
    """A FROM clause of the documents `d` citing the reference and their annotations `a`, and its parameters."""
    # The citing ids first, then both tables by id: joined to a subquery, each scanned all 1M rows.
    ids = [str(row[0]) for row in con.execute(
        "SELECT document_id FROM narrative_members WHERE list_contains(legal_refs, ?)", [legal_ref]).fetchall()]
    documents, document_ids = by_ids("documents", "id", ids)
    annotations, annotation_ids = by_ids("annotations", "document_id", ids)
    return (f"{documents} d LEFT JOIN {annotations} a ON a.document_id = d.id",
            [*document_ids, *annotation_ids])


def legal_ref_coverage(con: duckdb.DuckDBPyConnection, legal_ref: str, grain: str) -> pd.DataFrame:
    """Documents citing the reference per bucket and sentiment (whole history): bucket, sentiment, n_documents."""
    cited, params = _ref_documents(con, legal_ref)
    return query_frame(
        con,
        f"SELECT date_trunc(?, {_TIME}) AS bucket, coalesce(a.sentiment, '{UNANNOTATED}') AS sentiment, "
        f"count(*) AS n_documents FROM {cited} GROUP BY ALL ORDER BY bucket",
        [_grain(grain), *params],
    )


def legal_ref_concerns(con: duckdb.DuckDBPyConnection, legal_ref: str, limit: int = 15) -> pd.DataFrame:
    """Key phrases of the negative documents citing the reference: key_term, n_documents."""
    ids = [str(row[0]) for row in con.execute(
        "SELECT document_id FROM narrative_members WHERE list_contains(legal_refs, ?)", [legal_ref]).fetchall()]
    annotations, annotation_ids = by_ids("annotations", "document_id", ids)
    return query_frame(
        con,
        "SELECT t.key_term, count(DISTINCT t.document_id) AS n_documents FROM ("
        "  SELECT m.document_id, unnest(m.key_terms) AS key_term FROM narrative_members m "
        "  WHERE list_contains(m.legal_refs, ?)) t "
        f"JOIN {annotations} a ON a.document_id = t.document_id WHERE a.sentiment = ? "
        "GROUP BY t.key_term ORDER BY n_documents DESC, t.key_term LIMIT ?",
        [legal_ref, *annotation_ids, NEGATIVE, limit],
    )


def legal_ref_documents(con: duckdb.DuckDBPyConnection, legal_ref: str, limit: int = 15) -> pd.DataFrame:
    """The newest documents citing the reference, negative ones first."""
    # The page's ids are ranked on times and sentiment alone; titles and urls, read for every
    # citing document they cost most of the query, are then read for the page only.
    cited, params = _ref_documents(con, legal_ref)
    page = [str(row[0]) for row in con.execute(
        f"SELECT d.id FROM {cited} ORDER BY a.sentiment = ? DESC, {_TIME} DESC LIMIT ?",
        [*params, NEGATIVE, limit]).fetchall()]
    documents, document_ids = by_ids("documents", "id", page)
    annotations, annotation_ids = by_ids("annotations", "document_id", page)
    return query_frame(
        con,
        f"SELECT {_TIME} AS published_at, d.source, d.title, d.url, a.topic, "
        f"coalesce(a.sentiment, '{UNANNOTATED}') AS sentiment "
        f"FROM {documents} d LEFT JOIN {annotations} a ON a.document_id = d.id "
        "JOIN (SELECT unnest(?::VARCHAR[]) AS id, generate_subscripts(?::VARCHAR[], 1) AS rank) o ON o.id = d.id "
        "ORDER BY o.rank",
        [*document_ids, *annotation_ids, page, page],
    )


def subscriptions(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Every alert subscription as rows (pipelines.alerts.store)."""
    subs = subscriptions_from(con)
    return pd.DataFrame([s.__dict__ for s in subs]) if subs else pd.DataFrame(
        columns=["id", "who", "what", "target", "channels", "sensitivity", "quiet_start", "quiet_end", "mode",
                 "cooldown_hours", "paused", "unit_id"])


def units(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """The directory of units and spokespersons as rows (pipelines.alerts.store)."""
    found = units_from(con)
    return pd.DataFrame([u.__dict__ for u in found]) if found else pd.DataFrame(
        columns=["id", "name", "level", "channels", "topics", "places", "spokesperson"])


def alert_history(con: duckdb.DuckDBPyConnection, limit: int = 200) -> pd.DataFrame:
    """Alerts queued or sent, newest first, with the latest feedback given on each."""
    return query_frame(
        con,
        "SELECT o.key, coalesce(o.sent_at, o.created_at) AS alert_at, o.status, o.channel, o.subject, "
        "o.subscription_id, "
        "e.kind, e.target, e.score, e.narrative_id, f.useful, f.note "
        "FROM alert_outbox o LEFT JOIN alert_events e ON e.id = o.event_id "
        "LEFT JOIN (SELECT key, arg_max(useful, given_at) AS useful, arg_max(note, given_at) AS note "
        "           FROM alert_feedback GROUP BY key) f ON f.key = o.key "
        "ORDER BY alert_at DESC, o.key LIMIT ?",
        [limit],
    )
