"""Raw article pages, gzip-compressed, so extraction can be re-run later without crawling again.

They go to the warehouse table `raw_pages` (migration 0003_raw_pages).
"""

from __future__ import annotations

import gzip
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from datetime import datetime

import duckdb
import pandas as pd

COLUMNS = ["document_id", "url", "fetched_at", "http_status", "content_type", "body_bytes", "body_gzip"]


@dataclass(frozen=True, slots=True)
class RawPage:
    """One fetched page as the server sent it (body gzip-compressed)."""

    document_id: str
    url: str
    fetched_at: datetime
    http_status: int
    content_type: str
    body_bytes: int
    body_gzip: bytes

    @classmethod
    def of(
        cls, document_id: str, url: str, fetched_at: datetime, status: int, content_type: str, body: bytes
    ) -> RawPage:
        """Compress a fetched body."""
        return cls(document_id, url, fetched_at, status, content_type, len(body), gzip.compress(body, 6))

    def body(self) -> bytes:
        """The page bytes as fetched."""
        return gzip.decompress(self.body_gzip)


def write_raw_pages(con: duckdb.DuckDBPyConnection, pages: Sequence[RawPage]) -> int:
    """Insert pages not stored yet (the first fetch of a document is kept); return how many were new."""
    if not pages:
        return 0
    frame = pd.DataFrame([asdict(p) for p in pages], columns=COLUMNS).drop_duplicates("document_id")
    frame["fetched_at"] = pd.to_datetime(frame["fetched_at"], utc=True)
    con.register("incoming_raw_pages", frame)
    try:
        before = con.execute("SELECT count(*) FROM raw_pages").fetchone()[0]  # type: ignore[index]
        con.execute(
            f"INSERT INTO raw_pages ({', '.join(COLUMNS)}) SELECT {', '.join('i.' + c for c in COLUMNS)} "
            "FROM incoming_raw_pages i ANTI JOIN raw_pages r ON r.document_id = i.document_id"
        )
        after = con.execute("SELECT count(*) FROM raw_pages").fetchone()[0]  # type: ignore[index]
    finally:
        con.unregister("incoming_raw_pages")
    return int(after - before)
