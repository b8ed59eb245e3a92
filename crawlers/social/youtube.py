"""YouTube Data API v3: videos by search or channel uploads, their statistics and comment threads."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from crawlers.social.errors import AuthError, QuotaExceeded, SocialError
from crawlers.social.model import Post, Skip, guess_lang, nfc
from crawlers.social.parse import parse_time
from crawlers.social.registry import SocialSource
from crawlers.social.runner import Context

KEY_ENV = "YOUTUBE_API_KEY"
WATCH = "https://www.youtube.com/watch?v="
# Documented quota costs (units per call) of the methods used; the default project quota is 10,000 a day.
COSTS = {"search": 100, "videos": 1, "commentThreads": 1, "channels": 1, "playlistItems": 1}
DEFAULT_DAILY_QUOTA = 10_000
# Quotas reset at midnight Pacific time.
QUOTA_ZONE = ZoneInfo("America/Los_Angeles")


@dataclass
class Quota:
    """Units spent today, kept in a small JSON ledger so several runs a day share one budget."""

    limit: int
    ledger: Path | None = None
    used: int = 0
    day: str = ""
    calls: dict[str, int] = field(default_factory=dict)

    @classmethod
    def load(cls, limit: int, ledger: Path | None, now: datetime) -> Quota:
        """Today's usage from the ledger (a new day starts at zero)."""
        day = now.astimezone(QUOTA_ZONE).date().isoformat()
        used = 0
        if ledger and ledger.is_file():
            try:
                saved = json.loads(ledger.read_text(encoding="utf-8"))
                used = int(saved.get(day, 0))
            except (ValueError, AttributeError, TypeError):
                used = 0
        return cls(limit=limit, ledger=ledger, used=used, day=day)

    def spend(self, method: str) -> None:
        """Count a call before it is made; refuse when it would pass the daily budget."""
        cost = COSTS[method]
        if self.used + cost > self.limit:
            raise QuotaExceeded(
                f"YouTube quota spent: {self.used} of {self.limit} units used today ({method} costs {cost}); "
                "it resets at midnight Pacific time"
            )
        self.used += cost
        self.calls[method] = self.calls.get(method, 0) + 1
        self.save()

    def exhaust(self) -> None:
        """The API says the quota is gone: remember it for the rest of the day."""
        self.used = max(self.used, self.limit)
        self.save()

    def save(self) -> None:
        """Write today's usage to the ledger."""
        if self.ledger:
            self.ledger.parent.mkdir(parents=True, exist_ok=True)
            self.ledger.write_text(json.dumps({self.day: self.used}), encoding="utf-8")


def _reason(payload: Any) -> str:
    errors = (payload or {}).get("error", {}).get("errors", []) if isinstance(payload, dict) else []
    return str(errors[0].get("reason", "")) if errors else ""


class Api:
    """Calls of the Data API with the key, quota counted, errors typed."""

    def __init__(self, base: str, key: str, quota: Quota, context: Context) -> None:
        self.base = base if base.endswith("/") else base + "/"
        self.key = key
        self.quota = quota
        self.http = context.http
        self.last_reason = ""

    def call(self, method: str, **params: Any) -> dict[str, Any] | None:
        """One API call; None for a missing or unreadable resource (reason kept in `last_reason`)."""
        self.quota.spend(method)
        answer = self.http.get(self.base + method, {**params, "key": self.key})
        payload = answer.json()
        if answer.ok and isinstance(payload, dict):
            return payload
        reason = _reason(payload)
        self.last_reason = reason or f"HTTP {answer.status}"
        if reason in ("quotaExceeded", "dailyLimitExceeded"):
            self.quota.exhaust()
            raise QuotaExceeded("YouTube says the API quota of this key is spent (quotaExceeded): "
                                "it resets at midnight Pacific time, or ask Google for a higher quota")
        if reason in ("keyInvalid", "keyExpired", "accessNotConfigured", "forbidden") or answer.status == 401:
            raise AuthError(f"YouTube refused {KEY_ENV} ({reason or answer.status}): check the key and that "
                            "the YouTube Data API v3 is enabled for its project")
        if answer.status in (403, 404):
            return None
        raise SocialError(f"YouTube {method} answered HTTP {answer.status} {reason}".strip())


