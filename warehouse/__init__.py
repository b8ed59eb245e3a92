"""DuckDB warehouse: schema migrations, the write API (idempotent upserts) and the read API."""

from warehouse.db import DEFAULT_DB_PATH, connect, open_reader, open_writer
from warehouse.errors import WarehouseError, WarehouseLocked, WarehouseMissing
from warehouse.records import Document, content_hash, document_id

__all__ = [
    "DEFAULT_DB_PATH",
    "Document",
    "WarehouseError",
    "WarehouseLocked",
    "WarehouseMissing",
    "connect",
    "content_hash",
    "document_id",
    "open_reader",
    "open_writer",
]
