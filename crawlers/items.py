"""The item the feed spider yields: one article, extracted or rebuilt from its feed entry."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from crawlers.rawpages import RawPage


@dataclass(slots=True)
class ArticleItem:
    """One article as crawled, before it becomes a `warehouse.Document`."""

    source: str
    url: str
    title: str
    text: str
    published_at: datetime | None
    fetched_at: datetime
    feed_url: str = ""
    category: str = ""
    page_url: str = ""
    canonical_url: str = ""
    author: str = ""
    section: str = ""
    tags: list[str] = field(default_factory=list)
    lang: str = "vi"
    summary: str = ""
    feed_published_at: datetime | None = None
    fallback: str = ""
    raw: RawPage | None = None

    def extra(self) -> dict[str, Any]:
        """What goes into `documents.extra`: provenance and page metadata (empty values left out)."""
        values: dict[str, Any] = {
            "feed_url": self.feed_url,
            "category": self.category,
            "page_url": self.page_url,
            "canonical_url": self.canonical_url,
            "author": self.author,
            "section": self.section,
            "tags": self.tags,
            "summary": self.summary,
            "feed_published_at": self.feed_published_at,
            "fallback": self.fallback,
        }
        return {k: v for k, v in values.items() if v}
