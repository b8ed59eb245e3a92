"""Facebook Graph API: posts of a page the operator holds a token for, and their comments."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any
from urllib.parse import urlsplit

from crawlers.social.errors import AuthError, RateLimited, SocialError
from crawlers.social.model import Post, Skip, guess_lang, nfc
from crawlers.social.parse import parse_time
from crawlers.social.registry import SocialSource
from crawlers.social.runner import Context

TOKEN_ENV = "FACEBOOK_ACCESS_TOKEN"
PUBLIC = "https://www.facebook.com/"
POST_FIELDS = ("id,message,created_time,permalink_url,shares,"
               "reactions.summary(total_count).limit(0),comments.summary(total_count).limit(0)")
COMMENT_FIELDS = "id,message,created_time,from,like_count,comment_count,parent{id}"
# Graph API error codes: 190 expired or invalid token, 10/200 permission, 4/17/32/613 throttling.
TOKEN_CODES = {190, 102}
PERMISSION_CODES = {10, 200}
THROTTLE_CODES = {4, 17, 32, 613}


class Graph:
    """Graph API calls with the token; errors typed by their documented codes."""

    def __init__(self, base: str, token: str, context: Context) -> None:
        self.base = base if base.endswith("/") else base + "/"
        self.token = token
        self.http = context.http

    def get(self, path_or_url: str, **params: Any) -> dict[str, Any] | None:
        """One page of an edge; None when the object is gone (deleted or not visible to this token)."""
        absolute = path_or_url.startswith(("http://", "https://"))
        if absolute and urlsplit(path_or_url).netloc != urlsplit(self.base).netloc:
            raise SocialError(f"Graph API paging pointed off the API host: {path_or_url}")
        # A `next` link already carries the token and every parameter.
        answer = self.http.get(path_or_url if absolute else self.base + path_or_url,
                               None if absolute else {**params, "access_token": self.token})
        payload = answer.json()
        if answer.ok and isinstance(payload, dict):
            return payload
        err = payload.get("error", {}) if isinstance(payload, dict) else {}
        code = err.get("code")
        message = str(err.get("message", f"HTTP {answer.status}"))
        if code in TOKEN_CODES:
            raise AuthError(f"the Facebook token in {TOKEN_ENV} is expired or invalid (code {code}): {message} "
                            "— generate a new Page access token")
        if code in PERMISSION_CODES:
            raise AuthError(f"the Facebook token lacks a permission (code {code}): {message}")
        if code in THROTTLE_CODES:
            raise RateLimited(f"Facebook rate limit reached (code {code}): {message} — try again later")
        if (code == 100 and err.get("error_subcode") == 33) or answer.status == 404:
            return None
        raise SocialError(f"Graph API error {code}: {message}")


def parse_post(item: dict[str, Any]) -> Post | Skip:
    """A page post; posts without text (a photo alone) are skipped."""
    url = item.get("permalink_url") or PUBLIC + item["id"]
    text = nfc(item.get("message") or "")
    if not text:
        return Skip(url, "no text (media only)", gone=False)
    engagement = {"reactions": int(item.get("reactions", {}).get("summary", {}).get("total_count", 0)),
                  "comments": int(item.get("comments", {}).get("summary", {}).get("total_count", 0)),
                  "shares": int(item.get("shares", {}).get("count", 0))}
    return Post(url=url, kind="social", text=text, published_at=parse_time(item.get("created_time")),
                engagement=engagement, lang=guess_lang(text), extra={"graph_id": item["id"]})


def parse_comment(item: dict[str, Any], post: Post) -> Post | Skip:
    """A comment; a reply links to the comment it answers, a top-level comment to the post."""
    url = PUBLIC + item["id"]
    text = nfc(item.get("message") or "")
    if not text:
        return Skip(url, "no text (sticker or image only)", gone=False)
    parent = item.get("parent", {}).get("id")
    return Post(url=url, kind="comment", text=text, published_at=parse_time(item.get("created_time")),
                parent_url=PUBLIC + parent if parent else post.url, thread_url=post.url,
                author_id=(item.get("from") or {}).get("id"),
                engagement={"likes": int(item.get("like_count", 0)), "replies": int(item.get("comment_count", 0))},
                lang=guess_lang(text), extra={"graph_id": item["id"]})


def collect(source: SocialSource, context: Context) -> Iterator[Post | Skip]:
    """Newest posts of the page, then the comments (with replies, in stream order) of each."""
    token = context.env.get(TOKEN_ENV, "")
    if not token:
        raise AuthError(f"{TOKEN_ENV} is not set: export a Page access token of the page to collect")
    page = source.option("page")
    if not page:
        raise SocialError(f"source {source.name}: options.page must name the page id or username")
    graph = Graph(source.url, token, context)
    max_posts = int(source.option("max_posts", 25))
    posts: list[Post] = []
    listing = graph.get(f"{page}/posts", fields=POST_FIELDS, limit=min(max_posts, 100))
    if listing is None:
        raise SocialError(f"Facebook page {page!r} not found or not visible to this token")
    while listing is not None and len(posts) < max_posts:
        for item in listing.get("data", []):
            parsed = parse_post(item)
            yield parsed
            if isinstance(parsed, Post):
                posts.append(parsed)
        nxt = listing.get("paging", {}).get("next")
        listing = graph.get(nxt) if nxt and len(posts) < max_posts else None
    for post in posts[:max_posts]:
        comments = graph.get(f"{post.extra['graph_id']}/comments", fields=COMMENT_FIELDS, filter="stream",
                             order="reverse_chronological", limit=100)
        if comments is None:
            yield Skip(post.url, "comments not readable (post deleted or hidden)", gone=False)
            continue
        for _ in range(int(source.option("max_comment_pages", 2))):
            for item in comments.get("data", []):
                yield parse_comment(item, post)
            nxt = comments.get("paging", {}).get("next")
            if not nxt:
                break
            comments = graph.get(nxt) or {}
