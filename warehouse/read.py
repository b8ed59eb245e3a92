"""The read API: parametrised queries on an open connection, each returning a pandas DataFrame."""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import duckdb
import pandas as pd

GRAINS = ("hour", "day")
NEGATIVE = "negative"
UNANNOTATED = "unannotated"
VOLUME_KEYS = ("source", "sentiment")
REQUIRED_TABLES = ("documents", "annotations", "hourly_aggregates", "topic_spikes", "topics", "sources")
# A few feeds stamp articles days ahead; "now" ignores anything further than this past the wall clock.
FUTURE_TOLERANCE = "1 day"


def query_frame(con: duckdb.DuckDBPyConnection, sql: str, params: Sequence[Any] = ()) -> pd.DataFrame:
    """Run one parametrised query and return its rows as a DataFrame."""
    # Through Arrow: duckdb's own .df() emits pandas-4 deprecation warnings on every call.
    return con.execute(sql, list(params)).to_arrow_table().to_pandas()


def _grain(grain: str) -> str:
    """Check a time grain against the supported ones."""
    if grain not in GRAINS:
        raise ValueError(f"grain must be one of {', '.join(GRAINS)}, not {grain!r}")
    return grain


def _in_list(column: str, values: Sequence[str] | None, params: list[Any]) -> str:
    """An optional `column IN (?, …)` condition (TRUE when no values are given)."""
    if not values:
        return "TRUE"
    params.extend(values)
    return f"{column} IN ({', '.join('?' for _ in values)})"


def missing_tables(con: duckdb.DuckDBPyConnection) -> list[str]:
    """Names of the tables the dashboard needs that the warehouse lacks (all when never migrated)."""
    found = set(
        query_frame(con, "SELECT table_name FROM information_schema.tables WHERE table_schema = 'main'")[
            "table_name"
        ]
    )
    return [t for t in REQUIRED_TABLES if t not in found]


