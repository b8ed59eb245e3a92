"""Crawls against misbehaving or careful servers: conditional GET, slow pages, time limits."""

from __future__ import annotations

from pathlib import Path

from crawlers.run import run_crawl
from tests.crawlers.sites import STORIES, Route, Site, bind, news_site, serve, write_registry

FAST = {"DOWNLOAD_DELAY": 0, "AUTOTHROTTLE_ENABLED": False, "RETRY_TIMES": 1, "DOWNLOAD_TIMEOUT": 10}
FEED = "/rss/tin-moi-nhat.rss"


def _registry(tmp_path: Path, site: Site) -> Path:
    return write_registry(
        tmp_path / "sources.toml", [{"name": "bao", "url": site.base, "feeds": [site.url(FEED)]}]
    )


def test_unchanged_feed_costs_one_304(tmp_path: Path) -> None:
    routes = news_site(STORIES[:2])
    feed = routes[FEED]
    feed.headers["ETag"] = '"v1"'
    feed.headers["Last-Modified"] = "Thu, 05 Mar 2026 04:00:00 GMT"
    feed.dynamic = lambda headers: (
        Route(b"", 304, {"ETag": '"v1"'}) if headers.get("if-none-match") == '"v1"' else None
    )
    with serve(routes) as site:
        bind(site)
        registry = _registry(tmp_path, site)
        db = tmp_path / "radar.duckdb"
        first = run_crawl(db, None, registry_path=registry, overrides=FAST)
        second = run_crawl(db, None, registry_path=registry, overrides=FAST)
    feed_requests = [h for h in site.request_headers if h["path"] == FEED]
    assert len(feed_requests) == 2
    assert "if-none-match" not in feed_requests[0]
    assert feed_requests[1]["if-none-match"] == '"v1"'
    assert feed_requests[1]["if-modified-since"] == "Thu, 05 Mar 2026 04:00:00 GMT"
    assert first.new == 2 and first.feeds_unchanged == 0
    assert second.new == 0 and second.feeds_unchanged == 1 and second.failed == 0
    assert (tmp_path / "crawl-cache").is_dir()


def test_time_limit_stops_the_crawl(tmp_path: Path) -> None:
    routes = news_site(STORIES)
    for path, route in routes.items():
        if path.startswith("/thoi-su/"):
            route.delay = 4.0
    with serve(routes) as site:
        bind(site)
        stats = run_crawl(
            tmp_path / "radar.duckdb",
            None,
            registry_path=_registry(tmp_path, site),
            time_limit_s=1.5,
            overrides={**FAST, "CONCURRENT_REQUESTS": 1},
        )
    pages = [h for h in site.hits if h.startswith("/thoi-su/")]
    assert stats.finish_reason == "closespider_timeout"
    assert len(pages) < len(STORIES)
    # What was in flight when the clock ran out is still stored.
    assert stats.new == len(pages)
    assert stats.elapsed_s < 20
