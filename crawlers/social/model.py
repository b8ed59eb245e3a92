"""What a connector yields: posts and comments to store, and items skipped or gone with a reason."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from warehouse.records import Document, document_id

TITLE_CHARS = 160


@dataclass
class Post:
    """One social post or comment as seen on the platform, before pseudonymisation."""

    url: str
    kind: str
    text: str
    published_at: datetime | None
    title: str = ""
    parent_url: str | None = None
    thread_url: str | None = None
    author_id: str | None = None
    lang: str = "vi"
    platform: str | None = None  # when not the connector's own, e.g. Facebook rows of an import
    engagement: dict[str, int] = field(default_factory=dict)
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def id(self) -> str:
        """The warehouse id this post will have."""
        return document_id(self.url)


@dataclass(frozen=True)
class Skip:
    """An item not stored, with the reason; if `gone` and it was stored before, it is marked deleted."""

    url: str
    reason: str
    gone: bool = True


def headline(text: str) -> str:
    """A title for an untitled post: its first line, cut at a word near TITLE_CHARS."""
    first = next((line.strip() for line in text.splitlines() if line.strip()), "")
    if len(first) <= TITLE_CHARS:
        return first
    cut = first[:TITLE_CHARS].rsplit(" ", 1)[0]
    return cut + "…"


_VIETNAMESE = re.compile("[ăâđêôơưạảấầẩẫậắằẳẵặẹẻẽếềểễệỉịọỏốồổỗộớờởỡợụủứừửữựỳỵỷỹ]", re.I)


def guess_lang(text: str) -> str:
    """'vi' when the text has letters only Vietnamese uses, else 'und' (unaccented Vietnamese looks like English)."""
    return "vi" if _VIETNAMESE.search(text) else "und"


def nfc(text: str) -> str:
    """NFC only: emoji, teencode and unaccented text stay exactly as written."""
    return unicodedata.normalize("NFC", text)


def to_document(post: Post, source: str, platform: str, author: str | None, fetched_at: datetime) -> Document:
    """The warehouse record of a post; engagement at collection time is kept in extra as well."""
    extra: dict[str, Any] = {"platform": platform, **post.extra}
    if author:
        extra["author"] = author
    if post.engagement:
        extra["engagement"] = dict(post.engagement)
    if post.thread_url:
        extra["thread_id"] = document_id(post.thread_url)
    title = post.title or (headline(post.text) if post.kind == "social" else "")
    return Document(
        url=post.url,
        source=source,
        title=title,
        text=post.text,
        published_at=post.published_at,
        kind=post.kind,
        parent_id=document_id(post.parent_url) if post.parent_url else None,
        fetched_at=fetched_at,
        lang=post.lang,
        extra=extra,
    )
