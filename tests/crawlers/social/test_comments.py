"""News comment sections (VnExpress's comment service): comments link to the stored article."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from crawlers.social.comments import article_id
from crawlers.social.errors import SocialError
from crawlers.social.registry import SocialSource
from pipelines.cli_social import press_urls
from tests.crawlers.social.apiserver import Answer, error, ok, serve_api
from warehouse.db import open_writer
from warehouse.records import Document, document_id
from warehouse.write import write_documents

ARTICLE = "https://vnexpress.net/gia-xang-giam-manh-tu-15h-chieu-nay-4812345.html"
MISSING = "https://vnexpress.net/bai-da-go-4800000.html"


def item(cid: int, content: str, parent: int | None = None, replies: list[dict[str, Any]] | None = None,
         ) -> dict[str, Any]:
    """One comment as the service returns it."""
    return {"comment_id": cid, "parent_id": parent or cid, "article_id": 4812345, "content": content,
            "full_name": "Độc giả", "userid": 1000 + cid, "creation_time": 1763600000 + cid, "time": "1h trước",
            "userlike": cid * 10, "type": 1,
            "replys": {"total": len(replies or []), "items": replies or []}}


def service(path: str, query: dict[str, str]) -> Answer:
    """Two pages of comments for the article, an error for the removed one."""
    assert path == "/index/get" and query["siteid"] == "1000000" and query["objecttype"] == "1"
    if query["objectid"] == "4800000":
        return ok({"error": 1, "errorDescription": "Bài viết không tồn tại", "data": []})
    if query["objectid"] != "4812345":
        return error(500, {})
    if query["offset"] == "0":
        return ok({"error": 0, "errorDescription": "", "iscomment": 1, "data": {"total": 3, "totalitem": 4, "items": [
            item(1, "Giảm được <b>1.000đ</b> mà cũng đưa tin 😂😂", replies=[item(11, "de thuong qua", parent=1)]),
            item(2, "Mong giá giữ ổn định lâu dài"),
        ]}})
    return ok({"error": 0, "data": {"total": 3, "items": [item(3, "")]}})


def seed_article(db: Path) -> None:
    """A press article as the press crawler stores it."""
    with open_writer(db) as con:
        write_documents(con, [Document(url=ARTICLE, source="vnexpress", title="Giá xăng giảm mạnh", text="…",
                                       published_at=datetime(2026, 11, 19, 8, tzinfo=UTC))])


def source(base: str, **options: Any) -> SocialSource:
    """A comments source against the local service."""
    return SocialSource(name="vne-comments", display_name="VnExpress comments", connector="comments",
                        url=f"{base}/index/get",
                        options={"press_source": "vnexpress", "limit": 2, **options})


def test_article_id() -> None:
    assert article_id(ARTICLE) == "4812345"
    assert article_id(ARTICLE + "?utm_source=x#box_comment") == "4812345"
    assert article_id("https://vnexpress.net/thoi-su") is None


def test_comments_link_to_the_stored_article(
    db_path: Path, run: Callable[..., Any], query: Callable[..., list[tuple[Any, ...]]]
) -> None:
    seed_article(db_path)
    with serve_api(service) as api:
        stats = run(source(api.base, articles=[MISSING, "https://vnexpress.net/thoi-su"]),
                    articles=press_urls(db_path))
    assert [q["offset"] for _, q in api.calls if q["objectid"] == "4812345"] == ["0", "2"]
    assert stats.new == 3
    assert stats.skipped == {"empty comment": 1, "no article id in the address": 1,
                             "comments not served (Bài viết không tồn tại)": 1}
    joined = query("SELECT c.text, p.kind, p.url FROM documents c JOIN documents p ON c.parent_id = p.id "
                   "WHERE c.kind = 'comment' ORDER BY c.url")
    assert joined == [("Giảm được 1.000đ mà cũng đưa tin 😂😂", "press", ARTICLE),
                      ("de thuong qua", "comment", f"{ARTICLE}#comment-1"),
                      ("Mong giá giữ ổn định lâu dài", "press", ARTICLE)]
    likes = query("SELECT value FROM engagement_snapshots WHERE document_id = ? AND metric = 'replies'",
                  document_id(f"{ARTICLE}#comment-1"))
    assert likes == [(1,)]


def test_broken_service_is_an_error(run: Callable[..., Any]) -> None:
    with serve_api(lambda path, query: error(502, {})) as api, pytest.raises(SocialError, match="HTTP 502"):
        run(source(api.base, articles=[ARTICLE]))
