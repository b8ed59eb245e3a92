"""News sitemaps: parsing indexes and urlsets, and a crawl of a sitemap-only source."""

from __future__ import annotations

import gzip
from datetime import UTC, datetime
from pathlib import Path

import pytest

from crawlers.feeds import FeedError
from crawlers.run import run_crawl
from crawlers.sitemaps import parse_sitemap, parse_w3c_date
from tests.crawlers.sites import (
    STORIES,
    VN,
    Route,
    bind,
    listing_html,
    news_site,
    robots_route,
    serve,
    write_registry,
)
from warehouse.db import open_reader

NS = 'xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"'
NEWS_NS = 'xmlns:news="http://www.google.com/schemas/sitemap-news/0.9"'
BASE = "https://bao.example.vn"


def index_xml(children: list[tuple[str, str]]) -> str:
    """A sitemap index of (loc, lastmod) children."""
    body = "".join(
        f"<sitemap><loc>{loc}</loc>{f'<lastmod>{mod}</lastmod>' if mod else ''}</sitemap>" for loc, mod in children
    )
    return f'<?xml version="1.0" encoding="UTF-8"?><sitemapindex {NS}>{body}</sitemapindex>'


def urlset_xml(urls: list[tuple[str, str, str]]) -> str:
    """A Google News sitemap of (loc, title, publication date) URLs."""
    body = "".join(
        f"<url><loc>{loc}</loc><news:news><news:publication><news:name>Báo</news:name>"
        f"<news:language>vi</news:language></news:publication><news:publication_date>{when}"
        f"</news:publication_date><news:title>{title}</news:title>"
        "<news:keywords>lương, lao động</news:keywords></news:news></url>"
        for loc, title, when in urls
    )
    return f'<?xml version="1.0" encoding="UTF-8"?><urlset {NS} {NEWS_NS}>{body}</urlset>'


def test_index_gives_the_newest_children() -> None:
    xml = index_xml(
        [
            (f"{BASE}/sitemaps/news-2026-1.xml", "2026-01-31"),
            (f"{BASE}/sitemaps/news-2026-3.xml", "2026-03-05T08:00:00+07:00"),
            ("/sitemaps/news-2026-2.xml", "2026-02-28"),
        ]
    )
    parsed = parse_sitemap(xml.encode(), f"{BASE}/sitemap.xml")
    assert parsed.children == [f"{BASE}/sitemaps/news-2026-3.xml", f"{BASE}/sitemaps/news-2026-2.xml"]
    assert parsed.entries == []


def test_undated_index_takes_both_ends() -> None:
    xml = index_xml([(f"{BASE}/s{i}.xml", "") for i in range(5)])
    assert parse_sitemap(xml.encode(), BASE).children == [f"{BASE}/s0.xml", f"{BASE}/s4.xml"]


def test_news_urlset_gives_titled_dated_entries_newest_first() -> None:
    urls = [(f"{BASE}/{s.slug}.html", s.title, s.published.isoformat()) for s in STORIES]
    parsed = parse_sitemap(gzip.compress(urlset_xml(urls).encode()), f"{BASE}/news.xml.gz", limit=2)
    assert [e.title for e in parsed.entries] == [STORIES[3].title, STORIES[2].title]
    assert parsed.entries[0].published_at == STORIES[3].published
    assert parsed.entries[0].tags == ["lương", "lao động"]


def test_plain_sitemap_uses_lastmod_and_local_time() -> None:
    xml = f"<urlset {NS}><url><loc>{BASE}/a.html</loc><lastmod>2026-03-05T08:30:00</lastmod></url></urlset>"
    (entry,) = parse_sitemap(xml.encode(), BASE).entries
    assert entry.published_at == datetime(2026, 3, 5, 1, 30, tzinfo=UTC) and entry.title == ""
    assert parse_w3c_date("2026-03-05") == datetime(2026, 3, 5, tzinfo=VN)
    assert parse_w3c_date("hôm qua") is None


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        ("<html><body>Trang chủ</body></html>".encode(), "not a sitemap"),
        (b"", "empty sitemap"),
        (b"\x1f\x8b\x08\x00garbage", "broken gzip"),
    ],
)
def test_unusable_sitemaps_raise(body: bytes, reason: str) -> None:
    with pytest.raises(FeedError, match=reason):
        parse_sitemap(body, BASE)


