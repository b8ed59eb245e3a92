"""The feed spider's callbacks, driven with real Scrapy responses built from pages we wrote."""

from __future__ import annotations

import asyncio
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import scrapy
from scrapy.exceptions import DownloadCancelledError, IgnoreRequest
from scrapy.http import HtmlResponse, Request, TextResponse
from scrapy.spidermiddlewares.httperror import HttpError
from scrapy.utils.test import get_crawler
from twisted.python.failure import Failure

from crawlers.feeds import FeedEntry
from crawlers.items import ArticleItem
from crawlers.registry import Feed, Source
from crawlers.spiders.feeds import FeedSpider, failure_reason, is_recent, is_transient
from crawlers.urls import canonicalize
from tests.crawlers.sites import STORIES, article_html, rss_xml
from warehouse.records import document_id

BASE = "https://bao.example.vn"
FEED = Feed(f"{BASE}/rss/tin-moi-nhat.rss", "Tin mới nhất")
SOURCE = Source("bao", "Báo", "commercial-press", "rss", BASE, feeds=(FEED,))


def _spider(**kwargs: Any) -> FeedSpider:
    crawler = get_crawler(FeedSpider)
    spider = FeedSpider.from_crawler(crawler, sources=[SOURCE], **kwargs)
    crawler.spider = spider
    return spider


def _stat(spider: FeedSpider, key: str) -> int:
    assert spider.crawler.stats is not None
    return int(spider.crawler.stats.get_value(f"radar/{key}", 0))


def _link(i: int) -> str:
    return f"{BASE}/thoi-su/{STORIES[i].slug}.html"


def _feed_response(body: bytes) -> TextResponse:
    return TextResponse(FEED.url, body=body, headers={"Content-Type": "application/rss+xml"})


def _entry(i: int) -> FeedEntry:
    s = STORIES[i]
    return FeedEntry(link=_link(i), title=s.title, summary=s.lead, published_at=s.published)


def test_start_requests_every_feed_sitemap_and_listing_page() -> None:
    listing = Source("bao-x", "Báo X", "provincial-press", "listing", "https://x.example.vn", feeds=(FEED,))
    sitemap = Source("bao-s", "Báo S", "provincial-press", "sitemap", BASE, feeds=(Feed(BASE + "/sitemap.xml"),))
    two = Source("bao-2", "Báo 2", "commercial-press", "rss", BASE, feeds=(FEED, Feed(f"{BASE}/rss/b.rss")))
    spider = FeedSpider.from_crawler(get_crawler(FeedSpider), sources=[SOURCE, listing, sitemap, two])

    async def collect() -> list[Any]:
        return [r async for r in spider.start()]

    requests = asyncio.run(collect())
    urls = [FEED.url, FEED.url, f"{BASE}/sitemap.xml", FEED.url, f"{BASE}/rss/b.rss"]
    assert [r.url for r in requests] == urls
    callbacks = [spider.parse_feed, spider.parse_listing, spider.parse_sitemap, spider.parse_feed, spider.parse_feed]
    assert [r.callback for r in requests] == callbacks
    assert all(r.meta["radar_role"] == "feed" for r in requests)


def test_feed_yields_new_items_newest_first_up_to_the_limit() -> None:
    known = document_id(canonicalize(_link(3)))
    spider = _spider(max_items_per_feed=3, known_ids=[known])
    items = [(s.title, _link(i), s.lead, s.published) for i, s in enumerate(STORIES)]
    requests = list(spider.parse_feed(_feed_response(rss_xml("T", items).encode()), SOURCE, FEED))
    # Newest three are stories 3, 2, 1; story 3 is already stored.
    assert [r.url for r in requests] == [_link(2), _link(1)]
    assert requests[0].cb_kwargs["entry"].title == STORIES[2].title
    assert _stat(spider, "items_known") == 1 and _stat(spider, "items_new") == 2
    # The same feed again (or another feed with the same items) asks for nothing new.
    assert list(spider.parse_feed(_feed_response(rss_xml("T", items).encode()), SOURCE, FEED)) == []


def test_malformed_feed_is_counted_and_skipped() -> None:
    spider = _spider()
    assert list(spider.parse_feed(_feed_response(b"<rss><channel><item><title>x"), SOURCE, FEED)) == []
    assert _stat(spider, "feeds_malformed") == 1 and _stat(spider, "feeds_ok") == 0


