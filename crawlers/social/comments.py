"""Comment sections of news articles an outlet serves publicly as JSON (VnExpress's comment service)."""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from typing import Any

from crawlers.social.errors import SocialError
from crawlers.social.model import Post, Skip, guess_lang, nfc
from crawlers.social.parse import parse_time
from crawlers.social.registry import SocialSource
from crawlers.social.runner import Context

# VnExpress article addresses end in the article id: …/ten-bai-viet-4812345.html
_VNEXPRESS_ID = re.compile(r"-(\d{6,})\.html?$")
VNEXPRESS_SITE = 1_000_000


def article_id(url: str) -> str | None:
    """The article id in a VnExpress address, or None."""
    match = _VNEXPRESS_ID.search(url.split("?", 1)[0].split("#", 1)[0])
    return match.group(1) if match else None


def comment_text(content: str) -> str:
    """Plain text of a comment's HTML: line breaks kept, inline tags and entities resolved."""
    text = re.sub(r"<br\s*/?>", "\n", content, flags=re.I)
    text = html.unescape(re.sub(r"<[^>]+>", "", text))
    return nfc("\n".join(re.sub(r"[ \t]+", " ", line).strip() for line in text.splitlines()).strip())


def parse_items(items: list[dict[str, Any]], article_url: str) -> Iterator[Post | Skip]:
    """Comments and the replies they carry; a reply links to its comment, a comment to the article."""
    for item in items:
        url = f"{article_url}#comment-{item.get('comment_id')}"
        text = comment_text(str(item.get("content") or ""))
        parent_id = item.get("parent_id")
        is_reply = parent_id not in (None, 0, item.get("comment_id"))
        replies = item.get("replys") or {}
        if not text:
            yield Skip(url, "empty comment", gone=False)
        else:
            engagement = {"likes": int(item.get("userlike") or 0)}
            if not is_reply:
                engagement["replies"] = int(replies.get("total") or 0)
            yield Post(
                url=url, kind="comment", text=text, published_at=parse_time(item.get("creation_time")),
                parent_url=f"{article_url}#comment-{parent_id}" if is_reply else article_url,
                thread_url=article_url, author_id=str(item["userid"]) if item.get("userid") else None,
                engagement=engagement, lang=guess_lang(text), extra={"comment_id": item.get("comment_id")},
            )
        yield from parse_items(replies.get("items") or [], article_url)


def collect(source: SocialSource, context: Context) -> Iterator[Post | Skip]:
    """Comments of the outlet's newest stored articles (and of any listed in options.articles)."""
    if source.option("outlet", "vnexpress") != "vnexpress":
        raise SocialError(f"source {source.name}: only outlet = \"vnexpress\" is supported so far")
    limit = int(source.option("limit", 25))
    wanted = int(source.option("max_articles", 30))
    urls = list(source.option("articles", [])) + context.articles(str(source.option("press_source", "")), wanted)
    for article_url in list(dict.fromkeys(urls))[:wanted]:
        object_id = article_id(article_url)
        if object_id is None:
            yield Skip(article_url, "no article id in the address", gone=False)
            continue
        for page in range(context.pages(source)):
            answer = context.http.get(source.url, {"objectid": object_id, "objecttype": 1, "siteid": VNEXPRESS_SITE,
                                                   "offset": page * limit, "limit": limit})
            payload = answer.json()
            if not answer.ok or not isinstance(payload, dict):
                raise SocialError(f"comment service answered HTTP {answer.status}")
            if payload.get("error"):
                yield Skip(article_url, f"comments not served ({payload.get('errorDescription') or payload['error']})",
                           gone=False)
                break
            data = payload.get("data") or {}
            items = data.get("items") or []
            yield from parse_items(items, article_url)
            if not items or (page + 1) * limit >= int(data.get("total") or 0):
                break
