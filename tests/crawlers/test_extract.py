"""Article extraction on pages written in the shape of real sites (always run)."""

from __future__ import annotations

from crawlers.extract import Article, extract_article

BODY = "".join(
    f"<p>Đoạn văn thứ {i} của bài viết nói về chính sách mới của Chính phủ đối với người lao động.</p>"
    for i in range(1, 8)
)


def _page(head: str = "", body: str = BODY) -> str:
    return f"<html lang='vi'><head><meta charset='utf-8'>{head}<title>Tiêu đề bài</title></head><body><article><h1>Tiêu đề bài</h1>{body}</article></body></html>"


def test_minimal_article_has_title_text_and_time() -> None:
    head = '<meta property="article:published_time" content="2026-03-07T08:01:53+07:00">'
    art = extract_article(_page(head), "https://example.vn/bai-viet-123.html")
    assert isinstance(art, Article)
    assert art.title == "Tiêu đề bài"
    assert "Đoạn văn thứ 1" in art.text and "Đoạn văn thứ 7" in art.text
    assert art.to_dict()["published_at"] == "2026-03-07T08:01:53+07:00"


def test_empty_page_gives_none() -> None:
    assert extract_article(b"", "https://example.vn/x") is None
    assert extract_article("<html><body></body></html>", "https://example.vn/x") is None