def _video(item: dict[str, Any]) -> Post:
    snippet = item.get("snippet", {})
    stats = item.get("statistics", {})
    title = nfc(snippet.get("title", ""))
    text = nfc(snippet.get("description", "")) or title
    engagement = {name: int(stats[key]) for name, key in
                  (("views", "viewCount"), ("likes", "likeCount"), ("comments", "commentCount")) if key in stats}
    return Post(url=WATCH + item["id"], kind="social", title=title, text=text,
                published_at=parse_time(snippet.get("publishedAt")), author_id=snippet.get("channelId"),
                engagement=engagement, lang=snippet.get("defaultAudioLanguage") or guess_lang(f"{title} {text}"),
                extra={"channel": snippet.get("channelTitle"), "video_id": item["id"]})


def _comment(comment: dict[str, Any], video_url: str, parent_url: str, replies: int | None = None) -> Post | Skip:
    snippet = comment.get("snippet", {})
    url = f"{video_url}&lc={comment['id']}"
    text = nfc(snippet.get("textOriginal") or snippet.get("textDisplay") or "")
    if not text:
        return Skip(url, "empty comment", gone=False)
    engagement = {"likes": int(snippet.get("likeCount", 0))}
    if replies is not None:
        engagement["replies"] = replies
    author = (snippet.get("authorChannelId") or {}).get("value")
    return Post(url=url, kind="comment", text=text, published_at=parse_time(snippet.get("publishedAt")),
                parent_url=parent_url, thread_url=video_url, author_id=author, engagement=engagement,
                lang=guess_lang(text), extra={"comment_id": comment["id"]})


def parse_threads(payload: dict[str, Any], video_url: str) -> Iterator[Post | Skip]:
    """Top-level comments (parent: the video) and the replies the thread carries (parent: the comment)."""
    for thread in payload.get("items", []):
        snippet = thread.get("snippet", {})
        top = snippet.get("topLevelComment")
        if not top:
            continue
        item = _comment(top, video_url, video_url, int(snippet.get("totalReplyCount", 0)))
        yield item
        for reply in thread.get("replies", {}).get("comments", []):
            yield _comment(reply, video_url, f"{video_url}&lc={top['id']}")


def _video_ids(api: Api, source: SocialSource, limit: int) -> list[str]:
    channel = source.option("channel_id")
    if channel:
        found = api.call("channels", part="contentDetails", id=channel)
        items = (found or {}).get("items", [])
        if not items:
            raise SocialError(f"YouTube channel {channel} not found")
        uploads = items[0]["contentDetails"]["relatedPlaylists"]["uploads"]
        listing = api.call("playlistItems", part="contentDetails", playlistId=uploads, maxResults=min(limit, 50))
        return [i["contentDetails"]["videoId"] for i in (listing or {}).get("items", [])][:limit]
    query = source.option("query")
    if not query:
        raise SocialError(f"source {source.name}: options need query or channel_id")
    found = api.call("search", part="snippet", q=query, type="video", order="date", maxResults=min(limit, 50),
                     regionCode=source.option("region", "VN"), relevanceLanguage=source.option("language", "vi"))
    return [i["id"]["videoId"] for i in (found or {}).get("items", []) if i.get("id", {}).get("videoId")][:limit]


def collect(source: SocialSource, context: Context) -> Iterator[Post | Skip]:
    """Videos of the query or channel with their statistics, then each video's newest comment threads."""
    key = context.env.get(KEY_ENV, "")
    if not key:
        raise AuthError(f"{KEY_ENV} is not set: create an API key for the YouTube Data API v3 and export it")
    ledger = source.option("quota_ledger", "data/youtube-quota.json")
    quota = Quota.load(int(source.option("daily_quota", DEFAULT_DAILY_QUOTA)), Path(ledger), context.now)
    api = Api(source.url, key, quota, context)
    ids = _video_ids(api, source, int(source.option("max_videos", 10)))
    if not ids:
        return
    details = api.call("videos", part="snippet,statistics", id=",".join(ids)) or {}
    found = {item["id"]: item for item in details.get("items", [])}
    for video_id in ids:
        if video_id not in found:
            yield Skip(WATCH + video_id, "video deleted or private")
            continue
        video = _video(found[video_id])
        yield video
        token: str | None = None
        for _ in range(int(source.option("max_comment_pages", 2))):
            page = api.call("commentThreads", part="snippet,replies", videoId=video_id, maxResults=100,
                            order="time", textFormat="plainText", pageToken=token)
            if page is None:
                yield Skip(video.url, f"comments not readable ({api.last_reason})", gone=False)
                break
            yield from parse_threads(page, video.url)
            token = page.get("nextPageToken")
            if not token:
                break
