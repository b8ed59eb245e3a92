"""XenForo forums (voz.vn markup): listing pagination, threads and posts, quotes as parents, errors."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from crawlers.social.errors import AuthError
from crawlers.social.registry import SocialSource
from crawlers.social.xenforo import parse_forum, parse_thread, thread_url
from tests.crawlers.sites import Route, html_route, serve
from warehouse.records import document_id

OPENING = "Xăng tăng 3 lần trong tháng, lương thì vẫn vậy 😭😭😭"
UNACCENTED = "gia xang tang thi gia moi thu deu tang theo thoi"


def thread_item(thread_id: int, title: str, replies: str, views: str) -> str:
    """One thread row of a forum listing."""
    return f"""
<div class="structItem structItem--thread js-inlineModContainer js-threadListItem-{thread_id}" data-author="Thành viên">
 <div class="structItem-cell structItem-cell--main"><div class="structItem-title">
  <a href="/t/{title.lower().replace(' ', '-')}.{thread_id}/" data-tp-primary="on">{title}</a></div>
  <div class="structItem-minor"><ul class="structItem-parts"><li><a href="/u/tv.1/" class="username"
   data-user-id="1">Thành viên</a></li></ul></div></div>
 <div class="structItem-cell structItem-cell--meta">
  <dl class="pairs pairs--justified"><dt>Replies</dt><dd>{replies}</dd></dl>
  <dl class="pairs pairs--justified structItem-minor"><dt>Views</dt><dd>{views}</dd></dl></div>
</div>"""


def forum_page(items: list[str], next_href: str | None) -> str:
    """A forum listing page with an optional 'Next' link."""
    nav = f'<div class="pageNav"><a href="{next_href}" class="pageNav-jump pageNav-jump--next">Next</a></div>' \
        if next_href else ""
    return f"""<html><body><div class="p-body"><h1 class="p-title-value">Điểm báo</h1>
<div class="structItemContainer-group js-threadList">{''.join(items)}</div>{nav}</div></body></html>"""


def post(post_id: int, user_id: int, text: str, *, quote: tuple[int, str] | None = None,
         deleted: bool = False, reactions: str = "") -> str:
    """One post article as XenForo 2 renders it."""
    quoted = (f'<blockquote data-attributes="member: 9" data-quote="Ai đó" data-source="post: {quote[0]}" '
              f'class="bbCodeBlock bbCodeBlock--expandable bbCodeBlock--quote js-expandWatch">'
              f'<div class="bbCodeBlock-title"><a href="/goto/post?id={quote[0]}">Ai đó said:</a></div>'
              f'<div class="bbCodeBlock-content"><div class="bbCodeBlock-expandContent js-expandContent">'
              f'{quote[1]}</div></div></blockquote>') if quote else ""
    bar = (f'<div class="reactionsBar js-reactionsList is-active"><a class="reactionsBar-link" href="/p/{post_id}/'
           f'reactions"><bdi>An</bdi>, <bdi>Bình</bdi> and {reactions} others</a></div>') if reactions else ""
    cls = "message message--post message--deleted" if deleted else "message message--post js-post"
    return f"""
<article class="{cls}" data-author="Người dùng {user_id}" data-content="post-{post_id}" id="js-post-{post_id}">
 <div class="message-inner"><div class="message-cell message-cell--user"><section class="message-user">
  <h4 class="message-name"><a href="/u/u.{user_id}/" class="username" data-user-id="{user_id}">Người dùng {user_id}</a>
  </h4></section></div>
 <div class="message-cell message-cell--main"><header class="message-attribution"><ul class="message-attribution-main">
  <li><a href="/t/x.1/post-{post_id}"><time class="u-dt" datetime="2026-11-19T0{post_id % 10}:15:00+0700"
   data-time="1">19/11/2026</time></a></li></ul></header>
  <div class="message-content js-messageContent"><div class="message-userContent">
   <article class="message-body js-selectToQuote"><div class="bbWrapper">{quoted}{text}</div></article></div></div>
  <footer class="message-footer">{bar}</footer></div></div>
</article>"""


def thread_page(title: str, posts: list[str], pages: int) -> str:
    """A thread page with its page navigation."""
    nav = "".join(f'<li class="pageNav-page"><a href="/t/x.1/page-{n}">{n}</a></li>' for n in range(1, pages + 1))
    return f"""<html><body><h1 class="p-title-value">{title}</h1><ul class="pageNav-main">{nav}</ul>
