"""Facebook Graph API: page posts with paging, comments and replies, expired token, throttling, deleted posts."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from crawlers.social.errors import AuthError, RateLimited
from crawlers.social.registry import SocialSource
from tests.crawlers.social.apiserver import Answer, error, ok, serve_api
from warehouse.records import document_id

ENV = {"FACEBOOK_ACCESS_TOKEN": "EAAB-test-token"}
EXPIRED = {"error": {"message": "Error validating access token: Session has expired on Thursday, 19-Nov-26 "
                     "01:00:00 PST.", "type": "OAuthException", "code": 190, "error_subcode": 463,
                     "fbtrace_id": "AbCdEf"}}
GONE = {"error": {"message": "Unsupported get request. Object with ID '1_3' does not exist, cannot be loaded due "
                  "to missing permissions, or does not support this operation.", "type": "GraphMethodException",
                  "code": 100, "error_subcode": 33, "fbtrace_id": "x"}}


def fb_post(pid: str, message: str | None, reactions: int) -> dict[str, Any]:
    """A /{page}/posts item with the summary fields asked for."""
    item: dict[str, Any] = {"id": pid, "created_time": "2026-11-19T02:00:00+0000",
                            "permalink_url": f"https://www.facebook.com/page/posts/{pid.split('_')[1]}",
                            "reactions": {"data": [], "summary": {"total_count": reactions}},
                            "comments": {"data": [], "summary": {"total_count": 2, "can_comment": True}}}
    if message is not None:
        item["message"] = message
    return item


def fb_comment(cid: str, message: str, parent: str | None = None) -> dict[str, Any]:
    """A /{post}/comments item."""
    item: dict[str, Any] = {"id": cid, "message": message, "created_time": "2026-11-19T03:00:00+0000",
                            "from": {"id": f"psid-{cid}", "name": "Người dùng"}, "like_count": 4, "comment_count": 0}
    if parent:
        item["parent"] = {"id": parent}
    return item


def graph(base: list[str]) -> Callable[[str, dict[str, str]], Answer]:
    """Two pages of posts (the second by `next`), comments of 1_1, post 1_3 gone."""

    def answer(path: str, query: dict[str, str]) -> Answer:
        assert query["access_token"] == ENV["FACEBOOK_ACCESS_TOKEN"]
        if path == "/v19.0/thongtin/posts" and "after" not in query:
            nxt = f"{base[0]}/v19.0/thongtin/posts?access_token={query['access_token']}&limit=25&after=QVFI"
            return ok({"data": [fb_post("1_1", "Chính phủ ban hành Nghị định mới 📢", 300),
                                fb_post("1_2", None, 5)], "paging": {"cursors": {"after": "QVFI"}, "next": nxt}})
        if path == "/v19.0/thongtin/posts":
            return ok({"data": [fb_post("1_3", "Bai viet da xoa", 1)], "paging": {"cursors": {}}})
        if path == "/v19.0/1_1/comments":
            return ok({"data": [fb_comment("1_1_c1", "Rất cần thiết 👍"),
                                fb_comment("1_1_c2", "dong y", parent="1_1_c1")], "paging": {}})
        if path == "/v19.0/1_3/comments":
            return error(400, GONE)
        return error(404, {"error": {"message": "Unknown path", "code": 803}})

    return answer


def source(base: str, **options: Any) -> SocialSource:
    """A facebook page source against the local Graph API."""
    return SocialSource(name="fb-test", display_name="Page", connector="facebook", url=f"{base}/v19.0/",
                        options={"page": "thongtin", **options})


def test_posts_paging_comments_and_replies(
    run: Callable[..., Any], query: Callable[..., list[tuple[Any, ...]]]
) -> None:
    base: list[str] = []
    with serve_api(graph(base)) as api:
        base.append(api.base)
        stats = run(source(api.base), env=ENV)
    assert stats.new == 2 + 2
    assert stats.skipped == {"no text (media only)": 1, "comments not readable (post deleted or hidden)": 1}
    post = "https://www.facebook.com/page/posts/1"
    rows = {r[0]: r[1:] for r in query("SELECT url, kind, parent_id, text, extra->>'author' FROM documents")}
    assert rows[post][:3] == ("social", None, "Chính phủ ban hành Nghị định mới 📢")
    assert rows["https://www.facebook.com/1_1_c1"][:2] == ("comment", document_id(post))
    assert rows["https://www.facebook.com/1_1_c2"][1] == document_id("https://www.facebook.com/1_1_c1")
    assert rows["https://www.facebook.com/1_1_c2"][3].startswith("facebook:")
    assert query("SELECT value FROM engagement_snapshots WHERE document_id = ? AND metric = 'reactions'",
                 document_id(post)) == [(300,)]


def test_expired_token_is_a_clear_auth_error(run: Callable[..., Any]) -> None:
    with serve_api(lambda path, query: error(400, EXPIRED)) as api, \
            pytest.raises(AuthError, match="expired or invalid \\(code 190\\).*new Page access token"):
        run(source(api.base), env=ENV)
    with pytest.raises(AuthError, match="FACEBOOK_ACCESS_TOKEN is not set"):
        run(source("http://127.0.0.1:9"), env={})


def test_throttling_codes_are_rate_limits(run: Callable[..., Any]) -> None:
    limited = {"error": {"message": "(#4) Application request limit reached", "type": "OAuthException", "code": 4}}
    with serve_api(lambda path, query: error(403, limited)) as api, pytest.raises(RateLimited, match="code 4"):
        run(source(api.base), env=ENV)
