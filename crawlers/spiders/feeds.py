"""The feed spider: each source's feeds, news sitemaps or listing pages, their newest items, their articles."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterable, Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import scrapy
from scrapy.exceptions import DownloadCancelledError, IgnoreRequest
from scrapy.http import Response
from scrapy.spidermiddlewares.httperror import HttpError
from twisted.python.failure import Failure
from w3lib.encoding import http_content_type_encoding

from crawlers.extract import extract_article
from crawlers.feeds import FeedEntry, FeedError, parse_feed
from crawlers.items import ArticleItem
from crawlers.listing import listing_entries
from crawlers.rawpages import RawPage
from crawlers.registry import Feed, Source
from crawlers.sitemaps import parse_sitemap
from crawlers.urls import canonicalize
from warehouse.records import document_id

DEFAULT_MAX_ITEMS_PER_FEED = 30
CONNECTORS = ("rss", "sitemap", "listing")
TRANSIENT_STATUSES = frozenset({408, 425, 429, 500, 502, 503, 504})
# A page that failed for a passing reason is asked for again at later crawls while its item is this
# young; after that its feed entry is stored as it is, so the story is not lost.
RETRY_WINDOW = timedelta(hours=6)
MAX_SITEMAP_DEPTH = 1  # an index and its children; deeper nesting is not followed


def failure_reason(failure: Failure) -> str:
    """A short reason for a failed request: the HTTP status, or the exception's name and message."""
    if failure.check(HttpError):
        response = failure.value.response
        return f"HTTP {response.status}"
    exc = failure.value
    message = str(exc).strip()
    return f"{type(exc).__name__}: {message}" if message else type(exc).__name__


def is_transient(failure: Failure) -> bool:
    """Whether a failed request may succeed later: timeouts, lost connections, 5xx, 408, 429.

    robots.txt refusals, redirect loops (IgnoreRequest), pages over DOWNLOAD_MAXSIZE
    (DownloadCancelledError) and other 4xx answers are final.
    """
    if failure.check(HttpError):
        return failure.value.response.status in TRANSIENT_STATUSES
    return not failure.check(IgnoreRequest, DownloadCancelledError)


def is_recent(entry: FeedEntry, now: datetime) -> bool:
    """Whether an entry is young enough to still be in its feed at the next crawl (undated: no)."""
    return entry.published_at is not None and now - entry.published_at < RETRY_WINDOW


def content_type(response: Response) -> str:
    """The response's Content-Type header as text ('' when absent)."""
    return (response.headers.get(b"Content-Type") or b"").decode("latin-1")


def fallback_item(
    source: Source, feed: Feed, entry: FeedEntry, url: str, reason: str, page_url: str = ""
) -> ArticleItem:
    """The article rebuilt from its feed entry alone, for when the page cannot be used."""
    return ArticleItem(
        source=source.name,
        url=url,
        title=entry.title,
        text=entry.summary,
        published_at=entry.published_at,
        fetched_at=datetime.now(UTC),
        feed_url=feed.url,
        category=feed.category,
        page_url=page_url,
        author=entry.author,
        tags=list(entry.tags),
        summary=entry.summary,
        feed_published_at=entry.published_at,
        fallback=reason,
    )


def article_item(
    source: Source, feed: Feed, entry: FeedEntry, url: str, response: Response, *, keep_raw: bool = False
) -> ArticleItem:
    """The article extracted from its page, or rebuilt from the feed entry when extraction fails."""
    ctype = content_type(response)
    if ctype and "html" not in ctype.lower():
        return fallback_item(source, feed, entry, url, f"not an HTML page ({ctype})", response.url)
    item = _extracted_item(source, feed, entry, url, response, ctype)
    if keep_raw:
        # Kept even when extraction failed: a better extractor may succeed on it later.
        item.raw = RawPage.of(document_id(url), response.url, item.fetched_at, response.status, ctype, response.body)
    return item


