"""Full-text search: a BM25 index over titles and texts, built by the writer and used by readers."""

# The index is DuckDB's fts extension, loaded from the file the `duckdb-extension-fts` wheel ships
# (never downloaded). A read-only connection cannot create it, so `radar process` calls
# `build_search_index` after writing; until then, and for documents written since the last build,
# search falls back to a parametrised ILIKE.

from __future__ import annotations

import importlib.util
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd

from warehouse import read
from warehouse.errors import WarehouseError

FTS_SCHEMA = "fts_main_documents"
# Letters and digits of any script are word characters: the extension's default, [^a-z], would cut
# Vietnamese syllables apart at every diacritic.
IGNORE_PATTERN = r"(\.|[^\p{L}\p{N}])+"


class SearchIndexUnavailable(WarehouseError):
    """The fts extension file is not installed with this duckdb version."""


def fts_extension_path() -> Path:
    """The fts extension file shipped by the duckdb-extension-fts wheel for this duckdb version."""
    spec = importlib.util.find_spec("duckdb_extension_fts")
    if spec is None or not spec.submodule_search_locations:
        raise SearchIndexUnavailable("duckdb-extension-fts is not installed")
    root = Path(next(iter(spec.submodule_search_locations)))
    path = root / "extensions" / f"v{duckdb.__version__}" / "fts.duckdb_extension"
    if not path.is_file():
        raise SearchIndexUnavailable(f"no fts extension for duckdb {duckdb.__version__} at {path}")
    return path


def load_fts(con: duckdb.DuckDBPyConnection) -> None:
    """Load the fts extension from its local file (querying the index without it would try the network)."""
    # LOAD takes no parameters; the path comes from the installed wheel, not from a user.
    con.execute(f"LOAD '{fts_extension_path()}'")


def build_search_index(con: duckdb.DuckDBPyConnection) -> int:
    """(Re)build the BM25 index over documents' titles and texts on a writer; return the documents indexed."""
    load_fts(con)
    con.execute(
        "PRAGMA create_fts_index('documents', 'id', 'title', 'text', stemmer = 'none', "
        f"stopwords = 'none', ignore = '{IGNORE_PATTERN}', strip_accents = 0, lower = 1, overwrite = 1)"
    )
    row = con.execute(f"SELECT count(*) FROM {FTS_SCHEMA}.docs").fetchone()
    return int(row[0]) if row else 0


def has_search_index(con: duckdb.DuckDBPyConnection) -> bool:
    """Whether the BM25 index has been built in this warehouse."""
    row = con.execute(
        "SELECT count(*) FROM information_schema.tables WHERE table_schema = ? AND table_name = 'docs'",
        [FTS_SCHEMA],
    ).fetchone()
    return bool(row and row[0])


def unindexed_count(con: duckdb.DuckDBPyConnection) -> int:
    """Documents written since the last index build (all of them when there is no index)."""
    # Rebuilding takes the write lock for a while (about 25 s for 150,000 documents here), so the
    # writer can rebuild only when this grows large; meanwhile search still finds these by ILIKE.
    if not has_search_index(con):
        row = con.execute("SELECT count(*) FROM documents").fetchone()
    else:
        row = con.execute(
            f"SELECT count(*) FROM documents WHERE id NOT IN (SELECT name FROM {FTS_SCHEMA}.docs)"
        ).fetchone()
    return int(row[0]) if row else 0


def index_is_stale(con: duckdb.DuckDBPyConnection, max_unindexed: int = 2000, max_share: float = 0.05) -> bool:
    """Whether the writer should rebuild: no index yet, or too many documents written since the build."""
    # Documents written since the build are found by ILIKE, which gets slow and unranked as they
    # pile up; a rebuild per small batch would take the write lock for nothing.
    fresh = unindexed_count(con)
    if not has_search_index(con):
        return fresh > 0
    row = con.execute("SELECT count(*) FROM documents").fetchone()
    total = int(row[0]) if row else 0
    return fresh > max_unindexed or (total > 0 and fresh / total > max_share)


