"""Reddit: a subreddit's public listing JSON (/new.json, `after` cursor) and each post's comment tree."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from crawlers.social.errors import AuthError, SocialError
from crawlers.social.model import Post, Skip, guess_lang, nfc
from crawlers.social.parse import parse_time
from crawlers.social.registry import SocialSource
from crawlers.social.runner import Context

PUBLIC_BASE = "https://www.reddit.com"
GONE = {"[deleted]": "deleted by its author", "[removed]": "removed by moderators"}


def _children(listing: Any) -> list[dict[str, Any]]:
    if not isinstance(listing, dict) or listing.get("kind") != "Listing":
        return []
    children = listing.get("data", {}).get("children", [])
    return [c for c in children if isinstance(c, dict)]


def parse_post(data: dict[str, Any]) -> Post | Skip:
    """A t3 (link or self post) as a social document; removed or deleted ones as a skip."""
    url = PUBLIC_BASE + data["permalink"]
    body = data.get("selftext") or ""
    if data.get("removed_by_category") or body in GONE:
        reason = GONE.get(body) or f"removed ({data.get('removed_by_category')})"
        return Skip(url, reason)
    title = nfc(data.get("title") or "")
    extra: dict[str, Any] = {"subreddit": data.get("subreddit"), "reddit_id": data.get("name")}
    if not data.get("is_self") and data.get("url"):
        extra["link"] = data["url"]
    if data.get("over_18"):
        extra["nsfw"] = True
    return Post(
        url=url, kind="social", title=title, text=nfc(body) or title,
        published_at=parse_time(data.get("created_utc")), author_id=_author(data),
        engagement={"score": int(data.get("score") or 0), "comments": int(data.get("num_comments") or 0)},
        extra=extra, lang=guess_lang(f"{title} {body}"),
    )


def _author(data: dict[str, Any]) -> str | None:
    author = data.get("author")
    if author in (None, "[deleted]"):
        return None
    return str(data.get("author_fullname") or author)


def parse_comments(tree: Any, post_url: str) -> Iterator[Post | Skip]:
    """Every comment of a comment listing, depth first; parent links follow the t1_/t3_ parent ids."""
    for child in _children(tree):
        if child.get("kind") != "t1":
            continue  # "more" stubs: the rest of a long thread, fetched by the API only on demand
        data = child.get("data", {})
        url = f"{post_url}{data['id']}/"
        body = data.get("body") or ""
        if body in GONE:
            yield Skip(url, GONE[body])
        else:
            parent = str(data.get("parent_id") or "")
            yield Post(
                url=url, kind="comment", text=nfc(body), published_at=parse_time(data.get("created_utc")),
                parent_url=f"{post_url}{parent[3:]}/" if parent.startswith("t1_") else post_url,
                thread_url=post_url, author_id=_author(data),
                engagement={"score": int(data.get("score") or 0)},
                extra={"reddit_id": data.get("name"), "depth": data.get("depth")}, lang=guess_lang(body),
            )
        # Replies of a deleted comment stay visible on Reddit, so they are collected all the same.
        yield from parse_comments(data.get("replies"), post_url)


def _check(status: int, payload: Any, what: str) -> None:
    if status == 200:
        return
    reason = payload.get("reason") if isinstance(payload, dict) else None
    if status in (401, 403):
        raise AuthError(f"{what} is not public (HTTP {status}{': ' + reason if reason else ''})")
    if status == 404:
        raise SocialError(f"{what} does not exist{' (' + reason + ')' if reason else ''}")
    raise SocialError(f"{what} answered HTTP {status}")


def collect(source: SocialSource, context: Context) -> Iterator[Post | Skip]:
    """Newest posts of the subreddit page by page, then the comment trees of the newest posts."""
    base = source.url.rstrip("/")
    with_comments = int(source.option("max_posts_with_comments", 25))
    after: str | None = None
    posts: list[Post] = []
    for _ in range(context.pages(source)):
        answer = context.http.get(f"{base}/new.json", {"limit": 100, "after": after, "raw_json": 1})
        payload = answer.json()
        _check(answer.status, payload, base.rsplit("/", 1)[-1])
        for child in _children(payload):
            if child.get("kind") == "t3":
                item = parse_post(child.get("data", {}))
                yield item
                if isinstance(item, Post):
                    posts.append(item)
        after = payload.get("data", {}).get("after")
        if not after:
            break
    for post in posts[:with_comments]:
        permalink = post.url[len(PUBLIC_BASE):]
        answer = context.http.get(f"{base.split('/r/', 1)[0]}{permalink.rstrip('/')}.json", {"raw_json": 1})
        if answer.status in (403, 404):
            yield Skip(post.url, f"comments not readable (HTTP {answer.status})", gone=False)
            continue
        payload = answer.json()
        _check(answer.status, payload, post.url)
        if isinstance(payload, list) and len(payload) == 2:
            yield from parse_comments(payload[1], post.url)
