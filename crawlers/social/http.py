"""Plain HTTP for the connectors: one fetch function, politeness delay, 429 / Retry-After and backoff."""

from __future__ import annotations

import http.client
import json
import logging
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode, urlsplit

from crawlers.retry_after import retry_after_seconds
from crawlers.social.errors import RateLimited, Unreachable

LOGGER = logging.getLogger(__name__)
RETRY_STATUSES = (429, 500, 502, 503, 504)


@dataclass(frozen=True)
class Response:
    """One HTTP answer: final URL, status, lower-cased headers and body bytes."""

    url: str
    status: int
    headers: Mapping[str, str]
    body: bytes

    @property
    def ok(self) -> bool:
        """True for 2xx."""
        return 200 <= self.status < 300

    def text(self) -> str:
        """Body decoded as UTF-8 (what every platform here serves), bad bytes replaced."""
        return self.body.decode("utf-8", errors="replace")

    def json(self) -> Any:
        """Body parsed as JSON; None when it is not JSON."""
        try:
            return json.loads(self.body)
        except ValueError:
            return None


def fetch(url: str, headers: Mapping[str, str], timeout: float) -> Response:
    """GET one URL; HTTP error statuses are returned, network failures raise OSError or HTTPException."""
    request = urllib.request.Request(url, headers=dict(headers), method="GET")
    try:
        with urllib.request.urlopen(request, timeout=timeout) as answer:  # noqa: S310 - http(s) only, checked by caller
            return Response(answer.geturl(), answer.status, _lower(answer.headers.items()), answer.read())
    except urllib.error.HTTPError as exc:
        body = exc.read() if exc.fp else b""
        return Response(url, exc.code, _lower(exc.headers.items() if exc.headers else []), body)


def _lower(items: Any) -> dict[str, str]:
    return {str(k).lower(): str(v) for k, v in items}


def with_query(url: str, params: Mapping[str, Any] | None) -> str:
    """`url` with `params` appended as a query string (None values dropped)."""
    if not params:
        return url
    query = urlencode({k: v for k, v in params.items() if v is not None})
    return f"{url}{'&' if '?' in url else '?'}{query}"


@dataclass
class Http:
    """A polite client: a pause between requests to one host, Retry-After honoured, backoff on 5xx."""

    user_agent: str
    timeout: float = 20.0
    delay: float = 1.0
    max_wait: float = 120.0
    retries: int = 3
    backoff: float = 2.0
    sleep: Callable[[float], None] = time.sleep
    fetcher: Callable[[str, Mapping[str, str], float], Response] = fetch
    requests: int = 0
    _last: dict[str, float] = field(default_factory=dict)

    def get(self, url: str, params: Mapping[str, Any] | None = None,
            headers: Mapping[str, str] | None = None) -> Response:
        """GET with retries; returns the last answer (maybe 4xx) or raises RateLimited / Unreachable."""
        url = with_query(url, params)
        if urlsplit(url).scheme not in ("http", "https"):
            raise ValueError(f"not an http(s) URL: {url!r}")
        sent = {"User-Agent": self.user_agent, "Accept-Language": "vi,en;q=0.8", **(headers or {})}
        for attempt in range(self.retries + 1):
            self._pause(url)
            try:
                response = self.fetcher(url, sent, self.timeout)
            except (OSError, http.client.HTTPException) as exc:  # HTTPException: a connection cut mid-answer
                if attempt == self.retries:
                    raise Unreachable(f"{_host(url)} did not answer: {exc}") from None
                self.sleep(self.backoff * 2**attempt)
                continue
            finally:
                self.requests += 1
                self._last[_host(url)] = time.monotonic()
            if response.status not in RETRY_STATUSES:
                return response
            wait = retry_after_seconds(response.headers.get("retry-after")) or _reset_wait(response)
            if wait is not None and wait > self.max_wait:
                raise RateLimited(
                    f"{_host(url)} asks to wait {wait:.0f}s (HTTP {response.status}), more than the "
                    f"{self.max_wait:.0f}s allowed: try again later"
                )
            if attempt == self.retries:
                break
            pause = wait if wait is not None else self.backoff * 2**attempt
            LOGGER.info("HTTP %s from %s: waiting %.1fs", response.status, _host(url), pause)
            self.sleep(pause)
        if response.status == 429:
            raise RateLimited(f"{_host(url)} still rate-limits after {self.retries} retries: try again later")
        raise Unreachable(f"{_host(url)} answered HTTP {response.status} after {self.retries} retries")

    def _pause(self, url: str) -> None:
        last = self._last.get(_host(url))
        if last is not None and self.delay > 0:
            remaining = self.delay - (time.monotonic() - last)
            if remaining > 0:
                self.sleep(remaining)


def _host(url: str) -> str:
    return urlsplit(url).netloc


def _reset_wait(response: Response) -> float | None:
    # Reddit announces its window in x-ratelimit-reset (seconds) rather than Retry-After.
    value = response.headers.get("x-ratelimit-reset", "")
    try:
        return float(value) if response.status == 429 and value else None
    except ValueError:
        return None
