"""Read-only SQL for researchers: queries run, everything else is refused with a clear reason."""

from __future__ import annotations

from pathlib import Path

import pytest

from warehouse import open_writer
from warehouse.errors import ReadOnlyViolation
from warehouse.sql import run_query


@pytest.fixture()
def filled(db_path: Path) -> Path:
    with open_writer(db_path) as con:
        con.execute("INSERT INTO topics VALUES ('y-te', 'Y tế', 'Health'), ('giao-duc', 'Giáo dục', 'Education')")
    return db_path


def test_select_works(filled: Path) -> None:
    result = run_query(filled, "SELECT slug FROM topics ORDER BY slug")
    assert result.frame["slug"].tolist() == ["giao-duc", "y-te"]
    assert not result.truncated


@pytest.mark.parametrize("query", ["DESCRIBE documents", "SUMMARIZE topics", "EXPLAIN SELECT 1",
                                   "WITH t AS (SELECT 1 AS x) SELECT x FROM t"])
def test_other_read_statements_work(filled: Path, query: str) -> None:
    assert not run_query(filled, query).frame.empty


@pytest.mark.parametrize(
    ("query", "reason"),
    [
        ("COPY documents TO '/tmp/radar-x.csv'", "COPY is not allowed"),
        ("ATTACH 'x.db'", "ATTACH is not allowed"),
        ("DELETE FROM topics", "DELETE is not allowed"),
        ("SELECT * FROM read_csv('/etc/passwd')", "not allowed"),
        ("SELECT 1; SELECT 2", "one statement"),
        ("SELEC 1", "syntax error"),
    ],
)
def test_refused(filled: Path, query: str, reason: str) -> None:
    with pytest.raises(ReadOnlyViolation, match=reason):
        run_query(filled, query)
    assert not Path("/tmp/radar-x.csv").exists()


def test_row_limit_and_time_limit(filled: Path) -> None:
    result = run_query(filled, "SELECT * FROM range(100)", max_rows=10)
    assert len(result.frame) == 10 and result.truncated
    with pytest.raises(ReadOnlyViolation, match="time limit"):
        run_query(filled, "SELECT count(*) FROM range(100000000) a, range(100000) b", timeout_s=0.5)
