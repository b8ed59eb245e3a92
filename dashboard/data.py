"""Cached access to the warehouse read API through short-lived read-only connections."""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from datetime import datetime
from enum import Enum
from pathlib import Path
from typing import Any, TypeVar, cast

import duckdb
import streamlit as st

from dashboard import queries
from dashboard.console import run_isolated
from warehouse import narratives, read, search, users
from warehouse.db import open_reader
from warehouse.errors import WarehouseLocked, WarehouseMissing
from warehouse.sql import QueryResult

# Results are keyed by the warehouse's data version, so new data shows at once; the TTL only bounds
# how long a result computed against the wall clock (the "future" cut-off of data_bounds) lives.
CACHE_TTL_SECONDS = 600
# While `radar process` writes, every version gets its own entries: bound the memory they take.
CACHE_MAX_ENTRIES = 1000

# How long a page waits for the writer before showing the results it had before.
READ_TIMEOUT_S = 5.0
# The warehouse check that starts every run waits less once it has read the warehouse: its date span
# rarely changes, so the last one read serves while the writer is busy, and the page's own wait is
# not doubled.
STATE_TIMEOUT_S = 1.0
# Last good result of each query, whatever the data version, shown while the writer holds the lock.
FALLBACK_MAX_ENTRIES = 500
STALE_KEY = "_radar_showing_stale_data"

T = TypeVar("T")
# The read API modules whose functions the pages may call through `fetch`.
READ_MODULES = {m.__name__: m for m in (read, search, users, narratives, queries)}


class Status(Enum):
    """Whether the warehouse can be shown."""

    READY = "ready"
    MISSING = "missing"
    EMPTY = "empty"
    LOCKED = "locked"


@dataclass(frozen=True)
class WarehouseState:
    """The warehouse's status and the time span of its documents."""

    status: Status
    n_documents: int = 0
    first: datetime | None = None
    last: datetime | None = None


class _LazyReader:
    """A read-only connection opened on first use and closed by its owner."""

    def __init__(self, db: str) -> None:
        self.db = db
        self._stack = ExitStack()
        self._con: duckdb.DuckDBPyConnection | None = None
        self._locked: WarehouseLocked | None = None

    def get(self) -> duckdb.DuckDBPyConnection:
        # After one wait for the writer has timed out, the rest of the page does not wait again.
        if self._locked is not None:
            raise self._locked
        if self._con is None:
            try:
                self._con = self._stack.enter_context(open_reader(self.db, timeout=READ_TIMEOUT_S))
            except WarehouseLocked as exc:
                self._locked = exc
                raise
        return self._con

    def close(self) -> None:
        self._con = None
        self._stack.close()


# Streamlit runs each session's script in its own thread, so the shared reader is per thread.
_local = threading.local()


@contextmanager
def shared_reader(db: str) -> Iterator[None]:
    """Within the block, cache misses share one read-only connection, opened at the first of them."""
    # Each connection has to wait for a gap in the writer's lock; a page that opened one per query
    # would wait a dozen times while `radar process` runs. Closed when the block ends, so none
    # outlives a page's queries.
    reader = _LazyReader(db)
    _local.reader = reader
    try:
        yield
    finally:
        _local.reader = None
        reader.close()


@contextmanager
def _connection(db: str, timeout: float) -> Iterator[duckdb.DuckDBPyConnection]:
    """The run's shared connection when there is one for `db`, else a fresh short-lived one."""
    reader: _LazyReader | None = getattr(_local, "reader", None)
    if reader is not None and reader.db == db:
        yield reader.get()
    else:
        with open_reader(db, timeout=timeout) as con:
            yield con


def data_version(db: str) -> tuple[int, int]:
    """Modification times of the warehouse file and its write-ahead log: every write changes one."""
    path = Path(db)
    return _mtime(path), _mtime(path.with_name(path.name + ".wal"))


def _mtime(path: Path) -> int:
    try:
        return path.stat().st_mtime_ns
    except FileNotFoundError:
        return 0


