"""YouTube Data API v3: search, videos, comment threads with replies, quota accounting, key errors."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from crawlers.social.errors import AuthError, QuotaExceeded
from crawlers.social.registry import SocialSource
from crawlers.social.youtube import WATCH
from tests.crawlers.social.apiserver import Answer, error, ok, serve_api
from tests.crawlers.social.conftest import NOW
from warehouse.records import document_id

ENV = {"YOUTUBE_API_KEY": "AIza-test-key"}
QUOTA_ERROR = {"error": {"code": 403, "message": "The request cannot be completed because you have exceeded your "
                         "<a href=\"/youtube/v3/getting-started#quota\">quota</a>.",
                         "errors": [{"message": "quota", "domain": "youtube.quota", "reason": "quotaExceeded"}]}}


def video(vid: str, title: str, views: str) -> dict[str, Any]:
    """A videos.list item."""
    return {"kind": "youtube#video", "id": vid, "snippet": {
        "publishedAt": "2026-11-19T02:00:00Z", "channelId": f"UC{vid}", "title": title,
        "description": f"{title} – mô tả", "channelTitle": "Kênh thời sự"},
        "statistics": {"viewCount": views, "likeCount": "120", "favoriteCount": "0", "commentCount": "3"}}


def comment(cid: str, text: str, likes: int, parent: str | None = None) -> dict[str, Any]:
    """A comment resource."""
    snippet = {"textDisplay": text, "textOriginal": text, "authorDisplayName": "@nguoixem",
               "authorChannelId": {"value": f"UCuser{cid}"}, "likeCount": likes,
               "publishedAt": "2026-11-19T03:00:00Z", "updatedAt": "2026-11-19T03:00:00Z"}
    if parent:
        snippet["parentId"] = parent
    return {"kind": "youtube#comment", "id": cid, "snippet": snippet}


def thread(cid: str, text: str, replies: list[dict[str, Any]]) -> dict[str, Any]:
    """A commentThreads.list item."""
    return {"kind": "youtube#commentThread", "id": cid, "snippet": {
        "videoId": "v1", "topLevelComment": comment(cid, text, 9), "canReply": True,
        "totalReplyCount": len(replies), "isPublic": True}, **({"replies": {"comments": replies}} if replies else {})}


def youtube(path: str, query: dict[str, str]) -> Answer:
    """The three API methods as the documentation shapes them."""
    assert query["key"] == ENV["YOUTUBE_API_KEY"]
    method = path.rsplit("/", 1)[-1]
    if method == "search":
        found = [{"kind": "youtube#searchResult", "id": {"kind": "youtube#video", "videoId": v}}
                 for v in ("v1", "v2", "v3")]
        return ok({"kind": "youtube#searchListResponse", "items": found})
    if method == "videos":
        assert query["id"] == "v1,v2,v3"
        return ok({"kind": "youtube#videoListResponse", "items": [video("v1", "Tăng lương cơ sở", "15000"),
                                                                  video("v2", "Bản tin 🔴 LIVE", "800")]})
    if method == "commentThreads" and query["videoId"] == "v2":
        return error(403, {"error": {"code": 403, "errors": [{"reason": "commentsDisabled"}]}})
    if query.get("pageToken") == "p2":
        return ok({"items": [thread("c2", "tang luong thi gia ca cung tang", [])]})
    return ok({"nextPageToken": "p2", "items": [
        thread("c1", "Tăng lương là tốt nhưng giá cả thì sao 🤔", [comment("c1.r1", "Đúng vậy", 1, parent="c1")])]})


def source(base: str, tmp_path: Path, **options: Any) -> SocialSource:
    """A youtube search source against the local API."""
    return SocialSource(name="yt-test", display_name="YouTube", connector="youtube", url=f"{base}/youtube/v3/",
                        options={"query": "tăng lương", "quota_ledger": str(tmp_path / "quota.json"), **options})


def test_videos_comments_replies_and_quota_ledger(
    tmp_path: Path, run: Callable[..., Any], query: Callable[..., list[tuple[Any, ...]]]
) -> None:
    with serve_api(youtube) as api:
        stats = run(source(api.base, tmp_path), env=ENV)
    assert [p.rsplit("/", 1)[-1] for p in api.paths()] == ["search", "videos", "commentThreads", "commentThreads",
                                                            "commentThreads"]
    assert stats.new == 2 + 3
    assert stats.skipped == {"video deleted or private": 1, "comments not readable (commentsDisabled)": 1}
    v1 = WATCH + "v1"
    rows = {r[0]: r[1:] for r in query("SELECT url, kind, parent_id, title, text FROM documents")}
    assert rows[v1][:3] == ("social", None, "Tăng lương cơ sở")
    assert rows[f"{v1}&lc=c1"][:2] == ("comment", document_id(v1))
    assert rows[f"{v1}&lc=c1.r1"][1] == document_id(f"{v1}&lc=c1")
    assert rows[f"{v1}&lc=c2"][3] == "tang luong thi gia ca cung tang"
    views = query("SELECT value FROM engagement_snapshots WHERE document_id = ? AND metric = 'views'",
                  document_id(v1))
    assert views == [(15000,)]
    # search 100 units, videos 1, three commentThreads pages 1 each; NOW is midnight of the 20th in Pacific time.
    assert NOW.hour == 8
    assert json.loads((tmp_path / "quota.json").read_text()) == {"2026-11-20": 100 + 1 + 3}


def test_local_budget_stops_before_the_call(tmp_path: Path, run: Callable[..., Any]) -> None:
    (tmp_path / "quota.json").write_text(json.dumps({"2026-11-20": 60}))
    with serve_api(youtube) as api, pytest.raises(QuotaExceeded, match="60 of 150 units used today"):
        run(source(api.base, tmp_path, daily_quota=150), env=ENV)
    assert api.calls == []


def test_quota_exceeded_from_the_api_is_remembered(tmp_path: Path, run: Callable[..., Any]) -> None:
    with serve_api(lambda path, query: error(403, QUOTA_ERROR)) as api, pytest.raises(QuotaExceeded, match="spent"):
        run(source(api.base, tmp_path), env=ENV)
    assert json.loads((tmp_path / "quota.json").read_text()) == {"2026-11-20": 10_000}
    with serve_api(youtube) as api, pytest.raises(QuotaExceeded):
        run(source(api.base, tmp_path), env=ENV)
    assert api.calls == []


def test_missing_or_bad_key_is_an_auth_error(tmp_path: Path, run: Callable[..., Any]) -> None:
    with pytest.raises(AuthError, match="YOUTUBE_API_KEY is not set"):
        run(source("http://127.0.0.1:9", tmp_path), env={})
    bad = {"error": {"code": 400, "message": "API key not valid.", "errors": [{"reason": "keyInvalid"}]}}
    with serve_api(lambda path, query: error(400, bad)) as api, pytest.raises(AuthError, match="keyInvalid"):
        run(source(api.base, tmp_path), env=ENV)
