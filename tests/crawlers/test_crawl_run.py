"""End-to-end crawls in a child process against local sites: storage, re-crawl, faults, robots.txt."""

from __future__ import annotations

import gzip
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from crawlers.extract import extract_article
from crawlers.run import CrawlStats, run_crawl
from tests.crawlers.sites import (
    STORIES,
    Route,
    Site,
    bind,
    news_site,
    robots_route,
    rss_xml,
    serve,
    write_registry,
    xml_route,
)
from warehouse.db import open_reader

UA = "RadarTest/1.0 (+http://127.0.0.1/test)"
FAST = {"DOWNLOAD_DELAY": 0, "AUTOTHROTTLE_ENABLED": False, "RETRY_TIMES": 1, "DOWNLOAD_TIMEOUT": 10}


@dataclass
class World:
    """The sites, the registry, and the results of two crawls into one warehouse."""

    good: Site
    broken: Site
    malformed: Site
    shy: Site
    closed: Site
    db: Path
    first: CrawlStats
    second: CrawlStats
    hits_after_first: dict[str, int]


def _good_routes() -> dict[str, Route]:
    routes = news_site(STORIES[:3])
    # The first story also appears in a section feed, next to an item whose page is gone.
    s0 = STORIES[0]
    routes["/rss/thoi-su.rss"] = xml_route(
        rss_xml(
            "Thời sự",
            [
                (s0.title, "{base}" + f"/thoi-su/{s0.slug}.html?utm_source=rss", s0.lead, s0.published),
                (
                    STORIES[3].title,
                    "{base}/thoi-su/bai-da-go-1099.html",
                    STORIES[3].lead,
                    STORIES[3].published,
                ),
            ],
        )
    )
    # The main feed carries validators and answers 304 when asked with them.
    feed = routes["/rss/tin-moi-nhat.rss"]
    feed.headers.update({"ETag": '"v1"', "Last-Modified": "Thu, 05 Mar 2026 04:00:00 GMT"})
    feed.dynamic = lambda h: Route(b"", 304, {"ETag": '"v1"'}) if h.get("if-none-match") == '"v1"' else None
    return routes


def _after_first(answer: Route) -> Callable[[dict[str, str]], Route | None]:
    """The route's own answer the first time, `answer` every time after."""
    hits: list[int] = []

    def respond(headers: dict[str, str]) -> Route | None:
        hits.append(1)
        return answer if len(hits) > 1 else None

    return respond


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    """Five sites, each failing in its own way, crawled twice."""
    tmp = tmp_path_factory.mktemp("crawl")
    shy_routes = news_site(STORIES[:2])
    # Rules written for our crawler by name, not for every agent, are the ones that apply to it.
    shy_routes["/robots.txt"] = robots_route("/thoi-su/", agent="RadarTest")
    # Its feed has validators, then breaks: the second crawl must report it failed, not replay the copy.
    shy_feed = shy_routes["/rss/tin-moi-nhat.rss"]
    shy_feed.headers["ETag"] = '"s1"'
    shy_feed.dynamic = _after_first(Route(b"down", 503))
    closed_routes = news_site(STORIES[2:3])
    closed_routes["/robots.txt"] = robots_route("/rss/")
    broken = {"/robots.txt": robots_route(), "/rss/tin-moi-nhat.rss": Route(b"oops", 500)}
    malformed = {
        "/robots.txt": robots_route(),
        "/rss/tin-moi-nhat.rss": Route(
            b'<?xml version="1.0"?><rss version="2.0"><channel><item><title>Tin c',
            200,
            {"Content-Type": "application/rss+xml"},
        ),
    }
    with (
        serve(_good_routes()) as good,
        serve(broken) as bad,
        serve(malformed) as mal,
        serve(shy_routes) as shy,
        serve(closed_routes) as closed,
    ):
        for site in (good, bad, mal, shy, closed):
            bind(site)
        registry = write_registry(
            tmp / "sources.toml",
            [
                {
                    "name": "good",
                    "url": good.base,
                    "feeds": [good.url("/rss/tin-moi-nhat.rss"), good.url("/rss/thoi-su.rss")],
                },
                {"name": "broken", "url": bad.base, "feeds": [bad.url("/rss/tin-moi-nhat.rss")]},
                {"name": "malformed", "url": mal.base, "feeds": [mal.url("/rss/tin-moi-nhat.rss")]},
                {"name": "shy", "url": shy.base, "feeds": [shy.url("/rss/tin-moi-nhat.rss")]},
                {"name": "closed", "url": closed.base, "feeds": [closed.url("/rss/tin-moi-nhat.rss")]},
            ],
        )
        db = tmp / "radar.duckdb"
        first = run_crawl(db, None, registry_path=registry, user_agent=UA, overrides=FAST, time_limit_s=120)
        hits = {p: good.count(p) for p in good.routes}
        second = run_crawl(db, None, registry_path=registry, user_agent=UA, overrides=FAST, time_limit_s=120)
        yield World(good, bad, mal, shy, closed, db, first, second, hits)


