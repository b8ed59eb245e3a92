"""Listing pages: the article links of a section page, in page order, with their headlines."""

from __future__ import annotations

from pathlib import Path

import pytest
from scrapy.http import HtmlResponse

from crawlers.listing import listing_entries, site_domain
from tests.crawlers.sites import STORIES, listing_html

BASE = "https://www.bao.example.vn"


def test_article_links_in_page_order_with_headlines() -> None:
    response = HtmlResponse(f"{BASE}/thoi-su", body=listing_html(STORIES).encode("utf-8"), encoding="utf-8")
    entries = listing_entries(response, BASE)
    assert [e.link for e in entries] == [f"{BASE}/thoi-su/{s.slug}.html" for s in STORIES]
    assert [e.title for e in entries] == [s.title for s in STORIES]
    assert all(e.published_at is None and e.summary == "" for e in entries)
    assert len(listing_entries(response, BASE, limit=2)) == 2


def test_other_sites_and_section_pages_are_left_out() -> None:
    response = HtmlResponse(f"{BASE}/thoi-su", body=listing_html(STORIES[:1]).encode("utf-8"), encoding="utf-8")
    links = {e.link for e in listing_entries(response, BASE)}
    assert links == {f"{BASE}/thoi-su/{STORIES[0].slug}.html"}
    assert site_domain("https://www.bao.example.vn/x") == "bao.example.vn"


@pytest.mark.shared
@pytest.mark.parametrize(
    ("name", "url", "at_least"),
    [
        ("vnexpress_list", "https://vnexpress.net/kinh-doanh", 40),
        ("tuoitre_list", "https://tuoitre.vn/kinh-doanh.htm", 10),
        ("dantri_list", "https://dantri.com.vn/kinh-doanh.htm", 40),
        ("baochinhphu_list", "https://baochinhphu.vn/chinh-sach-va-cuoc-song/chinh-sach-moi.htm", 20),
    ],
)
def test_real_listing_pages(shared_dir: Path, name: str, url: str, at_least: int) -> None:
    body = (shared_dir / "fixtures/pages/2026" / f"{name}.html").read_bytes()
    entries = listing_entries(HtmlResponse(url, body=body, encoding="utf-8"), url)
    assert len(entries) >= at_least
    # Every link is an article of the same site with its headline; no section page slipped in.
    assert all(site_domain(e.link) == site_domain(url) for e in entries)
    assert all(e.link.rsplit("-", 1)[-1][:6].isdigit() for e in entries)
    assert sum(1 for e in entries if len(e.title.split()) >= 5) >= 0.9 * len(entries)
