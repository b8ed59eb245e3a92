"""Reddit listing JSON and comment trees: `after` pagination, parent links, removed items, errors."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest

from crawlers.social.errors import AuthError
from crawlers.social.registry import SocialSource
from tests.crawlers.sites import Route, serve
from warehouse.records import document_id

BASE = "https://www.reddit.com/r/VietNam/comments"


def json_route(payload: Any, status: int = 200, headers: dict[str, str] | None = None) -> Route:
    """A JSON answer."""
    return Route(json.dumps(payload).encode(), status, {"Content-Type": "application/json", **(headers or {})})


def listing(children: list[dict[str, Any]], after: str | None = None) -> dict[str, Any]:
    """A Reddit Listing."""
    return {"kind": "Listing", "data": {"after": after, "before": None, "dist": len(children), "children": children}}


def t3(pid: str, title: str, selftext: str = "", *, link: str = "", removed: str | None = None) -> dict[str, Any]:
    """A post (t3) as /new.json lists it."""
    return {"kind": "t3", "data": {
        "id": pid, "name": f"t3_{pid}", "subreddit": "VietNam", "title": title, "selftext": selftext,
        "author": f"user_{pid}", "author_fullname": f"t2_{pid}", "created_utc": 1763600000.0 + len(pid),
        "score": 42, "num_comments": 4, "upvote_ratio": 0.93, "permalink": f"/r/VietNam/comments/{pid}/slug/",
        "url": link or f"https://www.reddit.com/r/VietNam/comments/{pid}/slug/", "is_self": not link,
        "removed_by_category": removed, "over_18": False}}


def t1(cid: str, parent: str, body: str, replies: list[dict[str, Any]] | None = None, depth: int = 0) -> dict[str, Any]:
    """A comment (t1) with its replies."""
    author = "[deleted]" if body == "[deleted]" else f"user_{cid}"
    return {"kind": "t1", "data": {
        "id": cid, "name": f"t1_{cid}", "parent_id": parent, "link_id": "t3_aa", "body": body, "author": author,
        "created_utc": 1763601000.0, "score": 7, "depth": depth,
        "replies": listing(replies) if replies else ""}}


MORE = {"kind": "more", "data": {"count": 12, "name": "t1__", "id": "_", "parent_id": "t3_aa", "children": ["x1"]}}
TREE = [
    t1("c1", "t3_aa", "Giá điện tăng nữa rồi 😤⚡", [
        t1("c2", "t1_c1", "tang hoai ai chiu noi", depth=1),
    ]),
    t1("c3", "t3_aa", "[deleted]", [t1("c4", "t1_c3", "Reply to a deleted comment", depth=1)]),
    MORE,
]


def reddit_routes() -> dict[str, Route]:
    """Two listing pages and the comment tree of post aa; bb's comments are gone."""
    return {
        "/r/VietNam/new.json": json_route(listing([
            t3("aa", "Giá điện tăng từ hôm nay", "Mọi người thấy sao?"),
            t3("bb", "Hanoi metro line 3 opens", link="https://e.vnexpress.net/news/metro"),
            t3("cc", "[removed post]", "[removed]", removed="moderator"),
        ], after="t3_cc")),
        "/r/VietNam/new.json?limit=100&after=t3_cc&raw_json=1": json_route(listing([t3("dd", "Older post", "old")])),
        "/r/VietNam/comments/aa/slug.json": json_route([listing([t3("aa", "Giá điện tăng")]), listing(TREE)]),
        "/r/VietNam/comments/bb/slug.json": json_route({"message": "Not Found", "error": 404}, 404),
    }


def source(url: str, **options: Any) -> SocialSource:
    """A reddit source pointing at the local server."""
    return SocialSource(name="reddit-test", display_name="r/VietNam", connector="reddit", url=url,
                        options={"max_posts_with_comments": 2, **options})


def test_listing_pages_and_comment_tree(run: Callable[..., Any], query: Callable[..., list[tuple[Any, ...]]]) -> None:
    with serve(reddit_routes()) as site:
        stats = run(source(site.url("/r/VietNam/")))
    assert site.hits[:2] == ["/r/VietNam/new.json?limit=100&raw_json=1",
                             "/r/VietNam/new.json?limit=100&after=t3_cc&raw_json=1"]
    assert stats.new == 3 + 3
    assert stats.skipped == {
        "removed by moderators": 1, "deleted by its author": 1, "comments not readable (HTTP 404)": 1}
    post = f"{BASE}/aa/slug/"
    rows = {r[0]: r[1:] for r in query("SELECT url, kind, parent_id, text, lang, title FROM documents")}
    assert rows[post] == ("social", None, "Mọi người thấy sao?", "vi", "Giá điện tăng từ hôm nay")
    assert rows[f"{BASE}/bb/slug/"][2:4] == ("Hanoi metro line 3 opens", "und")
    assert rows[f"{post}c1/"][:3] == ("comment", document_id(post), "Giá điện tăng nữa rồi 😤⚡")
    assert rows[f"{post}c2/"][1:3] == (document_id(f"{post}c1/"), "tang hoai ai chiu noi")
    # The reply of a deleted comment keeps its link even though its parent was never stored.
    assert rows[f"{post}c4/"][1] == document_id(f"{post}c3/") and f"{post}c3/" not in rows
    tree = query("WITH RECURSIVE t(id, depth) AS (SELECT id, 0 FROM documents WHERE url = ? "
                 "UNION ALL SELECT d.id, t.depth + 1 FROM documents d JOIN t ON d.parent_id = t.id) "
                 "SELECT max(depth), count(*) FROM t", post)
    assert tree == [(2, 3)]
    assert dict(query("SELECT metric, value FROM engagement_snapshots WHERE document_id = ?", document_id(post))) == {
        "score": 42, "comments": 4}


def test_removed_later_is_marked_deleted(run: Callable[..., Any], query: Callable[..., list[tuple[Any, ...]]]) -> None:
    with serve(reddit_routes()) as site:
        run(source(site.url("/r/VietNam/"), max_pages=1, max_posts_with_comments=0))
    routes = reddit_routes()
    routes["/r/VietNam/new.json"] = json_route(listing([t3("aa", "Giá điện tăng từ hôm nay", "[removed]")]))
    with serve(routes) as site:
        stats = run(source(site.url("/r/VietNam/"), max_pages=1, max_posts_with_comments=0))
    assert stats.deleted == 1
    assert query("SELECT extra->>'deleted_reason' FROM documents WHERE url = ?", f"{BASE}/aa/slug/") == [
        ("removed by moderators",)]


def test_private_subreddit_is_an_auth_error(run: Callable[..., Any]) -> None:
    private = json_route({"reason": "private", "message": "Forbidden", "error": 403}, 403)
    with serve({"/r/Secret/new.json": private}) as site, pytest.raises(AuthError, match="private"):
        run(source(site.url("/r/Secret/")))


def test_rate_limit_reset_header_is_honoured(run: Callable[..., Any], sleeps: list[float]) -> None:
    routes = reddit_routes()
    answers = [json_route({"message": "Too Many Requests", "error": 429}, 429, {"x-ratelimit-reset": "9"})]
    routes["/r/VietNam/new.json"].dynamic = lambda _: answers.pop() if answers else None
    with serve(routes) as site:
        stats = run(source(site.url("/r/VietNam/"), max_pages=1, max_posts_with_comments=0))
    assert sleeps == [9.0] and stats.new == 2
