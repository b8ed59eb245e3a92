"""`radar ingest`: JSON Lines documents into the warehouse, idempotently, with reasons for rejects."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from crawlers.urls import canonicalize
from pipelines.jsonl import read_jsonl
from warehouse.db import open_writer
from warehouse.records import KINDS, Document
from warehouse.write import documents_frame, write_documents

VIETNAM = ZoneInfo("Asia/Ho_Chi_Minh")
KNOWN_FIELDS = {"url", "link", "title", "text", "summary", "source", "published", "published_at", "kind",
                "parent_id", "lang"}


class Rejected(ValueError):
    """A record that can never be stored as it is (quarantined with its reason)."""


@dataclass
class IngestReport:
    """What an ingest run did: counts, and the reason for every rejected line."""

    new: int = 0
    duplicate: int = 0
    rejected: int = 0
    skipped_old: int = 0
    reasons: Counter[str] = field(default_factory=Counter)
    examples: list[str] = field(default_factory=list)

    def reject(self, lineno: int, reason: str) -> None:
        """Count one rejected line and keep the first examples for the report."""
        self.rejected += 1
        self.reasons[reason] += 1
        if len(self.examples) < 20:
            self.examples.append(f"line {lineno}: {reason}")


def parse_time(value: Any) -> datetime | None:
    """ISO 8601 (with or without offset; naive times are Vietnam time) or epoch seconds."""
    if value in (None, ""):
        return None
    if isinstance(value, int | float):
        return datetime.fromtimestamp(value, tz=VIETNAM)
    if not isinstance(value, str):
        raise Rejected(f"published time is not text: {value!r}")
    text = value.strip().replace("Z", "+00:00")
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError as exc:
        raise Rejected(f"unparsable published time {value!r}") from exc
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=VIETNAM)


def split_source(source: str) -> tuple[str, str | None]:
    """'VnExpress - Kinh Doanh' -> ('VnExpress', 'Kinh Doanh'): aggregator feeds name outlet and section."""
    outlet, sep, section = source.partition(" - ")
    return (outlet.strip(), section.strip() or None) if sep else (source.strip(), None)


def to_document(obj: dict[str, Any], default_source: str) -> Document:
    """Map one JSON object to a Document, or raise Rejected with the reason."""
    url = obj.get("url") or obj.get("link")
    if not isinstance(url, str) or not url.strip():
        raise Rejected("missing url/link")
    try:
        canonical = canonicalize(url)
    except ValueError as exc:
        raise Rejected(str(exc)) from exc
    title = obj.get("title") or ""
    text = obj.get("text") or obj.get("summary") or ""
    if not isinstance(title, str) or not isinstance(text, str):
        raise Rejected("title/text must be strings")
    if not title.strip() and not text.strip():
        raise Rejected("empty title and text")
    kind = obj.get("kind") or "press"
    if kind not in KINDS:
        raise Rejected(f"unknown kind {kind!r} (expected one of {', '.join(KINDS)})")
    raw_source = obj.get("source") or default_source
    source, section = split_source(str(raw_source))
    extra = {k: v for k, v in obj.items() if k not in KNOWN_FIELDS}
    if section:
        extra.setdefault("section", section)
    if canonical != url:
        extra.setdefault("original_url", url)
    if obj.get("text") and obj.get("summary"):
        extra.setdefault("summary", obj["summary"])
    return Document(
        url=canonical,
        source=source,
        title=title,
        text=text,
        published_at=parse_time(obj.get("published_at") or obj.get("published")),
        kind=kind,
        parent_id=obj.get("parent_id"),
        lang=obj.get("lang") or "vi",
        extra=extra,
    )


def parse_file(path: Path, report: IngestReport) -> list[tuple[int, Document]]:
    """Parse every line of a JSON Lines file; bad lines go to the report, never abort."""
    docs: list[tuple[int, Document]] = []
    for lineno, obj, error in read_jsonl(path):
        if error or obj is None:
            report.reject(lineno, error or "empty")
            continue
        try:
            docs.append((lineno, to_document(obj, default_source=path.stem)))
        except Rejected as exc:
            report.reject(lineno, str(exc))
    return docs


def newest_days(docs: list[tuple[int, Document]], days: int) -> list[tuple[int, Document]]:
    """Keep documents published within `days` of the newest one (undated ones are kept)."""
    dated = [d.published_at for _, d in docs if d.published_at]
    if not dated:
        return docs
    cutoff = max(dated) - timedelta(days=days)
    return [(n, d) for n, d in docs if d.published_at is None or d.published_at >= cutoff]


def ingest_file(
    path: Path,
    db: Path,
    *,
    batch_size: int = 5000,
    newest: int | None = None,
    progress: Callable[[int, int], None] | None = None,
    lock_timeout: float = 60.0,
) -> IngestReport:
    """Import a JSON Lines file; re-importing the same file adds nothing.

    `progress(n, total)` is called with the documents just written and the total to write.
    """
    report = IngestReport()
    docs = parse_file(path, report)
    if newest is not None:
        kept = newest_days(docs, newest)
        report.skipped_old = len(docs) - len(kept)
        docs = kept
    if progress:
        progress(0, len(docs))
    for batch in _batches((d for _, d in docs), batch_size):
        # One short write per batch so readers (the dashboard) get the file in between.
        with open_writer(db, timeout=lock_timeout) as con:
            result = write_documents(con, documents_frame(batch))
        report.new += result.new
        report.duplicate += result.duplicate
        if progress:
            progress(len(batch), len(docs))
    return report


def _batches(items: Iterable[Document], size: int) -> Iterable[list[Document]]:
    batch: list[Document] = []
    for item in items:
        batch.append(item)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch
