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
                                   "WITH t AS (SELECT 1 AS x) SELECT x FROM t", "SHOW TABLES", "FROM topics",
                                   "EXPLAIN ANALYZE SELECT count(*) FROM topics", "(SELECT slug FROM topics)",
                                   "SELECT * FROM pragma_table_info('topics')", "-- a note\nSELECT 1"])
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
        ("SELECT * FROM read_parquet('/tmp/radar-x.parquet')", "not allowed"),
        ("SELECT * FROM read_text('/etc/passwd')", "not allowed"),
        ("SELECT * FROM glob('/etc/*')", "not allowed"),
        ("SELECT * FROM 'radar-x.csv'", "not allowed"),
        ("INSTALL httpfs", "INSTALL is not allowed"),
        ("LOAD fts", "LOAD is not allowed"),
        ("SET threads = 1", "SET is not allowed"),
        ("RESET enable_external_access", "RESET is not allowed"),
        ("PRAGMA enable_profiling", "PRAGMA is not allowed"),
        # DuckDB turns these PRAGMAs into SELECTs; they are refused for what was written.
        ("PRAGMA table_info('topics')", "PRAGMA is not allowed"),
        ("/* x */ pragma version", "PRAGMA is not allowed"),
        ("CALL pragma_table_info('topics')", "CALL is not allowed"),
        ("EXPORT DATABASE '/tmp/radar-x'", "EXPORT is not allowed"),
        ("CREATE TEMP TABLE t AS SELECT 1", "CREATE is not allowed"),
        # EXPLAIN ANALYZE runs what it explains.
        ("EXPLAIN ANALYZE CREATE TEMP TABLE t AS SELECT 1", "CREATE is not allowed"),
        ("EXPLAIN ANALYZE INSTALL fts", "INSTALL is not allowed"),
        ("EXPLAIN (FORMAT json) COPY topics TO '/tmp/radar-x.csv'", "COPY is not allowed"),
        ("SELECT 1; COPY topics TO '/tmp/radar-x.csv'", "one statement"),
        ("  -- nothing\n", "empty query"),
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


def test_cli_refuses_copy_and_attach_in_one_line(filled: Path) -> None:
    import subprocess
    import sys

    radar = [sys.executable, "-c", "from pipelines.cli import main; main()"]
    for query, reason in [("COPY documents TO '/tmp/radar-x.csv'", "COPY is not allowed"),
                          ("ATTACH 'x.db'", "ATTACH is not allowed")]:
        done = subprocess.run([*radar, "sql", query, "--db", str(filled)], capture_output=True, text=True,
                              check=False)
        assert done.returncode == 2
        assert done.stderr.strip().splitlines() == [f"radar: error: {reason}: only SELECT, WITH, EXPLAIN, "
                                                    "DESCRIBE, SUMMARIZE, SHOW queries run here"]
        assert "Traceback" not in done.stderr
    ok = subprocess.run([*radar, "sql", "SELECT slug FROM topics ORDER BY slug", "--db", str(filled),
                         "--format", "csv"], capture_output=True, text=True, check=False)
    assert ok.returncode == 0 and ok.stdout.splitlines() == ["slug", "giao-duc", "y-te"]


@pytest.mark.parametrize("query", [
    "SELECT * FROM users", "SUMMARIZE saved_queries", "FROM main.users",
    "SELECT * FROM query_table(concat('us', 'ers'))", "SELECT * FROM query('SELECT * FROM us' || 'ers')",
    "SELECT (SELECT max(password_hash) FROM users)", "EXPLAIN ANALYZE SELECT * FROM users",
])
def test_account_tables_are_closed(filled: Path, query: str) -> None:
    with open_writer(filled) as con:
        # The accounts migration makes these; created here too in case it is absent.
        con.execute("CREATE TABLE IF NOT EXISTS users (username VARCHAR, display_name VARCHAR, "
                    "password_hash VARCHAR, role VARCHAR)")
        con.execute("CREATE TABLE IF NOT EXISTS saved_queries (username VARCHAR, name VARCHAR, sql VARCHAR)")
        con.execute("INSERT INTO users (username, display_name, password_hash, role) "
                    "VALUES ('a', 'A', '$argon2id$secret', 'admin')")
    with pytest.raises(ReadOnlyViolation, match="account tables"):
        run_query(filled, query)
    assert run_query(filled, "SELECT count(*) AS n FROM topics").frame["n"].tolist() == [2]