def test_entities_are_not_resolved() -> None:
    xml = (
        '<?xml version="1.0"?><!DOCTYPE u [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
        f"<urlset {NS} {NEWS_NS}><url><loc>{BASE}/a.html</loc><news:news><news:title>&x;</news:title>"
        "</news:news></url></urlset>"
    )
    (entry,) = parse_sitemap(xml.encode(), BASE).entries
    assert "root:" not in entry.title


def test_crawl_of_a_sitemap_source_and_a_listing_source(tmp_path: Path) -> None:
    routes = news_site(STORIES)
    old, new = STORIES[:2], STORIES[2:]
    routes["/robots.txt"] = robots_route("/rss/")
    xml_type = {"Content-Type": "application/xml"}
    children = [
        ("{base}/sitemaps/news-2026-2.xml", "2026-02-28"),
        ("{base}/sitemaps/news-2026-3.xml", "2026-03-05"),
    ]
    routes["/sitemap.xml"] = Route(index_xml(children).encode(), 200, xml_type)
    for name, stories in (("news-2026-2", old), ("news-2026-3", new)):
        urls = [("{base}" + f"/thoi-su/{s.slug}.html", s.title, s.published.isoformat()) for s in stories]
        routes[f"/sitemaps/{name}.xml"] = Route(urlset_xml(urls).encode(), 200, xml_type)
    listing_routes = news_site(STORIES[:3])
    listing_routes["/thoi-su"] = Route(listing_html(STORIES[:3]).encode(), 200, {"Content-Type": "text/html"})
    listing_routes["/robots.txt"] = Route(b"User-agent: *\nCrawl-delay: 0.6\n", 200, {"Content-Type": "text/plain"})
    with serve(routes) as site, serve(listing_routes) as other:
        bind(site)
        bind(other)
        registry = write_registry(
            tmp_path / "sources.toml",
            [
                {"name": "bao", "url": site.base, "connector": "sitemap", "feeds": [site.url("/sitemap.xml")]},
                {"name": "bao-b", "url": other.base, "connector": "listing", "feeds": [other.url("/thoi-su")]},
            ],
        )
        db = tmp_path / "radar.duckdb"
        stats = run_crawl(
            db,
            None,
            registry_path=registry,
            max_items_per_feed=5,
            overrides={"DOWNLOAD_DELAY": 0, "AUTOTHROTTLE_ENABLED": False},
        )
    assert stats.new == len(STORIES) + 3 and stats.articles_extracted == len(STORIES) + 3 and stats.failed == 0
    assert stats.per_source["bao"]["feeds_ok"] == 3  # the index and its two children
    assert other.count(f"/thoi-su/{STORIES[0].slug}.html") == 1  # linked three times, fetched once
    with open_reader(db) as con:
        rows = dict(con.execute("SELECT title, published_at FROM documents WHERE source = 'bao'").fetchall())
        listed = dict(con.execute("SELECT title, published_at FROM documents WHERE source = 'bao-b'").fetchall())
    assert rows == {s.title: s.published for s in STORIES}
    assert listed == {s.title: s.published for s in STORIES[:3]}
    # The listing site's robots.txt asks for 0.6 s between requests: its page requests are spaced so.
    times = sorted(t for path, hits in other.hit_times.items() if path != "/robots.txt" for t in hits)
    assert len(times) == 4 and min(b - a for a, b in zip(times, times[1:], strict=False)) >= 0.45