<div class="block-body js-replyNewMessageContainer">{''.join(posts)}</div></body></html>"""


def forum_routes() -> dict[str, Route]:
    """Forum of two listing pages; thread 501 has two pages, thread 502 is gone."""
    return {
        "/f/diem-bao.33/": html_route(forum_page([thread_item(501, "Giá xăng tăng", "3", "1.2K")],
                                                 "/f/diem-bao.33/page-2")),
        "/f/diem-bao.33/page-2": html_route(forum_page([thread_item(502, "Chủ đề bị xóa", "0", "10")], None)),
        "/t/501/": html_route(thread_page("Giá xăng tăng", [
            post(9001, 11, OPENING, reactions="40"),
            post(9002, 12, UNACCENTED, quote=(9001, OPENING)),
        ], pages=2)),
        "/t/501/page-2": html_route(thread_page("Giá xăng tăng", [
            post(9003, 13, "Đồng ý với bác ở trên", quote=(9002, UNACCENTED)),
            post(9004, 14, "spam", deleted=True),
        ], pages=2)),
        "/t/502/": Route(b"The requested thread could not be found.", 404, {"Content-Type": "text/html"}),
    }


def source(url: str, **options: Any) -> SocialSource:
    """A xenforo source pointing at the local forum."""
    return SocialSource(name="voz-test", display_name="Điểm báo", connector="xenforo", url=url, options=options)


def test_thread_url_drops_slug_and_page() -> None:
    base = "https://voz.vn/f/diem-bao.33/"
    assert thread_url("/t/gia-xang-tang.501/page-3", base) == "https://voz.vn/t/501/"
    assert thread_url("https://forum.example/threads/abc.77/", base) == "https://forum.example/threads/77/"
    assert thread_url("/f/other.2/", base) is None


def test_parse_forum_and_thread() -> None:
    routes = forum_routes()
    listing = parse_forum(routes["/f/diem-bao.33/"].body.decode(), "https://voz.vn/f/diem-bao.33/")
    assert [(t.url, t.title, t.replies, t.views) for t in listing.threads] == [
        ("https://voz.vn/t/501/", "Giá xăng tăng", 3, 1200)]
    assert listing.next_url == "https://voz.vn/f/diem-bao.33/page-2"
    page = parse_thread(routes["/t/501/page-2"].body.decode(), "https://voz.vn/t/501/")
    assert page.last_page == 2 and [s.reason for s in page.skips] == ["deleted by the forum"]
    (reply,) = page.posts
    assert reply.text == "Đồng ý với bác ở trên"  # the quoted block is the parent's text, not this post's
    assert reply.parent_url == "https://voz.vn/t/501/post-9002" and reply.extra["quotes"] == [9002]


def test_collect_links_thread_posts_and_quotes(
    run: Callable[..., Any], query: Callable[..., list[tuple[Any, ...]]]
) -> None:
    with serve(forum_routes()) as site:
        stats = run(source(site.url("/f/diem-bao.33/")))
    thread = site.url("/t/501/")
    assert stats.new == 3 and stats.skipped["deleted by the forum"] == 1
    assert stats.skipped["thread not readable (HTTP 404: deleted, moved or private)"] == 1
    rows = {r[0]: r[1:] for r in query("SELECT url, kind, parent_id, title, text, extra FROM documents")}
    assert rows[thread][:4] == ("social", None, "Giá xăng tăng", OPENING)
    # Quoting the opening post replies to the thread; quoting a reply links to that reply.
    assert rows[f"{thread}post-9002"][:3] == ("comment", document_id(thread), "")
    assert rows[f"{thread}post-9002"][3] == UNACCENTED
    assert rows[f"{thread}post-9003"][1] == document_id(f"{thread}post-9002")
    joined = query("SELECT c.url FROM documents c JOIN documents p ON c.parent_id = p.id WHERE p.kind = 'social'")
    assert joined == [(f"{thread}post-9002",)]
    counts = dict(query("SELECT metric, value FROM engagement_snapshots WHERE document_id = ?", document_id(thread)))
    assert counts == {"replies": 3, "views": 1200, "reactions": 42}


def test_only_the_newest_thread_pages_beyond_the_limit(run: Callable[..., Any]) -> None:
    with serve(forum_routes()) as site:
        run(source(site.url("/f/diem-bao.33/"), max_thread_pages=1, max_pages=1))
    assert "/t/501/page-2" not in site.hits and "/f/diem-bao.33/page-2" not in site.hits


def test_forum_behind_login_is_an_auth_error(run: Callable[..., Any]) -> None:
    with serve({"/f/x.1/": Route(b"You must be logged-in to do that.", 403)}) as site, \
            pytest.raises(AuthError, match="login"):
        run(source(site.url("/f/x.1/")))
