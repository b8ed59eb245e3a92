"""Read-only SQL for researchers: queries only, no file or network access, time and row limits."""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pandas as pd

from warehouse.db import connect
from warehouse.errors import ReadOnlyViolation

ALLOWED = {duckdb.StatementType.SELECT, duckdb.StatementType.EXPLAIN}
ALLOWED_NAMES = "SELECT, WITH, EXPLAIN, DESCRIBE, SUMMARIZE, SHOW"
# Comments and opening parentheses before a statement's first keyword.
_LEADING = re.compile(r"(?:\s+|--[^\n]*(?:\n|$)|/\*.*?\*/|\()*", re.S)
_EXPLAIN = re.compile(r"EXPLAIN\s+(?:ANALY[SZ]E\s+)?(?:\([^)]*\)\s*)?", re.I)
# Dashboard accounts (password hashes, saved queries): not research data, closed to researchers' SQL.
PRIVATE_TABLES = ("users", "saved_queries")
_SCANNED = re.compile(r'"Table":\s*"([^"]+)"')


@dataclass(frozen=True)
class QueryResult:
    """Rows of a query, and whether the row limit cut them."""

    frame: pd.DataFrame
    truncated: bool


def _body_start(sql: str, pos: int = 0) -> int:
    """Where the statement's first keyword starts, past comments and parentheses."""
    leading = _LEADING.match(sql, pos)
    return leading.end() if leading else pos


def _keyword(sql: str) -> str:
    """The first keyword of a statement, upper-case."""
    match = re.compile(r"[A-Za-z_]+").match(sql, _body_start(sql))
    return match.group(0).upper() if match else ""


def check_query(con: duckdb.DuckDBPyConnection, sql: str) -> None:
    """Raise ReadOnlyViolation unless `sql` is exactly one query."""
    try:
        statements = con.extract_statements(sql)
    except duckdb.Error as exc:
        raise ReadOnlyViolation(f"SQL syntax error: {str(exc).splitlines()[0]}") from exc
    if not statements:
        raise ReadOnlyViolation("empty query")
    if len(statements) > 1:
        raise ReadOnlyViolation("one statement at a time")
    keyword = _keyword(sql)
    # DuckDB rewrites some PRAGMAs (table_info, version…) into SELECTs; the rule is on what was written.
    if keyword == "PRAGMA" or statements[0].type not in ALLOWED:
        name = keyword or statements[0].type.name
        raise ReadOnlyViolation(f"{name} is not allowed: only {ALLOWED_NAMES} queries run here")
    if statements[0].type == duckdb.StatementType.EXPLAIN:
        # EXPLAIN ANALYZE executes the statement it explains, so that one must be a query as well.
        check_query(con, _explained(sql))


def _explained(sql: str) -> str:
    """The statement an EXPLAIN explains (`sql` itself when it is no EXPLAIN)."""
    explained = _EXPLAIN.match(sql, _body_start(sql))
    return _explained(sql[explained.end():]) if explained else sql


def check_private(con: duckdb.DuckDBPyConnection, sql: str) -> None:
    """Raise ReadOnlyViolation when the query's plan reads an account table, however the name is spelt."""
    # From the plan, not the text: query_table('us' || 'ers') or query('…') name a table in an expression.
    plan = "\n".join(str(row[-1]) for row in con.execute(f"EXPLAIN (FORMAT json) {_explained(sql)}").fetchall())
    private = sorted({t for t in _SCANNED.findall(plan) if t.rsplit(".", 1)[-1] in PRIVATE_TABLES})
    if private:
        raise ReadOnlyViolation(f"the account tables ({', '.join(PRIVATE_TABLES)}) are not open to researcher SQL")


def lock_down(con: duckdb.DuckDBPyConnection) -> None:
    """Forbid file and network access (COPY TO, ATTACH, read_csv('/etc/…'), httpfs) for this connection."""
    con.execute("SET enable_external_access = false")
    con.execute("SET lock_configuration = true")


def run_query(db: Path | str, sql: str, *, max_rows: int = 10_000, timeout_s: float = 30.0) -> QueryResult:
    """Run one read-only query against the warehouse with a row and a time limit."""
    con = connect(db, read_only=True)
    try:
        lock_down(con)
        check_query(con, sql)
        timer = threading.Timer(timeout_s, con.interrupt)
        timer.start()
        try:
            check_private(con, sql)
            relation = con.execute(sql)
            rows = relation.fetchmany(max_rows + 1)
            columns = [d[0] for d in relation.description or []]
        except duckdb.InterruptException as exc:
            raise ReadOnlyViolation(f"query stopped after the {timeout_s:.0f}s time limit") from exc
        except duckdb.PermissionException as exc:
            raise ReadOnlyViolation(f"not allowed: {str(exc).splitlines()[0]}") from exc
        except duckdb.Error as exc:
            raise ReadOnlyViolation(str(exc).splitlines()[0]) from exc
        finally:
            timer.cancel()
    finally:
        con.close()
    truncated = len(rows) > max_rows
    return QueryResult(pd.DataFrame(rows[:max_rows], columns=columns), truncated)
