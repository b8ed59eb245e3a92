"""Opening the DuckDB file: one writer at a time, short-lived connections, waits on a held lock."""

from __future__ import annotations

import random
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import duckdb

from warehouse.errors import WarehouseLocked, WarehouseMissing
from warehouse.migrations import migrate

DEFAULT_DB_PATH = Path("data/radar.duckdb")
TIMEZONE = "Asia/Ho_Chi_Minh"


def _is_lock_error(exc: duckdb.Error) -> bool:
    return "lock" in str(exc).lower()


def connect(path: Path | str, *, read_only: bool, timeout: float = 30.0) -> duckdb.DuckDBPyConnection:
    """Open the warehouse, retrying while another process holds a conflicting lock.

    DuckDB allows one read-write process or many read-only ones on a file, so both sides keep
    their connections short and wait for each other here rather than failing at once.
    """
    path = Path(path)
    if read_only and not path.exists():
        raise WarehouseMissing(f"no warehouse at {path}: run 'radar ingest' or 'radar demo' first")
    if not read_only:
        path.parent.mkdir(parents=True, exist_ok=True)
    deadline = time.monotonic() + timeout
    delay = 0.05
    while True:
        try:
            con = duckdb.connect(str(path), read_only=read_only)
            break
        except duckdb.IOException as exc:
            if not _is_lock_error(exc) or time.monotonic() >= deadline:
                if _is_lock_error(exc):
                    raise WarehouseLocked(
                        f"warehouse {path} is locked by another process (waited {timeout:.0f}s)"
                    ) from exc
                raise
            time.sleep(delay + random.random() * delay)
            # A short cap: writers hold the lock for short batches, so frequent polls get readers in sooner.
            delay = min(delay * 2, 0.1)
    con.execute(f"SET TimeZone='{TIMEZONE}'")
    # DuckDB's own progress bar would interleave with ours on the terminal.
    con.execute("SET enable_progress_bar = false")
    if not read_only:
        migrate(con)
    return con


@contextmanager
def open_writer(path: Path | str, timeout: float = 60.0) -> Iterator[duckdb.DuckDBPyConnection]:
    """Context manager: a migrated read-write connection, closed on exit so readers can get in."""
    con = connect(path, read_only=False, timeout=timeout)
    try:
        yield con
    finally:
        con.close()


@contextmanager
def open_reader(path: Path | str, timeout: float = 30.0) -> Iterator[duckdb.DuckDBPyConnection]:
    """Context manager: a read-only connection, closed on exit so the writer can get in."""
    con = connect(path, read_only=True, timeout=timeout)
    try:
        yield con
    finally:
        con.close()
