"""The SQL console's runner: each query runs in a child process with warehouse.sql's locked-down connection."""

# Why a child: DuckDB shares one database instance between all the connections a process opens on
# a file, and `SET lock_configuration` / `enable_external_access` are instance-wide. Run in the
# dashboard's own process they would lock the settings of every other session's connections (their
# `SET TimeZone` would then fail), so the locked-down connection lives and dies in a child.

from __future__ import annotations

import re
import subprocess
import sys

import pyarrow as pa

from warehouse.errors import ReadOnlyViolation, WarehouseError
from warehouse.sql import QueryResult, run_query

# Refusals and warehouse errors end the child with this code and a one-line reason on stderr.
REFUSED = 2
TIMEOUT_S = 30.0
TRUNCATED_KEY = b"radar_truncated"
# Account tables: password hashes are not research data, and any viewer may use the console.
PRIVATE_TABLES = ("users", "saved_queries")
_PRIVATE = re.compile(r"\b(?:" + "|".join(PRIVATE_TABLES) + r"|password_hash)\b", re.IGNORECASE)


def _to_arrow(result: QueryResult) -> pa.Table:
    """The result as an Arrow table, columns of mixed Python values shown as text."""
    try:
        table = pa.Table.from_pandas(result.frame, preserve_index=False)
    except (pa.ArrowInvalid, pa.ArrowTypeError, pa.ArrowNotImplementedError):
        frame = result.frame.copy()
        for column in frame.select_dtypes(include="object").columns:
            frame[column] = frame[column].map(lambda v: None if v is None else str(v))
        table = pa.Table.from_pandas(frame, preserve_index=False)
    return table.replace_schema_metadata({TRUNCATED_KEY: b"1" if result.truncated else b"0"})


def run_isolated(db: str, sql: str, max_rows: int) -> QueryResult:
    """Run one read-only query in a child process; raise ReadOnlyViolation with its reason if refused."""
    # Refused on the words alone: a name in a string (query('…'), a table function) would slip past a parse.
    if _PRIVATE.search(sql):
        raise ReadOnlyViolation(f"the account tables ({', '.join(PRIVATE_TABLES)}) are not open to the console")
    try:
        proc = subprocess.run(
            [sys.executable, "-m", "dashboard.console", db, str(max_rows)],
            input=sql.encode("utf-8"), capture_output=True, timeout=TIMEOUT_S + 30, check=False,
        )
    except subprocess.TimeoutExpired as exc:
        raise ReadOnlyViolation(f"query stopped after {TIMEOUT_S + 30:.0f}s") from exc
    if proc.returncode != 0:
        lines = proc.stderr.decode("utf-8", "replace").strip().splitlines()
        raise ReadOnlyViolation(lines[-1] if lines else f"query process failed ({proc.returncode})")
    table = pa.ipc.open_stream(proc.stdout).read_all()
    truncated = (table.schema.metadata or {}).get(TRUNCATED_KEY) == b"1"
    return QueryResult(table.to_pandas(), truncated)


def main(argv: list[str]) -> int:
    """Child side: SQL on stdin, an Arrow IPC stream on stdout."""
    db, max_rows = argv[0], int(argv[1])
    try:
        result = run_query(db, sys.stdin.read(), max_rows=max_rows, timeout_s=TIMEOUT_S)
    except (ReadOnlyViolation, WarehouseError) as exc:
        print(str(exc).replace("\n", " "), file=sys.stderr)
        return REFUSED
    table = _to_arrow(result)
    with pa.ipc.new_stream(sys.stdout.buffer, table.schema) as writer:
        writer.write_table(table)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
