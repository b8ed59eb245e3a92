"""Crawls against misbehaving or careful servers: conditional GET, slow pages, time limits."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from crawlers.retry_after import retry_after_seconds
from crawlers.run import CrawlStats, run_crawl
from tests.crawlers.sites import (
    STORIES,
    Route,
    Site,
    bind,
    html_route,
    news_site,
    rss_xml,
    serve,
    write_registry,
    xml_route,
)
from warehouse.db import open_reader

FAST = {"DOWNLOAD_DELAY": 0, "AUTOTHROTTLE_ENABLED": False, "RETRY_TIMES": 1, "DOWNLOAD_TIMEOUT": 10}
FEED = "/rss/tin-moi-nhat.rss"


def _registry(tmp_path: Path, site: Site) -> Path:
    return write_registry(tmp_path / "sources.toml", [{"name": "bao", "url": site.base, "feeds": [site.url(FEED)]}])


def test_time_limit_stops_the_crawl(tmp_path: Path) -> None:
    routes = news_site(STORIES)
    for path, route in routes.items():
        if path.startswith("/thoi-su/"):
            route.delay = 2.5
    with serve(routes) as site:
        bind(site)
        stats = run_crawl(
            tmp_path / "radar.duckdb",
            None,
            registry_path=_registry(tmp_path, site),
            time_limit_s=1.0,
            overrides={**FAST, "CONCURRENT_REQUESTS": 1},
        )
    pages = [h for h in site.hits if h.startswith("/thoi-su/")]
    assert stats.finish_reason == "closespider_timeout"
    assert len(pages) < len(STORIES)
    # What was in flight when the clock ran out is still stored.
    assert stats.new == len(pages)
    assert stats.elapsed_s < 20


@dataclass
class Faulty:
    """A site whose pages misbehave, each in its own way, and what one crawl made of it."""

    site: Site
    docs: dict[str, dict[str, object]]
    stats: CrawlStats


def _once_then(first: Route) -> Callable[[dict[str, str]], Route | None]:
    """Answer `first` on the first hit, the route's own answer afterwards."""
    hits: list[int] = []

    def answer(headers: dict[str, str]) -> Route | None:
        hits.append(1)
        return first if len(hits) == 1 else None

    return answer


@pytest.fixture(scope="module")
def faulty(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Faulty]:
    """One feed, one story per fault: slow, truncated, redirect loop, wrong charset, Retry-After, gone."""
    tmp = tmp_path_factory.mktemp("faults")
    routes = news_site(STORIES)
    page = {s.slug: f"/thoi-su/{s.slug}.html" for s in STORIES}
    slow, truncated, charset, busy = (routes[page[s.slug]] for s in STORIES)
    slow.delay = 2.5
    truncated.headers["Content-Length"] = str(len(truncated.body) + 5000)
    charset.headers["Content-Type"] = "text/html; charset=iso-8859-1"
    busy.dynamic = _once_then(Route(b"busy", 503, {"Retry-After": "1"}))
    extra = [
        ("Bài chuyển hướng vòng tròn", "{base}/vong-lap", "Tóm tắt vòng lặp", STORIES[0].published),
        ("Bài bảo trì dài hạn", "{base}/bao-tri", "Tóm tắt bảo trì", STORIES[0].published),
        ("Bài quá dài", "{base}/qua-dai-5047999.html", "Tóm tắt dài", datetime.now(UTC) - timedelta(minutes=5)),
    ]
    items = [(s.title, "{base}" + page[s.slug], s.lead, s.published) for s in STORIES] + extra
    routes["/rss/tin-moi-nhat.rss"] = Route(
        rss_xml("Tin", items).encode(), 301, {"Location": "/rss/tin-moi-nhat-moi.rss"}
    )
    routes["/rss/tin-moi-nhat-moi.rss"] = xml_route(rss_xml("Tin", items))
    routes["/vong-lap"] = Route(b"", 302, {"Location": "/vong-lap"})
    routes["/bao-tri"] = Route(b"maintenance", 503, {"Retry-After": "3600"})
    routes["/qua-dai-5047999.html"] = html_route("<html><body>" + "<p>Rất dài.</p>" * 20_000 + "</body></html>")
    overrides = {**FAST, "DOWNLOAD_TIMEOUT": 1, "RETRY_TIMES": 1, "REDIRECT_MAX_TIMES": 3, "DOWNLOAD_MAXSIZE": 100_000}
    with serve(routes) as site:
        bind(site)
        db = tmp / "radar.duckdb"
        stats = run_crawl(db, None, registry_path=_registry(tmp, site), overrides=overrides, time_limit_s=60)
        with open_reader(db) as con:
            rows = con.execute("SELECT title, text, extra FROM documents").fetchall()
        docs = {r[0]: {"text": r[1], "extra": json.loads(r[2])} for r in rows}
        yield Faulty(site, docs, stats)


def test_a_redirected_feed_is_followed(faulty: Faulty) -> None:
    assert faulty.site.count("/rss/tin-moi-nhat-moi.rss") == 1
    assert faulty.stats.feeds_ok == 1 and len(faulty.docs) == len(STORIES) + 3