@st.cache_data(ttl=CACHE_TTL_SECONDS, max_entries=CACHE_MAX_ENTRIES, show_spinner=False)
def _state(db: str, version: tuple[int, int], _timeout: float) -> WarehouseState:
    with _connection(db, _timeout) as con:
        if read.missing_tables(con):
            return WarehouseState(Status.EMPTY)
        bounds = read.data_bounds(con).iloc[0]
    if int(bounds["n_documents"]) == 0:
        return WarehouseState(Status.EMPTY)
    first, last = bounds["first"].to_pydatetime(), bounds["last"].to_pydatetime()
    return WarehouseState(Status.READY, int(bounds["n_documents"]), first, last)


def warehouse_state(db: str) -> WarehouseState:
    """Status of the warehouse at `db`; a missing file is checked afresh on every call."""
    if not Path(db).exists():
        return WarehouseState(Status.MISSING)
    try:
        key = (db, "state")
        timeout = STATE_TIMEOUT_S if _remembered(key) else READ_TIMEOUT_S
        return _remember(key, lambda: _state(db, data_version(db), timeout))
    except WarehouseMissing:
        return WarehouseState(Status.MISSING)
    except WarehouseLocked:
        return WarehouseState(Status.LOCKED)


@st.cache_data(ttl=CACHE_TTL_SECONDS, max_entries=CACHE_MAX_ENTRIES, show_spinner=False)
def _query(
    db: str, version: tuple[int, int], module: str, name: str, args: tuple[Any, ...],
    kwargs: tuple[tuple[str, Any], ...] = (),
) -> Any:
    reader = getattr(READ_MODULES[module], name)
    with _connection(db, READ_TIMEOUT_S) as con:
        return reader(con, *args, **dict(kwargs))


def fetch(db: str, reader: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    """Result of `reader(con, *args, **kwargs)` from the read API, cached per warehouse, data version and arguments."""
    module = READ_MODULES.get(reader.__module__)
    if module is None or getattr(module, reader.__name__, None) is not reader:
        raise ValueError(f"{reader.__module__}.{reader.__name__} is not a read-API function")
    # Lists are turned into tuples so that equal filters share one cache entry.
    frozen = tuple(tuple(a) if isinstance(a, list) else a for a in args)
    named = tuple(sorted(kwargs.items()))
    return cast(
        T,
        _remember(
            (db, reader.__module__, reader.__name__, frozen, named),
            lambda: _query(db, data_version(db), reader.__module__, reader.__name__, frozen, named),
        ),
    )


_fallback: OrderedDict[tuple[Any, ...], Any] = OrderedDict()
_fallback_lock = threading.Lock()


def _remember(key: tuple[Any, ...], compute: Callable[[], T]) -> T:
    """compute(), remembered under `key`; when the writer holds the lock too long, the last result."""
    try:
        result = compute()
    except WarehouseLocked:
        with _fallback_lock:
            if key not in _fallback:
                raise
            stale = _fallback[key]
        st.session_state[STALE_KEY] = True
        return cast(T, stale)
    with _fallback_lock:
        _fallback[key] = result
        _fallback.move_to_end(key)
        while len(_fallback) > FALLBACK_MAX_ENTRIES:
            _fallback.popitem(last=False)
    return result


def _remembered(key: tuple[Any, ...]) -> bool:
    with _fallback_lock:
        return key in _fallback


def showing_stale_data() -> bool:
    """Whether this run showed an earlier result because the writer held the lock; resets the flag."""
    return bool(st.session_state.pop(STALE_KEY, False))


def clear_cache() -> None:
    """Forget every cached and remembered result, so the next run reads the warehouse again."""
    st.cache_data.clear()
    with _fallback_lock:
        _fallback.clear()


def console_query(db: str, sql: str, max_rows: int) -> QueryResult:
    """Rows of one read-only query from the SQL console (raises ReadOnlyViolation when refused)."""
    return _console_query(db, data_version(db), sql, max_rows)


@st.cache_data(ttl=CACHE_TTL_SECONDS, max_entries=CACHE_MAX_ENTRIES, show_spinner=False)
def _console_query(db: str, version: tuple[int, int], sql: str, max_rows: int) -> QueryResult:
    return run_isolated(db, sql, max_rows)
