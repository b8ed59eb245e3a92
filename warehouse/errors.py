"""Typed warehouse errors; only the CLI turns them into messages."""


class WarehouseError(Exception):
    """Base class of every warehouse error."""


class WarehouseMissing(WarehouseError):
    """The warehouse file does not exist (nothing ingested yet)."""


class WarehouseLocked(WarehouseError):
    """Another process held the write lock for longer than the wait allowed."""


class ReadOnlyViolation(WarehouseError):
    """A read-only session was asked to run something other than a query."""