def search_ranked(con: duckdb.DuckDBPyConnection, query: read.SearchQuery) -> pd.DataFrame:
    """Documents holding every word of the query, best BM25 match first: search_documents' columns and score."""
    # Documents written after the last index build are matched with ILIKE and listed first, newest
    # first, so fresh news is never missed. The fts macro match_bm25, called per row, scores every
    # document of the index holding a query word (1.3 s at 1M documents); the same formula written
    # out scores only the candidates' postings, and only the shown page is joined to annotations.
    load_fts(con)
    params: list[Any] = [" ".join(query.terms)]
    filters = query.conditions(params)
    # Annotations are joined for the filters only when a filter needs them.
    join = "LEFT JOIN annotations a ON a.document_id = d.id " if query.topics or query.sentiments else ""
    hits = con.execute(
        "WITH tokens AS ("
        f"  SELECT DISTINCT stem(unnest({FTS_SCHEMA}.tokenize(?)), 'none') AS t"
        "), qterms AS ("
        f"  SELECT dict.termid, dict.df FROM {FTS_SCHEMA}.dict AS dict JOIN tokens ON dict.term = tokens.t"
        "), candidates AS MATERIALIZED ("
        "  SELECT d.id, d.published_at, docs.docid, docs.len"
        f"  FROM documents d {join}LEFT JOIN {FTS_SCHEMA}.docs AS docs ON docs.name = d.id"
        f"  WHERE {' AND '.join(filters)}"
        "), postings AS ("
        f"  SELECT termid, docid FROM {FTS_SCHEMA}.terms"
        "  WHERE termid IN (SELECT termid FROM qterms)"
        "  AND docid IN (SELECT docid FROM candidates WHERE docid IS NOT NULL)"
        "), term_tf AS ("
        "  SELECT termid, docid, count(*) AS tf FROM postings GROUP BY docid, termid"
        "), cdocs AS ("
        "  SELECT docid FROM postings GROUP BY docid"
        "  HAVING count(DISTINCT termid) = (SELECT count(*) FROM tokens)"
        "), scores AS ("
        # match_bm25's formula and defaults (k = 1.2, b = 0.75), term by term, so scores are identical.
        "  SELECT term_tf.docid, sum("
        f"    log(((((SELECT num_docs FROM {FTS_SCHEMA}.stats) - df) + 0.5) / (df + 0.5)) + 1)"
        "    * ((tf * (1.2 + 1)) / (tf + (1.2 * ((1 - 0.75)"
        f"      + (0.75 * (len / (SELECT avgdl FROM {FTS_SCHEMA}.stats)))))))"
        "  ) AS score"
        "  FROM term_tf JOIN cdocs ON cdocs.docid = term_tf.docid JOIN qterms ON qterms.termid = term_tf.termid"
        "  JOIN candidates c ON c.docid = term_tf.docid GROUP BY term_tf.docid"
        ") "
        "SELECT c.id, c.published_at, s.score FROM scores s JOIN candidates c ON c.docid = s.docid "
        # The documents the index lacks, unscored: kept below when they hold every word.
        "UNION ALL SELECT id, published_at, NULL FROM candidates WHERE docid IS NULL",
        params,
    ).fetchall()
    unindexed = [row[0] for row in hits if row[2] is None]
    matched = set(_holding_every_word(con, query, unindexed)) if unindexed else set()
    kept = [row for row in hits if row[2] is not None or row[0] in matched]
    # The order of match_bm25's ranking: fresh first, best score, newest, then id (stable sorts, last key first).
    kept.sort(key=lambda row: row[0])
    kept.sort(key=lambda row: row[1], reverse=True)
    kept.sort(key=lambda row: -row[2] if row[2] is not None else 0.0)
    kept.sort(key=lambda row: row[2] is not None)
    return _ranked_rows(con, [(row[0], row[2], len(kept)) for row in kept[: query.limit]])


def _holding_every_word(con: duckdb.DuckDBPyConnection, query: read.SearchQuery, ids: list[str]) -> list[str]:
    """Those of these documents that hold every word of the query, by ILIKE on the title or the text."""
    params: list[Any] = list(ids)
    matched = query.term_conditions(params)
    marks = ", ".join("?" for _ in ids)
    return [row[0] for row in con.execute(
        f"SELECT d.id FROM documents d WHERE d.id IN ({marks}) AND {' AND '.join(matched) or 'FALSE'}", params
    ).fetchall()]


def _ranked_rows(con: duckdb.DuckDBPyConnection, ranked: list[tuple[Any, ...]]) -> pd.DataFrame:
    """The ranked (id, score, total) rows as search_documents' columns plus score, in the ranked order."""
    ids = [row[0] for row in ranked]
    marks = ", ".join("?" for _ in ids) or "NULL"
    # By id, both tables answer from their primary-key indexes: the page, not the window, is joined.
    frame = read.query_frame(
        con,
        f"SELECT d.id AS _id, {read.DOCUMENT_COLUMNS} "
        f"FROM (SELECT * FROM documents WHERE id IN ({marks})) d "
        f"LEFT JOIN (SELECT * FROM annotations WHERE document_id IN ({marks})) a ON a.document_id = d.id",
        [*ids, *ids],
    )
    frame = frame.set_index("_id").reindex(ids).reset_index(drop=True)
    frame["score"] = pd.Series([row[1] for row in ranked], dtype="float64")
    frame["total"] = pd.Series([row[2] for row in ranked], dtype="int64")
    return frame


def search(con: duckdb.DuckDBPyConnection, query: read.SearchQuery) -> pd.DataFrame:
    """Keyword search: BM25-ranked when the index exists and there are words, else newest first by ILIKE."""
    # The index keeps diacritics, so a search that ignores them always takes the ILIKE path.
    if query.terms and not query.fold_accents and has_search_index(con):
        try:
            return search_ranked(con, query)
        except SearchIndexUnavailable:
            pass  # the index exists but this install cannot load fts: the ILIKE search still answers
    frame = read.search_documents(con, query)
    frame.insert(len(frame.columns) - 1, "score", float("nan"))
    return frame
