"""Feed parsing: fetched RSS/Atom bytes in, the newest entries out (pure, no network)."""

from __future__ import annotations

import calendar
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urljoin, urlsplit

import feedparser
from w3lib.html import remove_tags, replace_entities


class FeedError(ValueError):
    """The bytes are not a feed feedparser can read any entry from."""


@dataclass(frozen=True, slots=True)
class FeedEntry:
    """One feed item, reduced to what the crawler and the fallback document need."""

    link: str
    title: str
    summary: str
    published_at: datetime | None
    guid: str = ""
    author: str = ""
    tags: list[str] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class ParsedFeed:
    """The entries of a feed, newest first, and the parser's complaint if it had one."""

    title: str
    entries: list[FeedEntry]
    warning: str = ""


def html_to_text(fragment: str) -> str:
    """Plain text of an HTML fragment such as a feed description (tags dropped, spaces folded)."""
    text = replace_entities(remove_tags(fragment or ""))
    return " ".join(text.split())


def _when(parsed: time.struct_time | None) -> datetime | None:
    # feedparser has already turned the feed's date, whatever its offset, into UTC.
    if not parsed:
        return None
    try:
        return datetime.fromtimestamp(calendar.timegm(parsed), tz=UTC)
    except (OverflowError, ValueError):
        return None


def _entry(raw: Any, base_url: str) -> FeedEntry | None:
    link = (raw.get("link") or "").strip()
    guid = (raw.get("id") or "").strip()
    if not link and guid.startswith(("http://", "https://")):
        link = guid
    if not link:
        return None
    link = urljoin(base_url, link)
    if urlsplit(link).scheme not in ("http", "https"):
        return None
    return FeedEntry(
        link=link,
        title=html_to_text(raw.get("title", "")),
        summary=html_to_text(raw.get("summary", "")),
        published_at=_when(raw.get("published_parsed") or raw.get("updated_parsed")),
        guid=guid,
        author=(raw.get("author") or "").strip(),
        tags=[t["term"].strip() for t in raw.get("tags", []) if t.get("term")],
    )


def newest(entries: list[FeedEntry], limit: int | None) -> list[FeedEntry]:
    """Dated entries newest first, then undated ones in feed order, cut to `limit`."""
    dated = sorted((e for e in entries if e.published_at), key=lambda e: e.published_at, reverse=True)  # type: ignore[arg-type,return-value]
    ordered = dated + [e for e in entries if not e.published_at]
    return ordered if limit is None else ordered[: max(limit, 0)]


def parse_feed(body: bytes, url: str, *, limit: int | None = None, content_type: str = "") -> ParsedFeed:
    """Parse fetched feed bytes; raise FeedError when nothing usable is in them."""
    headers = {"content-location": url}
    if content_type:
        headers["content-type"] = content_type
    parsed = feedparser.parse(body, response_headers=headers)
    warning = ""
    exc = parsed.get("bozo_exception")
    # A feed served as text/html is common and harmless: feedparser still parses it.
    if parsed.get("bozo") and not isinstance(exc, feedparser.NonXMLContentType):
        warning = f"{type(exc).__name__}: {exc}" if exc else "malformed feed"
    entries = [e for e in (_entry(raw, url) for raw in parsed.entries) if e is not None]
    if not entries and (warning or not parsed.get("version")):
        raise FeedError(f"unreadable feed ({warning})" if warning else "not an RSS or Atom feed")
    # Duplicate links inside one feed happen (the same story in two blocks of the homepage feed).
    unique: dict[str, FeedEntry] = {}
    for entry in entries:
        unique.setdefault(entry.link, entry)
    return ParsedFeed(
        title=html_to_text(parsed.feed.get("title", "")),
        entries=newest(list(unique.values()), limit),
        warning=warning,
    )
