"""A crawl of the real saved VnExpress feed and real 2026 article pages (../shared), served locally.

Nothing from ../shared is copied into the repository: the feed's links are rewritten in memory.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from crawlers.extract import extract_article
from crawlers.feeds import parse_feed
from crawlers.run import run_crawl
from tests.crawlers.sites import Route, serve, write_registry
from warehouse.db import open_reader

FAST = {"DOWNLOAD_DELAY": 0, "AUTOTHROTTLE_ENABLED": False, "RETRY_TIMES": 0}
FEED = "fixtures/feeds/vnexpress_tin-moi-nhat_2017-08-30.rss.xml"
PAGES = ("vnexpress_article", "tuoitre_article", "dantri_article", "baochinhphu_article")


@pytest.mark.shared
def test_real_feed_and_pages(shared_dir: Path, tmp_path: Path) -> None:
    feed = (shared_dir / FEED).read_bytes()
    links = sorted(set(re.findall(rb"https?://[a-z.]*vnexpress\.net/[^\s<\"]+\.html", feed)), key=len, reverse=True)
    routes: dict[str, Route] = {
        "/robots.txt": Route(b"User-agent: *\nDisallow:\n", 200, {"Content-Type": "text/plain"})
    }
    with serve(routes) as site:
        for i, link in enumerate(links):
            feed = feed.replace(link, site.url(f"/bai/{i}.html").encode())
        newest = parse_feed(feed, site.url("/rss/tin-moi-nhat.rss"), limit=len(PAGES)).entries
        pages = {}
        for entry, name in zip(newest, PAGES, strict=True):
            path = entry.link.removeprefix(site.base)
            body = (shared_dir / "fixtures/pages/2026" / f"{name}.html").read_bytes()
            routes[path] = Route(body, 200, {"Content-Type": "text/html; charset=utf-8"})
            pages[entry.link] = extract_article(body, entry.link)
        routes["/rss/tin-moi-nhat.rss"] = Route(feed, 200, {"Content-Type": "text/xml; charset=utf-8"})
        registry = write_registry(
            tmp_path / "sources.toml",
            [{"name": "vnexpress", "url": site.base, "feeds": [site.url("/rss/tin-moi-nhat.rss")]}],
        )
        db = tmp_path / "radar.duckdb"
        stats = run_crawl(db, None, registry_path=registry, max_items_per_feed=len(PAGES), overrides=FAST)
    assert stats.new == len(PAGES) and stats.failed == 0 and stats.articles_extracted == len(PAGES)
    with open_reader(db) as con:
        rows = con.execute("SELECT url, title, text, published_at FROM documents").fetchall()
    assert len(rows) == len(PAGES)
    for url, title, text, published_at in rows:
        article = pages[url]
        assert article is not None
        assert title == article.title and text == article.text and len(text) > 500
        assert published_at == article.published_at and published_at.year == 2026