def data_bounds(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """One row: number of dated documents, the first and the newest publication time."""
    return query_frame(
        con,
        "SELECT count(*) AS n_documents, min(published_at) AS first, max(published_at) AS last "
        "FROM documents "
        f"WHERE published_at IS NOT NULL AND published_at <= now() + INTERVAL '{FUTURE_TOLERANCE}'",
    )


def overview_counts(con: duckdb.DuckDBPyConnection, start: datetime, end: datetime) -> pd.DataFrame:
    """One row of headline counts for documents published in [start, end)."""
    return query_frame(
        con,
        "SELECT count(*) AS n_documents, count(DISTINCT d.source) AS n_sources, "
        "min(d.published_at) AS first, max(d.published_at) AS last, "
        "count(a.document_id) AS n_annotated, count(*) FILTER (WHERE a.sentiment = ?) AS n_negative, "
        "CASE WHEN count(a.sentiment) = 0 THEN NULL "
        "ELSE (count(*) FILTER (WHERE a.sentiment = ?)) / count(a.sentiment) END AS negative_share "
        "FROM documents d LEFT JOIN annotations a ON a.document_id = d.id "
        "WHERE d.published_at >= ? AND d.published_at < ?",
        [NEGATIVE, NEGATIVE, start, end],
    )


def volume(
    con: duckdb.DuckDBPyConnection, start: datetime, end: datetime, grain: str, by: str
) -> pd.DataFrame:
    """Documents per time bucket and per source or sentiment: columns bucket, key, n_documents."""
    if by not in VOLUME_KEYS:
        raise ValueError(f"by must be one of {', '.join(VOLUME_KEYS)}, not {by!r}")
    key = "d.source" if by == "source" else f"coalesce(a.sentiment, '{UNANNOTATED}')"
    # Per source, the annotations are not needed: joining them would scan all of them (1M rows at scale).
    join = "" if by == "source" else "LEFT JOIN annotations a ON a.document_id = d.id "
    return query_frame(
        con,
        f"SELECT date_trunc(?, d.published_at) AS bucket, {key} AS key, count(*) AS n_documents "
        f"FROM documents d {join}"
        "WHERE d.published_at >= ? AND d.published_at < ? "
        "GROUP BY ALL ORDER BY bucket, key",
        [_grain(grain), start, end],
    )


def topic_names(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Display names of the topics: slug, name_vi, name_en."""
    return query_frame(con, "SELECT slug, name_vi, name_en FROM topics ORDER BY slug")


def topics_present(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Every primary topic the annotations use, with its document count, most frequent first."""
    return query_frame(
        con,
        "SELECT topic, count(*) AS n_documents FROM annotations WHERE topic IS NOT NULL "
        "GROUP BY topic ORDER BY n_documents DESC, topic",
    )


def top_topics(
    con: duckdb.DuckDBPyConnection, start: datetime, end: datetime, limit: int = 10
) -> pd.DataFrame:
    """The most covered primary topics in [start, end): topic, n_documents, n_negative, negative_share."""
    return query_frame(
        con,
        "SELECT a.topic, count(*) AS n_documents, count(*) FILTER (WHERE a.sentiment = ?) AS n_negative, "
        "(count(*) FILTER (WHERE a.sentiment = ?)) / count(*) AS negative_share "
        "FROM documents d JOIN annotations a ON a.document_id = d.id "
        "WHERE d.published_at >= ? AND d.published_at < ? AND a.topic IS NOT NULL "
        "GROUP BY a.topic ORDER BY n_documents DESC, a.topic LIMIT ?",
        [NEGATIVE, NEGATIVE, start, end, limit],
    )


def topic_growth(
    con: duckdb.DuckDBPyConnection, now: datetime, limit: int = 10, min_documents: int = 2
) -> pd.DataFrame:
    """Topics growing fastest: topic, last_24h, baseline (daily mean of the 7 days before), growth."""
    # growth = last_24h / baseline, NULL for a topic new this day: those sort first, as the most
    # sudden; min_documents keeps one-off documents out.
    return query_frame(
        con,
        "WITH w AS ("
        "  SELECT topic,"
        "    sum(n_documents) FILTER (WHERE hour > ?::TIMESTAMPTZ - INTERVAL 24 HOUR) AS last_24h,"
        "    sum(n_documents) FILTER (WHERE hour <= ?::TIMESTAMPTZ - INTERVAL 24 HOUR) / 7.0 AS baseline"
        "  FROM hourly_aggregates"
        "  WHERE hour > ?::TIMESTAMPTZ - INTERVAL 8 DAY AND hour <= ?"
        "  GROUP BY topic"
        ") "
        "SELECT topic, coalesce(last_24h, 0) AS last_24h, coalesce(baseline, 0) AS baseline, "
        "last_24h / nullif(baseline, 0) AS growth FROM w "
        "WHERE coalesce(last_24h, 0) >= ? "
        "ORDER BY growth DESC NULLS FIRST, last_24h DESC, topic LIMIT ?",
        [now, now, now, now, min_documents, limit],
    )


def negative_shift(
    con: duckdb.DuckDBPyConnection, now: datetime, limit: int = 10, min_documents: int = 3
) -> pd.DataFrame:
    """Topics turning negative: topic, last_24h, negative_share, prior_share (7 days before), shift."""
    # shift = negative_share - prior_share, a new topic's prior (NULL) counting as 0; topics with no
    # negative document in the last day are left out, however much their share fell.
    return query_frame(
        con,
        "WITH w AS ("
        "  SELECT topic,"
        "    sum(n_documents) FILTER (WHERE hour > ?::TIMESTAMPTZ - INTERVAL 24 HOUR) AS last_24h,"
        "    sum(n_documents) FILTER (WHERE hour > ?::TIMESTAMPTZ - INTERVAL 24 HOUR AND sentiment = ?) AS neg,"
        "    sum(n_documents) FILTER (WHERE hour <= ?::TIMESTAMPTZ - INTERVAL 24 HOUR) AS prior,"
        "    sum(n_documents) FILTER (WHERE hour <= ?::TIMESTAMPTZ - INTERVAL 24 HOUR AND sentiment = ?)"
        "      AS prior_neg"
        "  FROM hourly_aggregates"
        "  WHERE hour > ?::TIMESTAMPTZ - INTERVAL 8 DAY AND hour <= ?"
        "  GROUP BY topic"
        "), s AS ("
        "  SELECT topic, last_24h, coalesce(neg, 0) / last_24h AS negative_share,"
        "    coalesce(prior_neg, 0) / nullif(prior, 0) AS prior_share"
        "  FROM w WHERE coalesce(last_24h, 0) >= ?"
        ") "
        "SELECT *, negative_share - coalesce(prior_share, 0) AS shift FROM s "
        "WHERE negative_share > 0 ORDER BY shift DESC, last_24h DESC, topic LIMIT ?",
        [now, now, NEGATIVE, now, now, NEGATIVE, now, now, min_documents, limit],
    )


def recent_spikes(
    con: duckdb.DuckDBPyConnection,
    start: datetime,
    end: datetime,
    limit: int = 20,
    topic: str | None = None,
    alerts_only: bool = True,
) -> pd.DataFrame:
    """Spike scores in [start, end), newest first: hour, topic, n_documents, expected, score, alert."""
    params: list[Any] = [start, end]
    where = "hour >= ? AND hour < ?"
    if topic is not None:
        where += " AND topic = ?"
        params.append(topic)
    if alerts_only:
        where += " AND alert"
    params.append(limit)
    return query_frame(
        con,
        "SELECT hour, topic, n_documents, expected, score, alert FROM topic_spikes "
        f"WHERE {where} ORDER BY hour DESC, score DESC, topic LIMIT ?",
        params,
    )


def top_spikes(
    con: duckdb.DuckDBPyConnection, start: datetime, end: datetime, limit: int = 10
) -> pd.DataFrame:
    """Highest spike score of each topic in [start, end): topic, hour, n_documents, expected, score, alert."""
    return query_frame(
        con,
        "SELECT topic, hour, n_documents, expected, score, alert FROM topic_spikes "
        "WHERE hour >= ? AND hour < ? "
        "QUALIFY row_number() OVER (PARTITION BY topic ORDER BY score DESC, hour DESC) = 1 "
        "ORDER BY score DESC, topic LIMIT ?",
        [start, end, limit],
    )


def topic_trend(
    con: duckdb.DuckDBPyConnection, topic: str, start: datetime, end: datetime, grain: str
) -> pd.DataFrame:
    """A topic's documents per bucket (zeros included) with its spikes: bucket, n_documents, alert, score."""
    grain = _grain(grain)
    counts = query_frame(
        con,
        "SELECT date_trunc(?, hour) AS bucket, sum(n_documents)::BIGINT AS n_documents "
        "FROM hourly_aggregates WHERE topic = ? AND hour >= ? AND hour < ? GROUP BY ALL",
        [grain, topic, start, end],
    )
    spikes = query_frame(
        con,
        "SELECT date_trunc(?, hour) AS bucket, bool_or(alert) AS alert, max(score) AS score "
        "FROM topic_spikes WHERE topic = ? AND hour >= ? AND hour < ? GROUP BY ALL",
        [grain, topic, start, end],
    )
    buckets = query_frame(
        con,
        "SELECT unnest(range(date_trunc(?, ?::TIMESTAMPTZ), ?::TIMESTAMPTZ, "
        "CASE WHEN ? = 'hour' THEN INTERVAL 1 HOUR ELSE INTERVAL 1 DAY END)) AS bucket",
        [grain, start, end, grain],
    )
    frame = buckets.merge(counts, on="bucket", how="left").merge(spikes, on="bucket", how="left")
    frame["n_documents"] = frame["n_documents"].fillna(0).astype("int64")
    frame["alert"] = frame["alert"].astype("boolean").fillna(False).astype(bool)
    return frame


def topic_sentiment(
    con: duckdb.DuckDBPyConnection, topic: str, start: datetime, end: datetime, grain: str
) -> pd.DataFrame:
    """A topic's documents per bucket and sentiment: bucket, sentiment, n_documents."""
    return query_frame(
        con,
        "SELECT date_trunc(?, hour) AS bucket, sentiment, sum(n_documents)::BIGINT AS n_documents "
        "FROM hourly_aggregates WHERE topic = ? AND hour >= ? AND hour < ? "
        "GROUP BY ALL ORDER BY bucket, sentiment",
        [_grain(grain), topic, start, end],
    )


def topic_sources(
    con: duckdb.DuckDBPyConnection, topic: str, start: datetime, end: datetime, limit: int = 15
) -> pd.DataFrame:
    """Where a topic is covered in [start, end): source, n_documents, negative_share, most first."""
    return query_frame(
        con,
        "SELECT d.source, count(*) AS n_documents, "
        "count(*) FILTER (WHERE a.sentiment = ?) / count(*) AS negative_share "
        "FROM documents d JOIN annotations a ON a.document_id = d.id "
        "WHERE a.topic = ? AND d.published_at >= ? AND d.published_at < ? "
        "GROUP BY d.source ORDER BY n_documents DESC, d.source LIMIT ?",
        [NEGATIVE, topic, start, end, limit],
    )


DOCUMENT_COLUMNS = (
    "d.published_at, d.source, d.title, d.url, a.topic, "
    f"coalesce(a.sentiment, '{UNANNOTATED}') AS sentiment, a.sentiment_score"
)


# sample_documents first looks for its documents among this many of the window's newest ones.
SAMPLE_CANDIDATES = 500


def sample_documents(
    con: duckdb.DuckDBPyConnection,
    topic: str,
    start: datetime,
    end: datetime,
    limit: int = 20,
    sentiment: str | None = None,
) -> pd.DataFrame:
    """The newest documents of a topic in [start, end): published_at, source, title, url, topic, sentiment…"""
    # Any topic with a few percent of the coverage has `limit` documents among the newest candidates,
    # whose annotations are looked up by id; only a rarer one needs the join over the whole window.
    newest = [row[0] for row in con.execute(
        "SELECT id FROM documents WHERE published_at >= ? AND published_at < ? ORDER BY published_at DESC, id LIMIT ?",
        [start, end, SAMPLE_CANDIDATES],
    ).fetchall()]
    if newest:
        wanted = "topic = ?" + (" AND sentiment = ?" if sentiment is not None else "")
        found = {row[0] for row in con.execute(
            f"SELECT document_id FROM annotations WHERE document_id IN ({', '.join('?' for _ in newest)}) "
            f"AND {wanted}",
            [*newest, topic, *([sentiment] if sentiment is not None else [])],
        ).fetchall()}
        chosen = [i for i in newest if i in found][:limit]
        # Complete when `limit` were found, or when the candidates were the whole window.
        if len(chosen) == limit or len(newest) < SAMPLE_CANDIDATES:
            return _rows_by_id(con, chosen)
    params: list[Any] = [topic, start, end]
    where = "a.topic = ? AND d.published_at >= ? AND d.published_at < ?"
    if sentiment is not None:
        where += " AND a.sentiment = ?"
        params.append(sentiment)
    params.append(limit)
    return query_frame(
        con,
        f"SELECT {DOCUMENT_COLUMNS} FROM documents d JOIN annotations a ON a.document_id = d.id "
        f"WHERE {where} ORDER BY d.published_at DESC, d.id LIMIT ?",
        params,
    )


def like_pattern(term: str) -> str:
    """An ILIKE pattern matching `term` literally anywhere."""
    escaped = term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def search_terms(query: str) -> list[str]:
    """The words of a search query, NFC-normalised as the stored texts are."""
    return unicodedata.normalize("NFC", query).split()


def _folded(expression: str) -> str:
    """SQL folding text to lower case without diacritics, so "duong" finds "Đường"."""
    # strip_accents keeps "đ", which is a letter of its own rather than a "d" with a mark.
    return f"replace(strip_accents(lower({expression})), 'đ', 'd')"


@dataclass(frozen=True)
class SearchQuery:
    """A keyword search and its filters (empty filters do not filter); hashable, so results cache."""

    text: str
    start: datetime
    end: datetime
    sources: tuple[str, ...] = ()
    topics: tuple[str, ...] = ()
    sentiments: tuple[str, ...] = ()
    limit: int = 100
    fold_accents: bool = False

    @property
    def terms(self) -> list[str]:
        """The words to find."""
        return search_terms(self.text)

    def term_conditions(self, params: list[Any], prefix: str = "d.") -> list[str]:
        """One condition per word: in the title or the text, diacritics ignored when `fold_accents`."""
        conditions = []
        for term in self.terms:
            title, text = f"{prefix}title", f"{prefix}text"
            if self.fold_accents:
                conditions.append(
                    f"({_folded(title)} LIKE {_folded('?')} ESCAPE '\\' "
                    f"OR {_folded(text)} LIKE {_folded('?')} ESCAPE '\\')"
                )
            else:
                conditions.append(f"({title} ILIKE ? ESCAPE '\\' OR {text} ILIKE ? ESCAPE '\\')")
            params.extend([like_pattern(term)] * 2)
        return conditions

    def conditions(self, params: list[Any]) -> list[str]:
        """The filters as SQL conditions on documents `d` and annotations `a`; values go to `params`."""
        params.extend([self.start, self.end])
        return [
            "d.published_at >= ?",
            "d.published_at < ?",
            _in_list("d.source", self.sources, params),
            _in_list("a.topic", self.topics, params),
            _in_list(f"coalesce(a.sentiment, '{UNANNOTATED}')", self.sentiments, params),
        ]


def search_documents(con: duckdb.DuckDBPyConnection, query: SearchQuery) -> pd.DataFrame:
    """Documents holding every word of the query, newest first: sample_documents' columns and total."""
    # total (a window count) is the number of matches before the limit, for "N matches".
    if not query.topics and not query.sentiments:
        return _newest_with_annotations(con, query)
    params: list[Any] = []
    conditions = query.conditions(params) + query.term_conditions(params)
    params.append(query.limit)
    return query_frame(
        con,
        f"SELECT {DOCUMENT_COLUMNS}, count(*) OVER () AS total "
        "FROM documents d LEFT JOIN annotations a ON a.document_id = d.id "
        f"WHERE {' AND '.join(conditions)} ORDER BY d.published_at DESC, d.id LIMIT ?",
        params,
    )


def _newest_with_annotations(con: duckdb.DuckDBPyConnection, query: SearchQuery) -> pd.DataFrame:
    """search_documents without filters on annotations: the page of documents first, then its annotations."""
    params: list[Any] = []
    conditions = query.conditions(params) + query.term_conditions(params)  # the annotation ones are TRUE
    params.append(query.limit)
    page = con.execute(
        f"SELECT d.id, count(*) OVER () AS total FROM documents d WHERE {' AND '.join(conditions)} "
        "ORDER BY d.published_at DESC, d.id LIMIT ?",
        params,
    ).fetchall()
    return _rows_by_id(con, [row[0] for row in page], page[0][1] if page else 0)


# Up to this many keys, by_ids looks them up in the primary-key index. On a fresh connection each
# lookup loads index nodes and row groups from disk (about 0.3 ms a key at 1M rows), so a few hundred
# keys already cost more than one hash join over the table (0.07-0.2 s measured with 764 keys).
INDEX_LOOKUP_KEYS = 256


def by_ids(table: str, column: str, ids: Sequence[str]) -> tuple[str, list[Any]]:
    """`(SELECT * FROM table WHERE column IN …)` and its parameters, for a FROM clause."""
    # A short constant IN list is answered from the index; a join with the ids as a subquery would
    # scan the whole table (1M rows) instead, which only pays off for long lists.
    keys = list(dict.fromkeys(ids))
    if len(keys) > INDEX_LOOKUP_KEYS:
        return f"(SELECT * FROM {table} WHERE {column} IN (SELECT unnest(?::VARCHAR[])))", [keys]
    return f"(SELECT * FROM {table} WHERE {column} IN ({', '.join('?' for _ in keys) or 'NULL'}))", keys


def _rows_by_id(con: duckdb.DuckDBPyConnection, ids: list[str], total: int | None = None) -> pd.DataFrame:
    """DOCUMENT_COLUMNS of these documents, newest first (and `total` as a column when given)."""
    # Joining annotations to a window's documents scans all of them (about 1 s at 1M documents);
    # filtered by a list of ids, both tables answer from their primary-key indexes (tens of ms).
    marks = ", ".join("?" for _ in ids) or "NULL"
    extra, params = (", ?::BIGINT AS total", [total]) if total is not None else ("", [])
    return query_frame(
        con,
        f"SELECT {DOCUMENT_COLUMNS}{extra} "
        f"FROM (SELECT * FROM documents WHERE id IN ({marks})) d "
        f"LEFT JOIN (SELECT * FROM annotations WHERE document_id IN ({marks})) a ON a.document_id = d.id "
        "ORDER BY d.published_at DESC, d.id",
        [*params, *ids, *ids],
    )


def schema_columns(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Every table and view of the warehouse with its columns and types, for people writing SQL."""
    return query_frame(
        con,
        "SELECT table_schema, table_name, column_name, data_type FROM information_schema.columns "
        "WHERE table_schema NOT IN ('information_schema', 'pg_catalog') "
        "ORDER BY table_schema = 'main' DESC, table_schema, table_name, ordinal_position",
    )


def source_names(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Every source name seen in the registry or the documents, sorted."""
    return query_frame(
        con,
        "SELECT name FROM (SELECT name FROM sources UNION SELECT DISTINCT source FROM documents) "
        "ORDER BY name",
    )


def sources_overview(con: duckdb.DuckDBPyConnection, start: datetime, end: datetime) -> pd.DataFrame:
    """Each source (registered or only seen in documents) with its volume and tone in [start, end)."""
    return query_frame(
        con,
        "WITH c AS ("
        "  SELECT d.source, count(*) AS n_documents, max(d.published_at) AS last_published,"
        "    count(*) FILTER (WHERE a.sentiment = ?) / nullif(count(a.sentiment), 0) AS negative_share"
        "  FROM documents d LEFT JOIN annotations a ON a.document_id = d.id"
        "  WHERE d.published_at >= ? AND d.published_at < ? GROUP BY d.source"
        ") "
        "SELECT coalesce(s.name, c.source) AS name, s.kind, s.connector, s.url, s.status, "
        "coalesce(c.n_documents, 0) AS n_documents, c.last_published, c.negative_share "
        "FROM sources s FULL JOIN c ON c.source = s.name "
        "ORDER BY n_documents DESC, name",
        [NEGATIVE, start, end],
    )

