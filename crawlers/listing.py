"""Section listing pages: the article links of a page, in page order (for sites without feeds)."""

from __future__ import annotations

from urllib.parse import urlsplit

from scrapy.http import Response, TextResponse
from scrapy.linkextractors import LinkExtractor

from crawlers.feeds import FeedEntry

# Vietnamese news CMSs end article paths with a numeric id of six or more digits after a slug:
# …-5047470.html (VnExpress), …-20260306155855878.htm (Tuổi Trẻ, Dân trí), …-102260306140919189.htm
# (Báo Chính phủ). Section pages (kinh-doanh.htm, chu-de-e587.htm) do not.
ARTICLE_PATH = r"/[a-z0-9]+(?:-[a-z0-9]+){2,}-?\d{6,}(?:\.html?)?/?$"


def site_domain(url: str) -> str:
    """Host of a URL without its leading www., for matching the site and its subdomains."""
    return (urlsplit(url).hostname or "").removeprefix("www.")


def listing_entries(response: Response, home_url: str, *, limit: int | None = None) -> list[FeedEntry]:
    """Article links of a listing page on the source's own site, first seen first, anchor text as title."""
    if not isinstance(response, TextResponse):
        return []
    domain = site_domain(home_url)
    titles: dict[str, str] = {}
    for link in LinkExtractor(allow=[ARTICLE_PATH], unique=False).extract_links(response):
        host = site_domain(link.url)
        # Compared by host name (Scrapy's allow_domains also compares the port).
        if host != domain and not host.endswith("." + domain):
            continue
        text = " ".join(link.text.split())
        # A story is linked from its picture (no text), its headline, then often its lead: the first
        # words met are the headline.
        if not titles.get(link.url):
            titles[link.url] = text
    entries = [FeedEntry(link=url, title=title, summary="", published_at=None) for url, title in titles.items()]
    return entries if limit is None else entries[: max(limit, 0)]
