"""The connectors' HTTP client: Retry-After, backoff, giving up with typed errors."""

from __future__ import annotations

import socket

import pytest

from crawlers.social.errors import RateLimited, Unreachable
from crawlers.social.http import Http, with_query
from tests.crawlers.sites import Route, serve
from tests.crawlers.social.conftest import Sleeps


def client(sleeps: Sleeps, **kwargs: float) -> Http:
    """A client that records its waits."""
    return Http(user_agent="radar-test", timeout=5, delay=0, sleep=sleeps, **kwargs)  # type: ignore[arg-type]


def sequence(*answers: Route) -> Route:
    """A route that gives these answers in turn, then 200 'ok'."""
    queue = list(answers)
    return Route(b"ok", 200, dynamic=lambda _: queue.pop(0) if queue else None)


def test_retry_after_seconds_and_backoff_without_it(sleeps: Sleeps) -> None:
    routes = {"/a": sequence(Route(b"", 429, {"Retry-After": "3"}), Route(b"", 503), Route(b"", 502))}
    with serve(routes) as site:
        answer = client(sleeps).get(site.url("/a"))
    assert answer.ok and answer.body == b"ok"
    assert sleeps == [3.0, 4.0, 8.0]  # asked wait, then backoff 2 s doubled per attempt


def test_too_long_a_wait_is_refused_at_once(sleeps: Sleeps) -> None:
    with serve({"/a": sequence(Route(b"", 429, {"Retry-After": "3600"}))}) as site, \
            pytest.raises(RateLimited, match="3600s"):
        client(sleeps, max_wait=60).get(site.url("/a"))
    assert sleeps == []


def test_endless_429_gives_up_after_the_retries(sleeps: Sleeps) -> None:
    with serve({"/a": Route(b"", 429, {"Retry-After": "1"})}) as site, pytest.raises(RateLimited, match="retries"):
        client(sleeps).get(site.url("/a"))
    assert site.count("/a") == 4


def test_client_errors_are_returned_for_the_connector_to_read(sleeps: Sleeps) -> None:
    with serve({"/a": Route(b'{"error": "private"}', 403)}) as site:
        answer = client(sleeps).get(site.url("/a"), {"q": "giá xăng", "none": None})
    assert answer.status == 403 and answer.json() == {"error": "private"}
    assert site.hits == ["/a?q=gi%C3%A1+x%C4%83ng"]


def test_dead_server_is_unreachable(sleeps: Sleeps) -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    with pytest.raises(Unreachable):
        client(sleeps).get(f"http://127.0.0.1:{port}/")
    assert sleeps == [2.0, 4.0, 8.0]


def test_with_query_appends() -> None:
    assert with_query("http://x/a?b=1", {"c": 2}) == "http://x/a?b=1&c=2"
    assert with_query("http://x/a", None) == "http://x/a"


def test_answer_cut_short_is_retried_then_unreachable(sleeps: Sleeps) -> None:
    cut = Route(b"short", 200, {"Content-Length": "1000"})
    with serve({"/a": cut}) as site, pytest.raises(Unreachable, match="did not answer"):
        client(sleeps).get(site.url("/a"))
    assert site.count("/a") == 4
