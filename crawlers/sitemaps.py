"""News sitemaps: fetched sitemap bytes in, child sitemaps or the newest article entries out (pure)."""

from __future__ import annotations

import gzip
import io
import zlib
from dataclasses import dataclass
from datetime import UTC, datetime
from urllib.parse import urljoin, urlsplit

from lxml import etree

from crawlers.dates import VIETNAM_TZ
from crawlers.feeds import FeedEntry, FeedError, newest

MAX_UNZIPPED = 50 * 1024 * 1024  # the sitemap protocol's own limit per file
# Entity resolution and network access off: sitemap bytes come from strangers.
_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, recover=True, huge_tree=False)


@dataclass(frozen=True, slots=True)
class ParsedSitemap:
    """A sitemap index gives child sitemaps, a urlset gives article entries; both newest first."""

    children: list[str]
    entries: list[FeedEntry]


def _local(tag: object) -> str:
    return tag.rsplit("}", 1)[-1].lower() if isinstance(tag, str) else ""


def _text(node: etree._Element, *path: str) -> str:
    """Text of the first descendant reached by local names `path` ('' when missing)."""
    current = [node]
    for name in path:
        current = [c for n in current for c in n if _local(c.tag) == name]
    return (current[0].text or "").strip() if current else ""


def parse_w3c_date(value: str) -> datetime | None:
    """A sitemap date (W3C: 2026-03-05, 2026-03-05T08:30:00+07:00, …Z); Vietnam time when no offset."""
    value = value.strip()
    if not value:
        return None
    try:
        when = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    # Vietnamese sites that omit the offset mean local time.
    return when if when.tzinfo else when.replace(tzinfo=VIETNAM_TZ)


def _unzip(body: bytes) -> bytes:
    if not body.startswith(b"\x1f\x8b"):
        return body
    try:
        with gzip.GzipFile(fileobj=io.BytesIO(body)) as f:
            data = f.read(MAX_UNZIPPED + 1)
    except (OSError, EOFError, zlib.error) as exc:
        raise FeedError(f"broken gzip sitemap: {exc}") from None
    if len(data) > MAX_UNZIPPED:
        raise FeedError("sitemap larger than 50 MB once unzipped")
    return data


def _is_http(url: str) -> bool:
    return urlsplit(url).scheme in ("http", "https")


def _newest_children(children: list[tuple[str, datetime | None]], max_children: int) -> list[str]:
    dated = [c for c in children if c[1]]
    if dated:
        dated.sort(key=lambda c: c[1], reverse=True)  # type: ignore[arg-type,return-value]
        return [url for url, _ in dated[:max_children]]
    # Without dates, indexes run oldest-first or newest-first: take both ends.
    urls = [url for url, _ in children]
    half = max(1, max_children // 2)
    return list(dict.fromkeys(urls[:half] + urls[-half:]))[:max_children]


def parse_sitemap(body: bytes, url: str, *, limit: int | None = None, max_children: int = 2) -> ParsedSitemap:
    """Parse a sitemap or sitemap index (gzip allowed); raise FeedError when it is neither."""
    data = _unzip(body)
    try:
        root = etree.fromstring(data, parser=_PARSER) if data.strip() else None
    except etree.XMLSyntaxError as exc:
        raise FeedError(f"unreadable sitemap ({exc})") from None
    if root is None:
        raise FeedError("empty sitemap")
    kind = _local(root.tag)
    if kind == "sitemapindex":
        children = [
            (urljoin(url, loc), parse_w3c_date(_text(s, "lastmod")))
            for s in root
            if _local(s.tag) == "sitemap" and (loc := _text(s, "loc"))
        ]
        return ParsedSitemap(_newest_children([c for c in children if _is_http(c[0])], max_children), [])
    if kind != "urlset":
        raise FeedError(f"not a sitemap (root element <{kind or '?'}>)")
    entries = []
    for node in root:
        loc = _text(node, "loc") if _local(node.tag) == "url" else ""
        link = urljoin(url, loc) if loc else ""
        if not link or not _is_http(link):
            continue
        published = parse_w3c_date(_text(node, "news", "publication_date")) or parse_w3c_date(_text(node, "lastmod"))
        keywords = _text(node, "news", "keywords")
        entries.append(
            FeedEntry(
                link=link,
                title=" ".join(_text(node, "news", "title").split()),
                summary="",
                published_at=published.astimezone(UTC) if published else None,
                tags=[k.strip() for k in keywords.split(",") if k.strip()],
            )
        )
    return ParsedSitemap([], newest(entries, limit))