def _extracted_item(
    source: Source, feed: Feed, entry: FeedEntry, url: str, response: Response, ctype: str
) -> ArticleItem:
    try:
        article = extract_article(response.body, response.url, encoding=http_content_type_encoding(ctype))
    except Exception as exc:  # one odd page must not cost the item its feed entry
        reason = f"extraction error: {type(exc).__name__}: {exc}"
        return fallback_item(source, feed, entry, url, reason, response.url)
    if article is None:
        return fallback_item(source, feed, entry, url, "extraction found no article", response.url)
    return ArticleItem(
        source=source.name,
        url=url,
        title=article.title or entry.title,
        text=article.text,
        # The page's own date is preferred: some feeds stamp items with the time the feed was built.
        published_at=article.published_at or entry.published_at,
        fetched_at=datetime.now(UTC),
        feed_url=feed.url,
        category=feed.category,
        page_url=response.url,
        canonical_url=article.canonical_url,
        author=article.author or entry.author,
        section=article.section or "",
        tags=article.tags or list(entry.tags),
        lang=article.lang or "vi",
        summary=entry.summary,
        feed_published_at=entry.published_at,
    )


class FeedSpider(scrapy.Spider):
    """Fetch every feed of the given sources and follow the newest items to their pages."""

    name = "feeds"

    def __init__(
        self,
        sources: Iterable[Source] = (),
        max_items_per_feed: int = DEFAULT_MAX_ITEMS_PER_FEED,
        known_ids: Iterable[str] = (),
        keep_raw: bool = False,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self.sources = [s for s in sources if s.connector in CONNECTORS]
        self.max_items_per_feed = int(max_items_per_feed)
        self.keep_raw = bool(keep_raw)
        # Ids already in the warehouse and ids queued in this run: neither is fetched again.
        self.seen_ids: set[str] = set(known_ids)

    async def start(self) -> AsyncIterator[Any]:
        """One request per feed (or sitemap) of each source."""
        for source in self.sources:
            for feed in source.feeds:
                yield self._feed_request(feed.url, source, feed)

    def _feed_request(self, url: str, source: Source, feed: Feed, depth: int = 0) -> scrapy.Request:
        return scrapy.Request(
            url,
            callback={"sitemap": self.parse_sitemap, "listing": self.parse_listing}.get(
                source.connector, self.parse_feed
            ),
            errback=self.feed_failed,
            cb_kwargs={"source": source, "feed": feed},
            # radar_role 'feed' also puts sitemaps under conditional GET (crawlers.httpcache).
            meta={"radar_source": source.name, "radar_role": "feed", "radar_depth": depth},
            dont_filter=True,
        )

    def _count(self, key: str, source: str | None = None) -> None:
        stats = self.crawler.stats
        assert stats is not None
        stats.inc_value(f"radar/{key}")
        if source:
            stats.inc_value(f"radar/{key}/{source}")

    def feed_failed(self, failure: Failure) -> None:
        """Log a feed that could not be fetched; the other feeds go on."""
        request = failure.request  # type: ignore[attr-defined]
        source = request.meta.get("radar_source", "?")
        self.logger.warning("feed failed [%s] %s: %s", source, request.url, failure_reason(failure))
        self._count("feeds_failed", source)
        if failure.check(HttpError):
            self._count("http_failed", source)

    def parse_feed(self, response: Response, source: Source, feed: Feed) -> Iterator[scrapy.Request]:
        """Parse one fetched feed and request the article page of each new item."""
        try:
            parsed = parse_feed(
                response.body,
                response.url,
                limit=self.max_items_per_feed,
                content_type=content_type(response),
            )
        except FeedError as exc:
            self.logger.warning("feed skipped [%s] %s: %s", source.name, response.url, exc)
            self._count("feeds_malformed", source.name)
            return
        if parsed.warning:
            self.logger.info("feed read with a warning [%s] %s: %s", source.name, response.url, parsed.warning)
        yield from self._article_requests(response, source, feed, parsed.entries)

    def parse_sitemap(self, response: Response, source: Source, feed: Feed) -> Iterator[scrapy.Request]:
        """Parse a news sitemap: follow the newest child sitemaps of an index, or request new articles."""
        try:
            parsed = parse_sitemap(response.body, response.url, limit=self.max_items_per_feed)
        except FeedError as exc:
            self.logger.warning("sitemap skipped [%s] %s: %s", source.name, response.url, exc)
            self._count("feeds_malformed", source.name)
            return
        depth = int(response.meta.get("radar_depth", 0))
        if parsed.children and depth < MAX_SITEMAP_DEPTH:
            for child in parsed.children:
                yield self._feed_request(child, source, feed, depth + 1)
        yield from self._article_requests(response, source, feed, parsed.entries)

    def parse_listing(self, response: Response, source: Source, feed: Feed) -> Iterator[scrapy.Request]:
        """Request the article pages linked from a section listing page, top of the page first."""
        entries = listing_entries(response, source.url, limit=self.max_items_per_feed)
        if not entries:
            self.logger.warning("listing without article links [%s] %s", source.name, response.url)
            self._count("feeds_malformed", source.name)
            return
        yield from self._article_requests(response, source, feed, entries)

    def _article_requests(
        self, response: Response, source: Source, feed: Feed, entries: list[FeedEntry]
    ) -> Iterator[scrapy.Request]:
        """Requests for the article pages of entries not stored yet nor queued in this run."""
        if "cached" in response.flags:
            # The server answered 304 (or the copy is still fresh): parsed anyway, in case the last
            # crawl stopped at its time limit before it reached every item.
            self._count("feeds_unchanged", source.name)
        self._count("feeds_ok", source.name)
        for entry in entries:
            try:
                url = canonicalize(entry.link)
            except ValueError as exc:
                self.logger.info("item skipped [%s]: %s", source.name, exc)
                continue
            doc_id = document_id(url)
            if doc_id in self.seen_ids:
                self._count("items_known")
                continue
            self.seen_ids.add(doc_id)
            self._count("items_new", source.name)
            yield scrapy.Request(
                entry.link,
                callback=self.parse_article,
                errback=self.article_failed,
                cb_kwargs={"source": source, "feed": feed, "entry": entry, "url": url},
                meta={"radar_source": source.name, "radar_role": "article"},
                # Duplicates are already weeded out by id; Scrapy's own filter would silently drop a
                # page that redirects to itself instead of letting the redirect limit fail it.
                dont_filter=True,
            )

    def parse_article(
        self, response: Response, source: Source, feed: Feed, entry: FeedEntry, url: str
    ) -> Iterator[ArticleItem]:
        """Extract the article page, falling back to the feed entry with the reason logged."""
        item = article_item(source, feed, entry, url, response, keep_raw=self.keep_raw)
        if item.fallback:
            self.logger.info("feed entry used [%s] %s: %s", source.name, response.url, item.fallback)
            self._count("articles_fallback", source.name)
        else:
            self._count("articles_extracted", source.name)
        yield item

    def article_failed(self, failure: Failure) -> Iterator[ArticleItem]:
        """A page not fetched: asked again next crawl if the cause may pass, else its feed entry is kept."""
        request = failure.request  # type: ignore[attr-defined]
        kw = request.cb_kwargs
        source, entry = kw["source"], kw["entry"]
        reason = failure_reason(failure)
        self._count("articles_failed", source.name)
        if failure.check(HttpError):
            self._count("http_failed", source.name)
        if is_transient(failure) and is_recent(entry, datetime.now(UTC)):
            # Not stored, so not known: the next crawl asks again while the item is still in the feed.
            self.logger.warning("article deferred [%s] %s: %s", source.name, request.url, reason)
            self._count("articles_deferred", source.name)
            return
        self.logger.warning("article failed [%s] %s: %s", source.name, request.url, reason)
        self._count("articles_fallback", source.name)
        yield fallback_item(source, kw["feed"], entry, kw["url"], f"page not fetched: {reason}")
