"""The SQL console's child-process runner."""

from __future__ import annotations

from pathlib import Path

import pytest

from dashboard.console import run_isolated
from tests.dashboard.corpus import ITEMS, SOURCES
from warehouse.db import open_reader
from warehouse.errors import ReadOnlyViolation


def test_query_rows_come_back(corpus_db: Path) -> None:
    sql = "SELECT source, count(*) AS n FROM documents GROUP BY 1 ORDER BY 1"
    result = run_isolated(str(corpus_db), sql, 100)
    assert list(result.frame["source"]) == sorted(s[0] for s in SOURCES)
    assert result.frame["n"].sum() == len(ITEMS)
    assert not result.truncated


def test_row_limit_marks_truncation(corpus_db: Path) -> None:
    result = run_isolated(str(corpus_db), "SELECT title FROM documents", 5)
    assert len(result.frame) == 5 and result.truncated


def test_nested_and_odd_types_survive(corpus_db: Path) -> None:
    result = run_isolated(
        str(corpus_db),
        "SELECT topics, {'a': 1} AS s, 1.5::DECIMAL(10, 2) AS d, published_at FROM documents d "
        "JOIN annotations a ON a.document_id = d.id LIMIT 1",
        10,
    )
    assert len(result.frame) == 1
    assert list(result.frame.columns) == ["topics", "s", "d", "published_at"]


@pytest.mark.parametrize("sql", ["DROP TABLE documents", "ATTACH '/tmp/other.duckdb'", "SELECT 1; SELECT 2"])
def test_refusals_carry_a_reason(corpus_db: Path, sql: str) -> None:
    with pytest.raises(ReadOnlyViolation) as caught:
        run_isolated(str(corpus_db), sql, 10)
    assert str(caught.value)


def test_locked_settings_stay_in_the_child(corpus_db: Path) -> None:
    # With an in-process lock-down, DuckDB's shared instance would refuse this reader's SET TimeZone.
    with open_reader(corpus_db) as held:
        run_isolated(str(corpus_db), "SELECT 1", 10)
        with open_reader(corpus_db) as other:
            assert other.execute("SELECT current_setting('enable_external_access')").fetchone() == (True,)
        assert held.execute("SELECT count(*) FROM documents").fetchone() == (len(ITEMS),)