def _documents(db: Path, source: str) -> list[dict[str, object]]:
    with open_reader(db) as con:
        cur = con.execute(
            "SELECT url, title, text, published_at, extra FROM documents WHERE source = ? ORDER BY url",
            [source],
        )
        names = [d[0] for d in cur.description]
        return [dict(zip(names, row, strict=True)) for row in cur.fetchall()]


def test_articles_are_stored_with_title_text_and_time(world: World) -> None:
    docs = {d["title"]: d for d in _documents(world.db, "good")}
    for story in STORIES[:3]:
        doc = docs[story.title]
        assert story.text_start in str(doc["text"])
        assert doc["published_at"] == story.published
        extra = json.loads(str(doc["extra"]))
        assert extra["feed_url"].endswith("/rss/tin-moi-nhat.rss") or extra["feed_url"].endswith("/thoi-su.rss")
        assert extra["canonical_url"].endswith(f"/thoi-su/{story.slug}.html")
        assert "fallback" not in extra


def test_missing_page_falls_back_to_feed_entry(world: World) -> None:
    gone = STORIES[3]
    docs = {d["title"]: d for d in _documents(world.db, "good")}
    doc = docs[gone.title]
    assert doc["text"] == gone.lead
    assert doc["published_at"] == gone.published
    assert "HTTP 404" in json.loads(str(doc["extra"]))["fallback"]


def test_same_story_in_two_feeds_is_fetched_and_stored_once(world: World) -> None:
    path = f"/thoi-su/{STORIES[0].slug}.html"
    assert world.hits_after_first[path] == 1
    assert len(_documents(world.db, "good")) == 4


def test_failing_sources_do_not_stop_the_others(world: World) -> None:
    stats = world.first
    assert stats.per_source["broken"]["feeds_failed"] == 1
    assert stats.per_source["malformed"]["feeds_malformed"] == 1
    assert stats.new == 4 + 2  # good: 3 pages + 1 fallback; shy: 2 feed-only entries
    assert stats.failed >= 3  # the 500 feed, the malformed feed, the 404 page, the robots-blocked pages
    assert _documents(world.db, "broken") == [] and _documents(world.db, "malformed") == []


def test_robots_txt_is_obeyed(world: World) -> None:
    assert not [h for h in world.shy.hits if h.startswith("/thoi-su/")]
    assert world.closed.count("/rss/tin-moi-nhat.rss") == 0
    assert _documents(world.db, "closed") == []
    shy = _documents(world.db, "shy")
    assert {d["title"] for d in shy} == {s.title for s in STORIES[:2]}
    assert all("fallback" in json.loads(str(d["extra"])) for d in shy)


def test_second_crawl_adds_nothing_and_fetches_no_page_again(world: World) -> None:
    assert world.second.new == 0
    assert world.second.items_known >= 4
    for story in STORIES[:3]:
        path = f"/thoi-su/{story.slug}.html"
        assert world.good.count(path) == world.hits_after_first[path] == 1
    assert world.good.count("/rss/tin-moi-nhat.rss") == 2


