"""Telegram web preview: parsing, pagination to older posts, views as snapshots, deleted posts, errors."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from crawlers.social.errors import SocialError
from crawlers.social.registry import SocialSource
from crawlers.social.telegram import gaps, parse_page
from tests.crawlers.sites import Route, html_route, serve
from warehouse.records import document_id

EMOJI_TEXT = "Giá xăng giảm từ 15h chiều nay 🔥🔥😡 ai đi đổ xăng chưa ạ???"
PLAIN_TEXT = "Bo Y te khuyen cao nguoi dan khong tu y dung thuoc khang sinh"


def message(channel: str, number: int, text: str, views: str = "1.2K", *, reactions: str = "",
            service: bool = False, media_only: bool = False, author: str = "") -> str:
    """One message block as t.me/s/CHANNEL renders it."""
    when = (datetime(2026, 11, 19, 1, 0, tzinfo=UTC) + timedelta(minutes=number)).isoformat()
    body = "" if media_only else f'<div class="tgme_widget_message_text js-message_text" dir="auto">{text}</div>'
    media = '<a class="tgme_widget_message_photo_wrap" style="background-image:url(x.jpg)"></a>' if media_only else ""
    reaction = (f'<div class="tgme_widget_message_reactions js-message_reactions"><span class="tgme_reaction">'
                f'<i class="emoji"><b>👍</b></i>{reactions}</span></div>') if reactions else ""
    signature = f'<span class="tgme_widget_message_from_author" dir="auto">{author}</span>' if author else ""
    kind = "service_message" if service else "text_not_supported_wrap"
    return f"""
<div class="tgme_widget_message_wrap js-widget_message_wrap">
 <div class="tgme_widget_message {kind} js-widget_message" data-post="{channel}/{number}" data-view="eyJ">
  <div class="tgme_widget_message_bubble">
   <div class="tgme_widget_message_author accent_color"><a class="tgme_widget_message_owner_name"
     href="https://t.me/{channel}"><span dir="auto">Kênh tin</span></a></div>
   {media}{body}{reaction}
   <div class="tgme_widget_message_footer compact js-message_footer"><div class="tgme_widget_message_info short">
     <span class="tgme_widget_message_views">{views}</span><span class="copyonly"> views</span>{signature}
     <span class="tgme_widget_message_meta"><a class="tgme_widget_message_date" href="https://t.me/{channel}/{number}">
     <time datetime="{when}" class="time">08:00</time></a></span></div></div>
  </div>
 </div>
</div>"""


def channel_page(channel: str, messages: list[str], before: int | None) -> str:
    """A t.me/s/CHANNEL page: channel header, a 'load older' link when there is more, the messages."""
    more = (f'<div class="tgme_widget_message_centered js-messages_more_wrap"><a href="/s/{channel}?before={before}" '
            f'class="tme_messages_more js-messages_more" data-before="{before}"></a></div>') if before else ""
    return f"""<!DOCTYPE html><html><head><meta charset="utf-8"><title>Kênh tin – Telegram</title></head>
