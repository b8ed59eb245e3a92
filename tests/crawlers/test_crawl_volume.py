"""A thousand article pages from four local outlets: every page stored once, with its time, none lost."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path

import pytest

from crawlers.run import CrawlStats, run_crawl
from tests.crawlers.sites import Site, Story, bind, many_stories, press_site, serve, write_registry
from warehouse.db import open_reader

# About 60 s on a shared two-core machine: marked slow, still part of `make test`.
pytestmark = pytest.mark.slow
N_PAGES = 1000
N_SITES = 4
UA = "RadarTest/1.0 (+http://127.0.0.1/test)"
# The politeness delays are for real outlets; here the local server can take the full load.
FAST = {"DOWNLOAD_DELAY": 0, "AUTOTHROTTLE_ENABLED": False, "CONCURRENT_REQUESTS_PER_DOMAIN": 16, "RETRY_TIMES": 1}


@dataclass
class Volume:
    """The sites, their stories and both crawls."""

    sites: list[Site]
    stories: tuple[Story, ...]
    db: Path
    first: CrawlStats
    second: CrawlStats
    hits_after_first: Counter[str]


@pytest.fixture(scope="module")
def volume(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Volume]:
    tmp = tmp_path_factory.mktemp("volume")
    stories = many_stories(N_PAGES)
    share = N_PAGES // N_SITES
    with ExitStack() as stack:
        sites = [stack.enter_context(serve(press_site(stories[k * share : (k + 1) * share]))) for k in range(N_SITES)]
        for site in sites:
            bind(site)
        registry = write_registry(tmp / "sources.toml", [
            {"name": f"bao-{k}", "url": site.base, "feeds": [site.url(f"/rss/feed-{f}.rss") for f in range(3)]}
            for k, site in enumerate(sites)
        ])
        db = tmp / "radar.duckdb"
        kw = {"registry_path": registry, "user_agent": UA, "overrides": FAST, "max_items_per_feed": share}
        first = run_crawl(db, None, **kw)  # type: ignore[arg-type]
        hits = Counter(h for site in sites for h in site.hits)
        second = run_crawl(db, None, **kw)  # type: ignore[arg-type]
        yield Volume(sites, stories, db, first, second, hits)


def test_every_page_is_stored_once_with_its_time(volume: Volume) -> None:
    assert volume.first.new == N_PAGES and volume.first.failed == 0
    assert volume.first.articles_extracted == N_PAGES and volume.first.raw_pages == N_PAGES
    with open_reader(volume.db) as con:
        rows = con.execute("SELECT title, published_at, text FROM documents").fetchall()
        assert con.execute("SELECT count(*) FROM raw_pages").fetchone() == (N_PAGES,)
    assert len(rows) == N_PAGES
    expected = {s.title: s for s in volume.stories}
    assert {r[0] for r in rows} == set(expected)
    for title, published, text in rows:
        assert published == expected[title].published
        assert str(text).startswith(expected[title].lead)


def test_each_page_is_fetched_once_though_listed_in_two_feeds(volume: Volume) -> None:
    pages = {p: n for p, n in volume.hits_after_first.items() if p.startswith("/thoi-su/")}
    assert len(pages) == N_PAGES and set(pages.values()) == {1}
    assert volume.first.items_known == N_PAGES  # the second listing of each story, skipped


def test_a_second_crawl_adds_nothing(volume: Volume) -> None:
    assert volume.second.new == 0 and volume.second.duplicate == 0
    assert volume.second.items_known == 2 * N_PAGES
    pages_after = sum(site.count(p) for site in volume.sites for p in site.routes if p.startswith("/thoi-su/"))
    assert pages_after == N_PAGES
    with open_reader(volume.db) as con:
        assert con.execute("SELECT count(*), count(DISTINCT id) FROM documents").fetchone() == (N_PAGES, N_PAGES)