def test_a_page_over_the_size_limit_is_dropped_at_once_for_good(faulty: Faulty) -> None:
    # Fresh, yet not left for the next crawl: the page will not get smaller.
    assert faulty.site.count("/qua-dai-5047999.html") == 1
    assert "DownloadCancelledError" in faulty.docs["Bài quá dài"]["extra"]["fallback"]  # type: ignore[index]


def test_slow_and_truncated_pages_fall_back_to_the_feed(faulty: Faulty) -> None:
    for story, reason in ((STORIES[0], "TimeoutError"), (STORIES[1], "")):
        doc = faulty.docs[story.title]
        assert doc["text"] == story.lead
        assert reason in str(doc["extra"]["fallback"])  # type: ignore[index]
        assert faulty.site.count(f"/thoi-su/{story.slug}.html") == 2  # tried, retried once, let go


def test_wrong_charset_header_does_not_garble_the_page(faulty: Faulty) -> None:
    doc = faulty.docs[STORIES[2].title]
    assert STORIES[2].paragraphs[0][:50] in str(doc["text"]) and "fallback" not in doc["extra"]  # type: ignore[operator]


def test_retry_after_is_waited_for(faulty: Faulty) -> None:
    story = STORIES[3]
    times = faulty.site.hit_times[f"/thoi-su/{story.slug}.html"]
    assert len(times) == 2 and times[1] - times[0] >= 0.9
    assert "fallback" not in faulty.docs[story.title]["extra"]  # type: ignore[operator]


def test_too_long_retry_after_and_redirect_loops_give_up_at_once(faulty: Faulty) -> None:
    assert faulty.site.count("/bao-tri") == 1
    assert "HTTP 503" in faulty.docs["Bài bảo trì dài hạn"]["extra"]["fallback"]  # type: ignore[index]
    assert faulty.site.count("/vong-lap") == 4  # the first request and three redirects
    assert faulty.docs["Bài chuyển hướng vòng tròn"]["text"] == "Tóm tắt vòng lặp"


def test_retry_after_header_values() -> None:
    now = datetime(2026, 3, 5, 4, 0, tzinfo=UTC)
    assert retry_after_seconds(b"120", now) == 120.0
    assert retry_after_seconds("Thu, 05 Mar 2026 04:01:30 GMT", now) == 90.0
    assert retry_after_seconds("Thu, 05 Mar 2026 03:00:00 GMT", now) == 0.0
    assert retry_after_seconds(b"soon", now) is None and retry_after_seconds(None, now) is None


def test_a_fresh_page_that_timed_out_is_fetched_again_next_time(tmp_path: Path) -> None:
    fresh = replace(STORIES[1], published=datetime.now(UTC).replace(microsecond=0) - timedelta(minutes=5))
    routes = news_site((fresh,))
    page = routes[f"/thoi-su/{fresh.slug}.html"]
    page.delay = 2.0
    with serve(routes) as site:
        bind(site)
        registry, db = _registry(tmp_path, site), tmp_path / "radar.duckdb"
        overrides = {**FAST, "DOWNLOAD_TIMEOUT": 1, "RETRY_TIMES": 0}
        first = run_crawl(db, None, registry_path=registry, overrides=overrides)
        page.delay = 0.0
        second = run_crawl(db, None, registry_path=registry, overrides=overrides)
    assert first.new == 0 and first.articles_deferred == 1 and first.failed == 1
    assert second.new == 1 and second.articles_extracted == 1 and second.failed == 0
    with open_reader(db) as con:
        (text,) = con.execute("SELECT text FROM documents").fetchone()  # type: ignore[misc]
    assert fresh.paragraphs[0][:50] in text


def test_ctrl_c_stores_what_was_crawled(tmp_path: Path) -> None:
    routes = news_site(STORIES)
    for path, route in routes.items():
        if path.startswith("/thoi-su/"):
            route.delay = 1.0
    with serve(routes) as site:
        bind(site)
        registry, db = _registry(tmp_path, site), tmp_path / "radar.duckdb"
        script = (
            "import sys; from crawlers.run import run_crawl; "
            f"run_crawl({str(db)!r}, None, registry_path={str(registry)!r}, "
            f"overrides={{**{FAST!r}, 'CONCURRENT_REQUESTS': 1}})"
        )
        # Its own process group, like a terminal: Ctrl-C reaches the parent and the crawl child alike.
        proc = subprocess.Popen([sys.executable, "-c", script], start_new_session=True, stderr=subprocess.PIPE)
        deadline = time.monotonic() + 60
        while not any(h.startswith("/thoi-su/") for h in site.hits) and time.monotonic() < deadline:
            time.sleep(0.1)
        os.killpg(proc.pid, signal.SIGINT)
        _, err = proc.communicate(timeout=60)
    pages = [h for h in site.hits if h.startswith("/thoi-su/")]
    assert proc.returncode != 0 and b"KeyboardInterrupt" in err
    assert 1 <= len(pages) < len(STORIES)
    with open_reader(db) as con:
        assert con.execute("SELECT count(*) FROM documents").fetchone() == (len(pages),)
