"""Feed parsing: newest items first, links made absolute, HTML summaries to text, bad feeds rejected."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import UTC, datetime

import pytest

from crawlers.feeds import FeedError, html_to_text, parse_feed
from tests.crawlers.sites import STORIES, VN, rss_xml

BASE = "https://bao.example.vn"


def _feed(items: Sequence[tuple[str, str, str, datetime | None]]) -> bytes:
    return rss_xml("Tin mới nhất", items).encode("utf-8")


def test_entries_come_newest_first_and_are_cut_to_the_limit() -> None:
    items = [(s.title, f"{BASE}/{s.slug}.html", s.lead, s.published) for s in STORIES]
    shuffled = [items[2], items[0], items[3], items[1]]
    parsed = parse_feed(_feed(shuffled), f"{BASE}/rss/tin-moi-nhat.rss", limit=2)
    assert [e.title for e in parsed.entries] == [STORIES[3].title, STORIES[2].title]
    assert parsed.entries[0].published_at == STORIES[3].published
    assert parsed.entries[0].published_at.tzinfo is not None  # type: ignore[union-attr]
    assert parsed.title == "Tin mới nhất" and parsed.warning == ""


def test_summary_is_plain_text_and_relative_links_are_resolved() -> None:
    items = [("Giá xăng giảm", "/kinh-te/gia-xang-giam-1.html", "Giá xăng <b>giảm</b> 500&nbsp;đồng", None)]
    (entry,) = parse_feed(_feed(items), f"{BASE}/rss/kinh-te.rss").entries
    assert entry.link == f"{BASE}/kinh-te/gia-xang-giam-1.html"
    assert entry.summary == "Giá xăng giảm 500 đồng"
    assert entry.published_at is None


def test_undated_entries_follow_dated_ones_in_feed_order() -> None:
    when = datetime(2026, 3, 1, 7, 0, tzinfo=VN)
    items = [("A", f"{BASE}/a", "", None), ("B", f"{BASE}/b", "", when), ("C", f"{BASE}/c", "", None)]
    assert [e.title for e in parse_feed(_feed(items), BASE).entries] == ["B", "A", "C"]


def test_duplicate_links_in_one_feed_are_kept_once() -> None:
    items = [("A", f"{BASE}/a", "", None), ("A bis", f"{BASE}/a", "", None), ("B", f"{BASE}/b", "", None)]
    assert [e.title for e in parse_feed(_feed(items), BASE).entries] == ["A", "B"]


def test_atom_feeds_are_read() -> None:
    atom = (
        '<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom"><title>Cổng</title>'
        '<entry><title>Thông báo mới</title><link href="https://cong.example.gov.vn/tb/1"/>'
        "<id>tag:cong,2026:1</id><updated>2026-03-05T08:00:00+07:00</updated><summary>Nội dung</summary>"
        "</entry></feed>"
    ).encode()
    (entry,) = parse_feed(atom, "https://cong.example.gov.vn/atom").entries
    assert entry.link == "https://cong.example.gov.vn/tb/1"
    assert entry.published_at == datetime(2026, 3, 5, 1, 0, tzinfo=UTC)


def test_an_empty_but_valid_feed_has_no_entries() -> None:
    assert parse_feed(_feed([]), BASE).entries == []


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        (b"<html><body><h1>Trang ch\xe1\xbb\xa7</h1></body></html>", "not an RSS or Atom feed"),
        (b'<?xml version="1.0"?><rss version="2.0"><channel><item><title>Tin c', "unreadable feed"),
        (b"", "not an RSS or Atom feed"),
    ],
)
def test_unusable_bytes_raise_feed_error(body: bytes, reason: str) -> None:
    with pytest.raises(FeedError, match=reason):
        parse_feed(body, BASE)


def test_html_to_text() -> None:
    assert html_to_text('<a href="x"><img src="y"></a></br>Người dân &amp; doanh nghiệp') == "Người dân & doanh nghiệp"


@pytest.mark.parametrize(
    "damage",
    [
        lambda x: b"\r\n\r\n  " + x,  # blank lines before the XML declaration
        lambda x: b"\xef\xbb\xbf" + x.replace(b"&amp;", b"&"),  # BOM and bare ampersands in links
    ],
)
def test_broken_but_readable_feeds_are_read_with_a_warning(damage: Callable[[bytes], bytes]) -> None:
    items = [(s.title, f"{BASE}/{s.slug}.html?a=1&b=2", s.lead, s.published) for s in STORIES]
    parsed = parse_feed(damage(_feed(items)), BASE)
    assert parsed.warning and len(parsed.entries) == len(STORIES)
    assert parsed.entries[0].link == f"{BASE}/{STORIES[3].slug}.html?a=1&b=2"
    assert parsed.entries[0].title == STORIES[3].title
