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
    # first, so fresh news is never missed.
    load_fts(con)
    params: list[Any] = []
    filters = query.conditions(params)
    params.append(" ".join(query.terms))
    fresh = query.term_conditions(params, prefix="")
    params.append(query.limit)
    # Filter first: the BM25 macro then scores only the documents that can be shown.
    return read.query_frame(
        con,
        "WITH candidates AS ("
        f"  SELECT {read.DOCUMENT_COLUMNS}, d.id, d.text"
        "  FROM documents d LEFT JOIN annotations a ON a.document_id = d.id"
        f"  WHERE {' AND '.join(filters)}"
        "), scored AS ("
        f"  SELECT *, {FTS_SCHEMA}.match_bm25(id, ?, conjunctive := 1) AS score,"
        f"    id NOT IN (SELECT name FROM {FTS_SCHEMA}.docs) AS fresh"
        "  FROM candidates"
        ") "
        "SELECT published_at, source, title, url, topic, sentiment, sentiment_score, score, "
        "count(*) OVER () AS total FROM scored "
        f"WHERE score IS NOT NULL OR (fresh AND {' AND '.join(fresh) or 'FALSE'}) "
        "ORDER BY fresh DESC, score DESC NULLS LAST, published_at DESC, id LIMIT ?",
        params,
    )


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
