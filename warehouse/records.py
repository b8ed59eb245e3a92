"""The typed record that carries one document from collection to the warehouse."""

from __future__ import annotations

import hashlib
import unicodedata
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

KINDS = ("press", "social", "comment")


def document_id(canonical_url: str) -> str:
    """Stable document id: the first 16 bytes of SHA-1 of the canonical URL without its scheme."""
    key = canonical_url.split("://", 1)[-1]
    return hashlib.sha1(key.encode("utf-8")).hexdigest()[:32]


def content_hash(title: str, text: str) -> str:
    """Hash of the normalised title and text, to see when content changes or repeats."""
    norm = unicodedata.normalize("NFC", f"{title}\n{text}").casefold()
    return hashlib.sha1(" ".join(norm.split()).encode("utf-8")).hexdigest()


@dataclass(slots=True)
class Document:
    """One press article, social post or comment, as stored in `documents`."""

    url: str
    source: str
    title: str
    text: str
    published_at: datetime | None
    kind: str = "press"
    parent_id: str | None = None
    fetched_at: datetime | None = None
    lang: str = "vi"
    extra: dict[str, Any] = field(default_factory=dict)
    id: str = ""

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"kind must be one of {', '.join(KINDS)}, not {self.kind!r}")
        self.title = unicodedata.normalize("NFC", self.title or "").strip()
        self.text = unicodedata.normalize("NFC", self.text or "").strip()
        if not self.id:
            self.id = document_id(self.url)

    @property
    def content_hash(self) -> str:
        """Hash of title and text."""
        return content_hash(self.title, self.text)