def test_article_page_is_extracted() -> None:
    story = STORIES[1]
    html = article_html(story, _link(1)).encode("utf-8")
    response = HtmlResponse(_link(1), body=html, headers={"Content-Type": "text/html; charset=utf-8"})
    spider = _spider()
    (item,) = spider.parse_article(response, SOURCE, FEED, _entry(1), canonicalize(_link(1)))
    assert isinstance(item, ArticleItem)
    assert item.title == story.title and not item.fallback
    assert story.paragraphs[1][:50] in item.text
    assert item.published_at == story.published
    assert item.source == "bao" and item.category == "Tin mới nhất" and item.canonical_url == _link(1)
    assert _stat(spider, "articles_extracted") == 1


def test_page_in_a_wrong_charset_header_is_still_read() -> None:
    story = STORIES[0]
    html = article_html(story, _link(0)).encode("utf-8")
    response = HtmlResponse(_link(0), body=html, headers={"Content-Type": "text/html; charset=iso-8859-1"})
    (item,) = _spider().parse_article(response, SOURCE, FEED, _entry(0), canonicalize(_link(0)))
    assert item.title == story.title and not item.fallback


def test_non_article_pages_fall_back_to_the_feed_entry() -> None:
    spider = _spider()
    pdf = Request(_link(2))
    pdf_response = TextResponse(_link(2), body=b"%PDF-1.4", headers={"Content-Type": "application/pdf"}, request=pdf)
    (item,) = spider.parse_article(pdf_response, SOURCE, FEED, _entry(2), _link(2))
    assert item.fallback.startswith("not an HTML page") and item.text == STORIES[2].lead
    empty = HtmlResponse(_link(2), body=b"<html><body><p>Trang</p></body></html>")
    (item,) = spider.parse_article(empty, SOURCE, FEED, _entry(2), _link(2))
    assert item.fallback == "extraction found no article" and item.title == STORIES[2].title
    assert _stat(spider, "articles_fallback") == 2


def test_an_extractor_crash_keeps_the_feed_entry(monkeypatch: pytest.MonkeyPatch) -> None:
    def crash(*args: object, **kwargs: object) -> None:
        raise KeyError("unexpected markup")

    monkeypatch.setattr("crawlers.spiders.feeds.extract_article", crash)
    response = HtmlResponse(_link(1), body=article_html(STORIES[1], _link(1)).encode("utf-8"))
    (item,) = _spider().parse_article(response, SOURCE, FEED, _entry(1), _link(1))
    assert item.fallback == "extraction error: KeyError: 'unexpected markup'" and item.title == STORIES[1].title


def test_failed_article_request_keeps_the_feed_entry() -> None:
    spider = _spider()
    request = scrapy.Request(_link(0), cb_kwargs={"source": SOURCE, "feed": FEED, "entry": _entry(0), "url": _link(0)})
    failure = Failure(HttpError(TextResponse(_link(0), status=503, request=request)))
    failure.request = request  # type: ignore[attr-defined]
    (item,) = spider.article_failed(failure)
    assert item.fallback == "page not fetched: HTTP 503" and item.published_at == STORIES[0].published
    assert _stat(spider, "articles_failed") == 1


def test_a_recent_entry_whose_page_timed_out_waits_for_the_next_crawl() -> None:
    spider = _spider()
    fresh = replace(_entry(0), published_at=datetime.now(UTC) - timedelta(hours=1))
    request = scrapy.Request(_link(0), cb_kwargs={"source": SOURCE, "feed": FEED, "entry": fresh, "url": _link(0)})
    failure = Failure(TimeoutError("took longer than 30 seconds"))
    failure.request = request  # type: ignore[attr-defined]
    assert list(spider.article_failed(failure)) == []
    assert _stat(spider, "articles_deferred") == 1 and _stat(spider, "articles_failed") == 1


@pytest.mark.parametrize(
    ("error", "transient"),
    [
        (TimeoutError("slow"), True),
        (ConnectionRefusedError(), True),
        (IgnoreRequest("Forbidden by robots.txt"), False),
        (DownloadCancelledError("larger than download max size"), False),
        (HttpError(TextResponse("https://x.vn", status=503)), True),
        (HttpError(TextResponse("https://x.vn", status=429)), True),
        (HttpError(TextResponse("https://x.vn", status=404)), False),
        (HttpError(TextResponse("https://x.vn", status=410)), False),
    ],
)
def test_transient_failures(error: Exception, transient: bool) -> None:
    assert is_transient(Failure(error)) is transient


def test_recent_entries() -> None:
    now = datetime(2026, 3, 5, 12, tzinfo=UTC)
    entry = _entry(0)
    assert is_recent(replace(entry, published_at=now - timedelta(hours=5)), now)
    assert not is_recent(replace(entry, published_at=now - timedelta(hours=7)), now)
    assert not is_recent(replace(entry, published_at=None), now)


def test_failure_reason_names_the_exception() -> None:
    assert failure_reason(Failure(TimeoutError("took too long"))) == "TimeoutError: took too long"