def test_unchanged_feed_costs_one_304(world: World) -> None:
    asked = [h for h in world.good.request_headers if h["path"] == "/rss/tin-moi-nhat.rss"]
    assert "if-none-match" not in asked[0]
    assert asked[1]["if-none-match"] == '"v1"'
    assert asked[1]["if-modified-since"] == "Thu, 05 Mar 2026 04:00:00 GMT"
    assert world.first.feeds_unchanged == 0
    # Only the main feed has validators; the section feed without them is fetched in full again.
    assert world.second.feeds_unchanged == 1 and world.second.per_source["good"]["feeds_ok"] == 2
    assert (world.db.parent / "crawl-cache").is_dir()


def test_a_feed_that_breaks_is_reported_not_replayed_from_the_cache(world: World) -> None:
    shy = world.second.per_source["shy"]
    assert shy.get("feeds_failed") == 1 and "feeds_unchanged" not in shy and "feeds_ok" not in shy


def test_user_agent_and_sources_table(world: World) -> None:
    agents = {h.get("user-agent") for h in world.good.request_headers}
    assert agents == {UA}
    with open_reader(world.db) as con:
        configs = {r[0]: json.loads(r[1]) for r in con.execute("SELECT name, config FROM sources").fetchall()}
    assert set(configs) == {"good", "broken", "malformed", "shy", "closed"}
    # The last crawl's counts per source, for operators (the second crawl: nothing new, one 304).
    assert configs["broken"]["last_crawl"]["feeds_failed"] == 1
    assert configs["malformed"]["last_crawl"]["feeds_malformed"] == 1
    assert configs["good"]["last_crawl"]["feeds_unchanged"] == 1
    assert configs["good"]["feeds"][0]["category"] == "Tin mới"


def test_raw_pages_are_kept_compressed_and_can_be_extracted_again(world: World) -> None:
    with open_reader(world.db) as con:
        rows = con.execute(
            "SELECT r.url, r.http_status, r.content_type, r.body_bytes, r.body_gzip, d.text "
            "FROM raw_pages r JOIN documents d ON d.id = r.document_id"
        ).fetchall()
    assert len(rows) == 3 and world.first.raw_pages == 3  # the three pages fetched and extracted
    for url, status, ctype, size, body_gzip, text in rows:
        body = gzip.decompress(body_gzip)
        assert status == 200 and ctype.startswith("text/html") and size == len(body) > len(body_gzip)
        assert body == world.good.routes[url.removeprefix(world.good.base).split("?")[0]].body
        again = extract_article(body, url)
        assert again is not None and again.text == text


def test_every_crawl_writes_one_ledger_row_per_source(world: World) -> None:
    with open_reader(world.db) as con:
        cur = con.execute(
            "SELECT source, run_at, ok, requests, feeds_ok, items_fetched, items_new, errors, http_failures "
            "FROM source_health ORDER BY source, run_at"
        )
        names = [d[0] for d in cur.description]
        rows = [dict(zip(names, r, strict=True)) for r in cur.fetchall()]
    by_source: dict[str, list[dict[str, object]]] = {}
    for row in rows:
        by_source.setdefault(str(row["source"]), []).append(row)
    assert {s: len(r) for s, r in by_source.items()} == {s: 2 for s in ("good", "broken", "malformed", "shy", "closed")}
    good_first, good_second = by_source["good"]
    # Two feeds, four pages asked for (one 404 kept from its feed entry), four new documents.
    assert (good_first["ok"], good_first["feeds_ok"], good_first["items_new"], good_first["items_fetched"]) == (
        True, 2, 4, 4)
    assert good_first["requests"] == 2 + 4 and good_first["errors"] == 1 and good_first["http_failures"] == 1
    assert (good_second["items_new"], good_second["items_fetched"], good_second["errors"]) == (0, 0, 0)
    broken = by_source["broken"][0]
    assert (broken["ok"], broken["errors"], broken["http_failures"], broken["items_new"]) == (False, 1, 1, 0)
    assert by_source["malformed"][0]["ok"] is False and by_source["malformed"][0]["http_failures"] == 0
    # shy: its feed read, its pages refused by robots.txt (not HTTP failures), then a 503 feed.
    shy_first, shy_second = by_source["shy"]
    assert (shy_first["ok"], shy_first["items_new"], shy_first["http_failures"]) == (True, 2, 0)
    assert (shy_second["ok"], shy_second["http_failures"]) == (False, 1)
