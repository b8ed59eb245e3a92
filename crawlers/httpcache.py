"""Conditional GET for feeds: Scrapy's RFC 2616 cache, limited to feed requests and never hiding a failure."""

from __future__ import annotations

from scrapy import Spider
from scrapy.downloadermiddlewares.httpcache import HttpCacheMiddleware
from scrapy.extensions.httpcache import RFC2616Policy, parse_cachecontrol
from scrapy.http import Request, Response


class FeedCachePolicy(RFC2616Policy):
    """Keep the last copy of each feed with its ETag / Last-Modified, so an unchanged feed costs one 304.

    Article pages are fetched once and never cached: they would only fill the disk.
    """

    def should_cache_request(self, request: Request) -> bool:
        """Only feed requests take part in caching and revalidation."""
        return request.meta.get("radar_role") == "feed" and super().should_cache_request(request)

    def is_cached_response_fresh(self, cachedresponse: Response, request: Request) -> bool:
        """Fresh only while the server's own max-age / Expires says so; otherwise revalidate.

        RFC 2616's heuristic (a tenth of the time since Last-Modified) would keep a feed whose
        server reports an old Last-Modified "fresh" for days, and a news monitor would go blind.
        """
        cc = parse_cachecontrol(cachedresponse.headers.get(b"Cache-Control") or b"")
        if b"max-age" in cc or b"Expires" in cachedresponse.headers:
            return super().is_cached_response_fresh(cachedresponse, request)
        for validator, condition in ((b"Last-Modified", b"If-Modified-Since"), (b"ETag", b"If-None-Match")):
            value = cachedresponse.headers.get(validator)
            if value:
                request.headers[condition] = value
        return False

    def is_cached_response_valid(self, cachedresponse: Response, response: Response, request: Request) -> bool:
        """Only a 304 validates the copy; a 5xx stays a failure the operator gets to see."""
        return response.status == 304


class FeedCacheMiddleware(HttpCacheMiddleware):
    """Scrapy's cache middleware without its error recovery, which answers a failed request with the old copy."""

    def process_exception(
        self, request: Request, exception: Exception, spider: Spider | None = None
    ) -> Request | Response | None:
        """Let the failure through (counted as a failed feed) instead of replaying the cached feed."""
        request.meta.pop("cached_response", None)
        return None
