"""robots.txt with Crawl-delay: a site's stated delay becomes the least time between its requests."""

from __future__ import annotations

import logging

from scrapy import Spider
from scrapy.downloadermiddlewares.robotstxt import RobotsTxtMiddleware
from scrapy.http import Request

LOGGER = logging.getLogger(__name__)
MAX_CRAWL_DELAY = 60.0  # a larger stated delay is taken as this: it would stall the crawl of that site


class PoliteRobotsTxtMiddleware(RobotsTxtMiddleware):
    """Scrapy's robots.txt middleware, plus the Crawl-delay that Scrapy alone does not apply."""

    async def process_request(self, request: Request, spider: Spider | None = None) -> None:
        """Refuse what robots.txt forbids, then hold the request's site to its Crawl-delay."""
        await super().process_request(request)
        if request.meta.get("dont_obey_robotstxt") or not request.url.startswith(("http://", "https://")):
            return
        parser = await self.robot_parser(request)
        agent = self.crawler.settings.get("ROBOTSTXT_USER_AGENT") or self.crawler.settings.get("USER_AGENT")
        delay = parser.crawl_delay(agent) if parser is not None else None
        if delay:
            self._hold(request, min(float(delay), MAX_CRAWL_DELAY))

    def _hold(self, request: Request, delay: float) -> None:
        assert self.crawler.engine is not None
        downloader = self.crawler.engine.downloader
        key = downloader.get_slot_key(request)
        # Slots idle for a minute are dropped and re-created from these settings.
        slot_settings = downloader.per_slot_settings.setdefault(key, {})
        if slot_settings.get("delay") != delay:
            LOGGER.info("%s asks for %.1fs between requests (robots.txt Crawl-delay)", key, delay)
        slot_settings.update({"delay": delay, "randomize_delay": False})
        slot = downloader.slots.get(key)
        if slot is not None and slot.delay < delay:
            slot.delay = delay
            slot.randomize_delay = False
        # AutoThrottle would otherwise lower the delay again after fast answers.
        request.meta["autothrottle_dont_adjust_delay"] = True