<body class="widget_frame_base tgme_widget body_widget_post emoji_image">
<header class="tgme_header"><div class="tgme_channel_info"><div class="tgme_channel_info_header_title">
<span dir="auto">Kênh tin</span></div></div></header>
<main class="tgme_main"><section class="tgme_channel_history js-message_history">{more}{''.join(messages)}
</section></main></body></html>"""


def source(url: str, **options: Any) -> SocialSource:
    """A telegram source pointing at the local server."""
    return SocialSource(name="tg-test", display_name="Kênh tin", connector="telegram", url=url,
                        options={"channel": "kenhtin", **options})


def routes(newest: list[str], older: list[str]) -> dict[str, Route]:
    """Two pages: the newest (105..103, 104 deleted) and the older one (102..101, the start)."""
    return {
        "/s/kenhtin": html_route(channel_page("kenhtin", newest, before=103)),
        "/s/kenhtin?before=103": html_route(channel_page("kenhtin", older, before=None)),
    }


NEWEST = [message("kenhtin", 103, PLAIN_TEXT, "870"), message("kenhtin", 105, EMOJI_TEXT, "12.3K", reactions="1.5K")]
OLDER = [message("kenhtin", 101, "Tin cũ<br/>dòng hai", "3,4M", author="Admin Hà"),
         message("kenhtin", 102, "", service=True)]


def test_parse_page_keeps_text_intact_and_reads_counts() -> None:
    page = parse_page(channel_page("kenhtin", NEWEST + [message("kenhtin", 106, "", media_only=True)], 103),
                      "kenhtin")
    by_number = {p.extra["message_id"]: p for p in page.posts}
    assert by_number[105].text == EMOJI_TEXT
    assert by_number[103].text == PLAIN_TEXT
    assert by_number[105].engagement == {"views": 12_300, "reactions": 1_500}
    assert by_number[103].engagement == {"views": 870}
    assert by_number[105].url == "https://t.me/kenhtin/105"
    assert by_number[105].published_at == datetime(2026, 11, 19, 2, 45, tzinfo=UTC)
    assert [s.reason for s in page.skips] == ["no text (media only)"]
    assert page.ids == {103, 105, 106} and page.before == 103


def test_gaps_are_the_missing_ids_below_the_last_page() -> None:
    assert gaps({103, 105}, None) == [104]
    assert gaps({101, 102}, 103) == []
    assert gaps({98, 101}, 103) == [99, 100, 102]
    assert gaps(set(), 103) == []


def test_collect_paginates_stores_views_and_pseudonymises_signatures(
    run: Callable[..., Any], query: Callable[..., list[tuple[Any, ...]]]
) -> None:
    with serve(routes(NEWEST, OLDER)) as site:
        stats = run(source(site.url("/s/kenhtin")))
    assert site.hits == ["/s/kenhtin", "/s/kenhtin?before=103"]
    assert stats.new == 3
    assert stats.skipped == {"service message": 1, "missing from the public preview (deleted or hidden)": 1}
    rows = query("SELECT url, kind, text, extra->>'author', title FROM documents ORDER BY url")
    assert [r[0] for r in rows] == [f"https://t.me/kenhtin/{n}" for n in (101, 103, 105)]
    assert rows[0][2] == "Tin cũ\ndòng hai"
    assert rows[0][3].startswith("telegram:") and "Admin" not in rows[0][3]
    assert rows[2][2] == EMOJI_TEXT and rows[2][4] == EMOJI_TEXT and rows[2][1] == "social"
    views = query("SELECT document_id, value FROM engagement_snapshots WHERE metric = 'views' ORDER BY value")
    assert views == [(document_id("https://t.me/kenhtin/103"), 870), (document_id("https://t.me/kenhtin/105"), 12_300),
                     (document_id("https://t.me/kenhtin/101"), 3_400_000)]


def test_second_run_adds_snapshots_and_marks_deleted_posts(
    run: Callable[..., Any], query: Callable[..., list[tuple[Any, ...]]]
) -> None:
    first = datetime(2026, 11, 20, 8, 0, tzinfo=UTC)
    with serve(routes(NEWEST, OLDER)) as site:
        run(source(site.url("/s/kenhtin")), now=first)
    # An hour later 103 is deleted and 105 has more views.
    newer = [message("kenhtin", 105, EMOJI_TEXT, "15K", reactions="1.6K")]
    with serve(routes(newer, OLDER)) as site:
        stats = run(source(site.url("/s/kenhtin")), now=first + timedelta(hours=1))
    assert stats.new == 0 and stats.duplicate == 2 and stats.deleted == 1
    deleted = query("SELECT url FROM documents WHERE (extra->>'deleted')::BOOLEAN")
    assert deleted == [("https://t.me/kenhtin/103",)]
    growth = query(
        "SELECT value FROM engagement_snapshots WHERE document_id = ? AND metric = 'views' ORDER BY observed_at",
        document_id("https://t.me/kenhtin/105"),
    )
    assert growth == [(12_300,), (15_000,)]


def test_max_pages_bounds_the_walk(run: Callable[..., Any]) -> None:
    with serve(routes(NEWEST, OLDER)) as site:
        stats = run(source(site.url("/s/kenhtin"), max_pages=1))
    assert site.hits == ["/s/kenhtin"] and stats.new == 2


def test_private_channel_is_a_clear_error(run: Callable[..., Any]) -> None:
    card = '<html><body><div class="tgme_page"><div class="tgme_page_title">Kênh riêng</div></div></body></html>'
    with serve({"/s/kenhtin": html_route(card)}) as site, pytest.raises(SocialError, match="no public preview"):
        run(source(site.url("/s/kenhtin")))


def test_rate_limited_page_is_retried_after_the_asked_wait(
    run: Callable[..., Any], sleeps: list[float]
) -> None:
    answers = [Route(b"Too Many Requests", 429, {"Retry-After": "7"})]

    def first_429(_: dict[str, str]) -> Route | None:
        return answers.pop() if answers else None

    pages = routes(NEWEST, OLDER)
    pages["/s/kenhtin"].dynamic = first_429
    with serve(pages) as site:
        stats = run(source(site.url("/s/kenhtin")))
    assert sleeps == [7.0] and site.count("/s/kenhtin") == 3 and stats.new == 3
