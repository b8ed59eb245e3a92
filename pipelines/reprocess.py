"""`radar reprocess`: extract stored raw pages again with the current extractor, without crawling.

Documents whose title, text or time change are updated and their annotation is removed, so the
next `radar process` annotates them again. Running it twice changes nothing the second time.
"""

from __future__ import annotations

import json
import unicodedata
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pandas as pd
from w3lib.encoding import http_content_type_encoding

from crawlers.extract import extract_article
from crawlers.rawpages import RawPage
from warehouse.db import open_writer
from warehouse.records import content_hash
from warehouse.write import staged

BATCH_SIZE = 200
UPDATE_COLUMNS = ["id", "title", "text", "published_at", "content_hash", "extra"]
# Page metadata the extractor gives and the crawl keeps in `documents.extra`.
EXTRA_FIELDS = ("canonical_url", "author", "section", "tags")


@dataclass(frozen=True, slots=True)
class Stored:
    """A document as stored, with the raw page it was extracted from."""

    id: str
    title: str
    text: str
    published_at: datetime | None
    extra: dict[str, Any]
    raw: RawPage


@dataclass(frozen=True, slots=True)
class Outcome:
    """What extracting one stored page again gave: 'changed', 'unchanged' or 'failed' (with why)."""

    status: str
    reason: str = ""
    row: dict[str, Any] | None = None


@dataclass
class ReprocessReport:
    """Counts of a reprocess run and the reasons of the failures."""

    reextracted: int = 0
    changed: int = 0
    unchanged: int = 0
    failed: int = 0
    reasons: Counter[str] = field(default_factory=Counter)

    def summary(self) -> str:
        """One line for people."""
        return (
            f"trích lại/re-extracted: {self.reextracted}  đổi/changed: {self.changed}  "
            f"không đổi/unchanged: {self.unchanged}  lỗi/failed: {self.failed}"
        )


def _nfc(text: str | None) -> str:
    # As warehouse.records.Document stores them, so equal texts compare equal.
    return unicodedata.normalize("NFC", text or "").strip()


def reextract(doc: Stored, now: datetime) -> Outcome:
    """Extract the page again and compare with the stored document (pure, but for the extractor's log)."""
    try:
        body = doc.raw.body()
    except OSError as exc:
        return Outcome("failed", f"raw page unreadable: {type(exc).__name__}")
    ctype = doc.raw.content_type or ""
    if ctype and "html" not in ctype.lower():
        return Outcome("failed", f"not an HTML page ({ctype.split(';')[0]})")
    article = extract_article(body, doc.raw.url, encoding=http_content_type_encoding(ctype) if ctype else None)
    if article is None:
        return Outcome("failed", "extraction found no article")
    title = _nfc(article.title) or doc.title
    text = _nfc(article.text)
    if not text:
        return Outcome("failed", "extraction found no text")
    # A time the extractor no longer finds is kept: losing it would be a regression, not a fix.
    published = article.published_at or doc.published_at
    same_time = (published is None and doc.published_at is None) or (
        published is not None and doc.published_at is not None and published == doc.published_at
    )
    extra = dict(doc.extra)
    for name in EXTRA_FIELDS:
        value = getattr(article, name)
        if value:
            extra[name] = value
    if title == doc.title and text == doc.text and same_time:
        return Outcome("unchanged")
    extra.pop("fallback", None)  # the page itself now gives the article, not its feed entry
    extra["reextracted_at"] = now.isoformat(timespec="seconds")
    row = {
        "id": doc.id,
        "title": title,
        "text": text,
        "published_at": published,
        "content_hash": content_hash(title, text),
        "extra": json.dumps(extra, ensure_ascii=False, default=str),
    }
    return Outcome("changed", row=row)


def _where(source: str | None, since: datetime | None, params: list[Any]) -> str:
    conditions = ["d.id > ?"]
    if source:
        conditions.append("d.source = ?")
        params.append(source)
    if since:
        conditions.append("coalesce(d.published_at, r.fetched_at) >= ?")
        params.append(since)
    return " AND ".join(conditions)


def _batch(con: Any, after: str, source: str | None, since: datetime | None, size: int) -> list[Stored]:
    params: list[Any] = [after]
    where = _where(source, since, params)
    rows = con.execute(
        "SELECT d.id, d.title, d.text, d.published_at, d.extra, r.url, r.fetched_at, r.http_status, "
        "r.content_type, r.body_bytes, r.body_gzip "
        f"FROM raw_pages r JOIN documents d ON d.id = r.document_id WHERE {where} ORDER BY d.id LIMIT ?",
        [*params, size],
    ).fetchall()
    return [
        Stored(
            id=r[0],
            title=r[1] or "",
            text=r[2] or "",
            published_at=r[3],
            extra=json.loads(r[4]) if r[4] else {},
            raw=RawPage(r[0], r[5], r[6], r[7] or 0, r[8] or "", r[9], bytes(r[10])),
        )
        for r in rows
    ]


def count_pages(db: Path | str, source: str | None = None, since: datetime | None = None) -> int:
    """How many stored raw pages a reprocess with these filters would extract again."""
    params: list[Any] = [""]
    where = _where(source, since, params)
    with open_writer(db) as con:
        n = con.execute(
            f"SELECT count(*) FROM raw_pages r JOIN documents d ON d.id = r.document_id WHERE {where}", params
        ).fetchone()
    return int(n[0]) if n else 0


def apply_changes(con: Any, rows: list[dict[str, Any]]) -> int:
    """Update the changed documents and remove their annotations (so they are annotated again)."""
    if not rows:
        return 0
    frame = pd.DataFrame(rows, columns=UPDATE_COLUMNS)
    frame["published_at"] = pd.to_datetime(frame["published_at"], utc=True)
    with staged(con, "reprocessed_documents", frame):
        con.execute(
            "UPDATE documents SET title = i.title, text = i.text, published_at = i.published_at, "
            "content_hash = i.content_hash, extra = i.extra FROM reprocessed_documents i WHERE documents.id = i.id"
        )
        con.execute("DELETE FROM annotations WHERE document_id IN (SELECT id FROM reprocessed_documents)")
        # Compared again for syndicated copies at the next check (pipelines.syndication).
        con.execute("DELETE FROM document_syndication WHERE document_id IN (SELECT id FROM reprocessed_documents)")
    return len(frame)


def reprocess(
    db: Path | str,
    *,
    source: str | None = None,
    since: datetime | None = None,
    batch_size: int = BATCH_SIZE,
    progress: Callable[[int], None] | None = None,
    lock_timeout: float = 60.0,
) -> ReprocessReport:
    """Re-extract every stored raw page (of `source`, published since `since`) and store what changed."""
    report = ReprocessReport()
    after = ""
    while True:
        # Short connections: the dashboard and the crawler get the warehouse between batches.
        with open_writer(db, timeout=lock_timeout) as con:
            batch = _batch(con, after, source, since, batch_size)
        if not batch:
            return report
        now = datetime.now(UTC)
        changes = []
        for doc in batch:
            outcome = reextract(doc, now)
            report.reextracted += 1
            if outcome.status == "failed":
                report.failed += 1
                report.reasons[outcome.reason] += 1
            elif outcome.row is not None:
                report.changed += 1
                changes.append(outcome.row)
            else:
                report.unchanged += 1
        with open_writer(db, timeout=lock_timeout) as con:
            apply_changes(con, changes)
        if progress:
            progress(len(batch))
        after = batch[-1].id
