"""Downloader middleware: on 429 / 503 with Retry-After, wait as the server asks, then retry once more."""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime

from scrapy.crawler import Crawler
from scrapy.downloadermiddlewares.retry import get_retry_request
from scrapy.exceptions import NotConfigured
from scrapy.http import Request, Response
from scrapy.utils.defer import maybe_deferred_to_future
from twisted.internet import task

LOGGER = logging.getLogger(__name__)
STATUSES = (429, 503)


def retry_after_seconds(value: bytes | str | None, now: datetime | None = None) -> float | None:
    """Seconds to wait from a Retry-After header (delta-seconds or HTTP-date); None when absent or bad."""
    if not value:
        return None
    text = value.decode("latin-1") if isinstance(value, bytes) else value
    text = text.strip()
    if text.isdigit():
        return float(text)
    try:
        when = parsedate_to_datetime(text)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - (now or datetime.now(UTC))).total_seconds())


class RetryAfterMiddleware:
    """Honour Retry-After: wait (up to RADAR_RETRY_AFTER_MAX seconds) and retry; beyond that, give up.

    Runs before Scrapy's RetryMiddleware, which would otherwise retry at once and hammer a
    server that asked for a pause; answers without the header are left to it.
    """

    def __init__(self, crawler: Crawler, max_wait: float) -> None:
        self.crawler = crawler
        self.max_wait = max_wait

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> RetryAfterMiddleware:
        """Off when retries are off."""
        if not crawler.settings.getbool("RETRY_ENABLED"):
            raise NotConfigured("retries are disabled")
        return cls(crawler, crawler.settings.getfloat("RADAR_RETRY_AFTER_MAX", 120.0))

    async def process_response(self, request: Request, response: Response) -> Request | Response:
        """Wait and retry a 429 / 503 that carries Retry-After."""
        if response.status not in STATUSES or request.meta.get("dont_retry"):
            return response
        wait = retry_after_seconds(response.headers.get(b"Retry-After"))
        if wait is None:
            return response
        if wait > self.max_wait:
            LOGGER.warning("%s asks to wait %.0fs (over %.0fs): giving up", request.url, wait, self.max_wait)
            request.meta["dont_retry"] = True
            return response
        assert self.crawler.spider is not None
        retry = get_retry_request(
            request,
            spider=self.crawler.spider,
            reason=f"HTTP {response.status} with Retry-After {wait:.0f}s",
            max_retry_times=request.meta.get("max_retry_times", self.crawler.settings.getint("RETRY_TIMES")),
        )
        if retry is None:
            request.meta["dont_retry"] = True
            return response
        # Imported here: importing the reactor installs one, and Scrapy must choose it first.
        from twisted.internet import reactor

        await maybe_deferred_to_future(task.deferLater(reactor, wait, lambda: None))  # type: ignore[arg-type]
        return retry
