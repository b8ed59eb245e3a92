"""Scrapy settings of a crawl: politeness first, then the warehouse pipeline."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from crawlers.registry import Source

# Polite defaults: robots.txt, one or two requests at a time per site, adaptive delays, bounded pages.
POLITE: dict[str, Any] = {
    "ROBOTSTXT_OBEY": True,
    "AUTOTHROTTLE_ENABLED": True,
    "AUTOTHROTTLE_START_DELAY": 1.0,
    "AUTOTHROTTLE_MAX_DELAY": 30.0,
    "AUTOTHROTTLE_TARGET_CONCURRENCY": 1.5,
    "DOWNLOAD_DELAY": 0.5,
    "CONCURRENT_REQUESTS": 16,
    "CONCURRENT_REQUESTS_PER_DOMAIN": 2,
    "DOWNLOAD_TIMEOUT": 30,
    "DNS_TIMEOUT": 15,
    "RETRY_ENABLED": True,
    "RETRY_TIMES": 2,
    "REDIRECT_MAX_TIMES": 5,
    "DOWNLOAD_MAXSIZE": 10 * 1024 * 1024,
    "DOWNLOAD_WARNSIZE": 2 * 1024 * 1024,
    # Some state outlets set a session cookie on a redirect before they serve the feed.
    "COOKIES_ENABLED": True,
    "TELNETCONSOLE_ENABLED": False,
    "LOG_LEVEL": "WARNING",
}


def crawl_settings(
    *,
    db_path: Path | str,
    sources: Sequence[Source],
    user_agent: str,
    time_limit_s: float | None = None,
    batch_size: int = 200,
    cache_dir: Path | str | None = None,
    overrides: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """All settings of one crawl run; `overrides` win (tests use them to drop the delays)."""
    settings = dict(POLITE)
    settings.update(
        {
            "USER_AGENT": user_agent,
            "ROBOTSTXT_USER_AGENT": user_agent,
            "ITEM_PIPELINES": {"crawlers.pipelines.WarehousePipeline": 300},
            "RADAR_DB": str(db_path),
            "RADAR_SOURCES": list(sources),
            "RADAR_BATCH_SIZE": batch_size,
            "CLOSESPIDER_TIMEOUT": float(time_limit_s) if time_limit_s else 0,
            # Feeds are revalidated with If-None-Match / If-Modified-Since; the copies live next to the db.
            "HTTPCACHE_ENABLED": True,
            "HTTPCACHE_POLICY": "crawlers.httpcache.FeedCachePolicy",
            "HTTPCACHE_STORAGE": "scrapy.extensions.httpcache.FilesystemCacheStorage",
            "HTTPCACHE_DIR": str(Path(cache_dir or Path(db_path).parent / "crawl-cache").resolve()),
            "HTTPCACHE_GZIP": True,
            # Sees 429 / 503 before RetryMiddleware (550), to wait as long as the server asks.
            "DOWNLOADER_MIDDLEWARES": {
                "crawlers.retry_after.RetryAfterMiddleware": 560,
                # robots.txt as Scrapy reads it, plus Crawl-delay.
                "scrapy.downloadermiddlewares.robotstxt.RobotsTxtMiddleware": None,
                "crawlers.robots.PoliteRobotsTxtMiddleware": 100,
                "scrapy.downloadermiddlewares.httpcache.HttpCacheMiddleware": None,
                "crawlers.httpcache.FeedCacheMiddleware": 900,
            },
        }
    )
    settings.update(overrides or {})
    return settings
