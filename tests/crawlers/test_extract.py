"""Article extraction on small pages written for the tests (always run, no network)."""

from __future__ import annotations

import gzip
import json
import logging
import sys
import threading
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from crawlers.dates import parse_datetime
from crawlers.extract import Article, decode_html, extract_article
from pipelines.cli import app, main
from pipelines.errors import UserError
from tests.crawlers.test_extract_golden import to_windows_1258

PAGES = Path(__file__).parent / "golden" / "pages"
URL = "https://example.vn/a-1.html"
ICT = timezone(timedelta(hours=7))
PARAGRAPHS = "".join(
    f"<p>Đoạn {i}: Bộ Lao động cho biết chính sách mới về bảo hiểm xã hội áp dụng cho người lao động tự do.</p>"
    for i in range(1, 8)
)


def _page(head: str = "", body: str = PARAGRAPHS, title: str = "Tiêu đề bài viết về bảo hiểm xã hội") -> str:
    return (
        f"<html lang='vi'><head><meta charset='utf-8'>{head}<title>{title}</title></head>"
        f"<body><article><h1>{title}</h1>{body}</article></body></html>"
    )


# --- the record ---------------------------------------------------------------------------------


def test_to_dict_is_json_ready_with_offset() -> None:
    art = Article(
        url="https://a.vn/x",
        canonical_url="https://a.vn/x",
        title="T",
        text="x",
        published_at=datetime(2026, 3, 7, 8, 1, tzinfo=ICT),
        tags=["a"],
    )
    data = json.loads(json.dumps(art.to_dict()))
    assert data["published_at"] == "2026-03-07T08:01:00+07:00"
    assert set(data) == {
        *("url", "canonical_url", "title", "text", "published_at", "author", "section", "lang", "tags")
    }


def test_minimal_article() -> None:
    head = '<meta property="article:published_time" content="2026-03-07T08:01:53+07:00">'
    art = extract_article(_page(head), "https://example.vn/bai-viet-123.html?utm_source=fb#top")
    assert art is not None
    assert art.title == "Tiêu đề bài viết về bảo hiểm xã hội"
    assert art.text.startswith("Đoạn 1:") and art.text.endswith("người lao động tự do.")
    assert art.to_dict()["published_at"] == "2026-03-07T08:01:53+07:00"
    assert art.canonical_url == "https://example.vn/bai-viet-123.html"
    assert art.lang == "vi"


# --- publication time ---------------------------------------------------------------------------


def _published(html: str) -> str:
    art = extract_article(html, "https://example.vn/a-1.html")
    assert art is not None and art.published_at is not None
    return art.published_at.isoformat()


@pytest.mark.parametrize(
    ("shown", "expected"),
    [
        ("Thứ bảy, 7/3/2026, 00:05 (GMT+7)", "2026-03-07T00:05:00+07:00"),
        ("07/03/2026 08:01 GMT+7", "2026-03-07T08:01:00+07:00"),
        ("Thứ Ba, 25/12/2012 - 10:03", "2012-12-25T10:03:00+07:00"),
        ("15:20 PM | 21/12/2012", "2012-12-21T15:20:00+07:00"),
        ("Cập nhật thứ hai, ngày 24/12/12 11:05 tối", "2012-12-24T23:05:00+07:00"),
        ("Thứ Hai, 24/12/2012, 03:04 AM (GMT+7)", "2012-12-24T03:04:00+07:00"),
        ("2026-03-07T01:05:00Z", "2026-03-07T01:05:00+00:00"),
        ("2012-12-23T14:02+07:00", "2012-12-23T14:02:00+07:00"),
        ("2026/03/07 08:01", "2026-03-07T08:01:00+07:00"),
        ("Cập nhật lúc 10:15 ngày 07 tháng 3, năm 2026", "2026-03-07T10:15:00+07:00"),
        ("7 tháng 3, 2026 | 08:01", "2026-03-07T08:01:00+07:00"),
        ("Published 08:30 March 7, 2026", "2026-03-07T08:30:00+07:00"),
        ("Sat, 07 Mar 2026 01:05:00 GMT", "2026-03-07T01:05:00+00:00"),
    ],
)
def test_parse_shown_times(shown: str, expected: str) -> None:
    parsed = parse_datetime(shown)
    assert parsed is not None and parsed[1]
    assert parsed[0].isoformat() == expected


def test_parse_rejects_non_dates() -> None:
    assert parse_datetime("(20/12)") is None
    assert parse_datetime("Số 32/2026/NĐ-CP") is None
    parsed = parse_datetime("2012-12-25")
    assert parsed is not None and parsed[1] is False


@pytest.mark.parametrize(
    ("head", "expected"),
    [
        # No offset on a Vietnamese page: Vietnam time.
        (
            '<meta property="article:published_time" content="2026-03-07T08:01:00">',
            "2026-03-07T08:01:00+07:00",
        ),
        # UTC in JSON-LD: shown in Vietnam time, same instant.
        (
            '<script type="application/ld+json">'
            '{"@type":"NewsArticle","datePublished":"2026-03-07T01:05:00Z"}</script>',
            "2026-03-07T08:05:00+07:00",
        ),
        # Broken JSON-LD is skipped, not fatal.
        (
            '<script type="application/ld+json">{"@type": "NewsArticle", "headline": "X",</script>'
            '<meta property="article:published_time" content="2026-01-02T03:04:00+07:00">',
            "2026-01-02T03:04:00+07:00",
        ),
    ],
)
def test_time_from_metadata(head: str, expected: str) -> None:
    assert _published(_page(head)) == expected


def test_date_only_metadata_takes_the_time_beside_the_headline() -> None:
    body = "<div class='meta'>Thứ Ba, 25/12/2012 - 10:03</div>" + PARAGRAPHS
    body += "<ul><li><span class='time'>26/12/2012 09:00</span></li></ul>"  # a related story's time
    head = '<meta itemprop="datePublished" content="2012-12-25">'
    assert _published(_page(head, body)) == "2012-12-25T10:03:00+07:00"


def test_byline_time_beats_a_bare_date_meta_of_another_day() -> None:
    body = "<div class='meta'>07/03/2026 08:01</div>" + PARAGRAPHS
    body += "<div class='sidebar'><span class='time'>08/03/2026 22:00</span></div>"
    assert _published(_page('<meta name="date" content="2026-03-08">', body)) == "2026-03-07T08:01:00+07:00"


def test_marked_up_time_nearest_the_headline_wins() -> None:
    other = "<a href='/b'>Tin khác</a><time datetime='2026-03-09T21:00'>21:00</time>"
    sidebar = f"<aside><ul><li>{other}</li></ul></aside>"
    html = _page(body="<time datetime='2026-03-08T07:45:00+07:00'>07:45</time>" + PARAGRAPHS)
    html = html.replace("<body>", "<body>" + sidebar)
    assert _published(html) == "2026-03-08T07:45:00+07:00"


# --- decoding -----------------------------------------------------------------------------------


def test_windows_1258_page_with_meta_charset() -> None:
    html = _page(head='<meta http-equiv="Content-Type" content="text/html; charset=windows-1258">')
    data = to_windows_1258(html.replace("<meta charset='utf-8'>", ""))
    art = extract_article(data, "https://example.gov.vn/a-1.html")
    assert art is not None
    assert art.title == "Tiêu đề bài viết về bảo hiểm xã hội"
    assert "chính sách mới về bảo hiểm xã hội" in art.text


def test_wrong_header_charset_loses_to_the_page() -> None:
    utf8 = _page().encode("utf-8")
    assert "bảo hiểm" in decode_html(utf8, "text/html; charset=ISO-8859-1")
    cp1258 = to_windows_1258(_page().replace("charset='utf-8'", "charset='windows-1258'"))
    assert "bảo hiểm" in decode_html(cp1258, "text/html; charset=ISO-8859-1")


def test_header_charset_used_when_the_page_says_nothing() -> None:
    data = to_windows_1258(_page().replace("<meta charset='utf-8'>", ""))
    assert "bảo hiểm xã hội" in decode_html(data, "text/html; charset=windows-1258")
    assert "bảo hiểm xã hội" in decode_html(data, "windows-1258")


def test_mislabelled_or_unlabelled_windows_1258_is_detected() -> None:
    mislabelled = to_windows_1258(_page())  # the page claims utf-8
    unlabelled = to_windows_1258(_page().replace("<meta charset='utf-8'>", ""))
    for data in (mislabelled, unlabelled):
        assert "Tiêu đề bài viết về bảo hiểm xã hội" in decode_html(data)


def test_gzipped_page() -> None:
    art = extract_article(gzip.compress(_page().encode("utf-8")), URL)
    assert art is not None and "bảo hiểm xã hội" in art.text


def test_utf16_with_bom() -> None:
    data = _page().replace("utf-8", "utf-16").encode("utf-16")
    assert data[:2] in (b"\xff\xfe", b"\xfe\xff")
    art = extract_article(data, "https://example.vn/a-1.html")
    assert art is not None and "bảo hiểm xã hội" in art.text


def test_xhtml_with_xml_declaration() -> None:
    xml = '<?xml version="1.0" encoding="utf-8"?>\n'
    page = _page().replace("<html lang='vi'>", "<html xmlns='http://www.w3.org/1999/xhtml' lang='vi'>")
    for data in (xml + page, (xml + page).encode("utf-8")):
        art = extract_article(data, "https://example.vn/a-1.html")
        assert art is not None and art.title == "Tiêu đề bài viết về bảo hiểm xã hội"


def test_headline_in_a_vietnamese_named_title_block() -> None:
    html = _page().replace("<h1>", "<div class='tieude'>").replace("</h1>", "</div>")
    assert extract_article(html, "https://example.vn/a-1.html") is not None


def test_decomposed_text_is_normalised() -> None:
    import unicodedata

    art = extract_article(unicodedata.normalize("NFD", _page()), "https://example.vn/a-1.html")
    assert art is not None and unicodedata.is_normalized("NFC", art.text + art.title)


# --- non-articles and bad input -----------------------------------------------------------------


@pytest.mark.parametrize(
    "data",
    [
        b"",
        b"   \n",
        "<html><body></body></html>",
        b"\x00\xff\xfe garbage \x00" * 50,
        "<html><body><p>Ngắn quá.</p></body></html>",
        "<<<>>><p><div></span></table>",
        "<html><body>" + "<div>" * 5000 + "sâu" + "</div>" * 5000 + "</body></html>",
    ],
)
def test_hopeless_pages_give_none(data: str | bytes) -> None:
    assert extract_article(data, "https://example.vn/x.html") is None


def test_broken_html_still_extracts() -> None:
    html = _page(body=PARAGRAPHS.replace("</p>", "", 4) + "<div><table><tr><td>")[:-20]
    art = extract_article(html, "https://example.vn/a-1.html")
    assert art is not None and "Đoạn 1:" in art.text and "Đoạn 6:" in art.text


def test_reason_is_logged_for_none(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.INFO, logger="crawlers.extract"):
        data = (PAGES / "section_list.html").read_bytes()
        assert extract_article(data, "https://bao-mau.test/kinh-te") is None
    assert any("not an article" in r.getMessage() for r in caplog.records)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(st.binary(max_size=3000), st.text(max_size=3000)))
def test_never_raises(data: bytes | str) -> None:
    result = extract_article(data, "https://example.vn/x.html")
    assert result is None or isinstance(result, Article)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.integers(min_value=0, max_value=10_000))
def test_truncated_real_shaped_page_never_raises(cut: int) -> None:
    data = (PAGES / "vnexpress_like.html").read_bytes()
    result = extract_article(data[:cut], "https://vnexpress-like.test/a-1.html")
    assert result is None or isinstance(result, Article)


# --- boilerplate --------------------------------------------------------------------------------


def test_trailing_source_and_byline_lines_are_removed() -> None:
    body = PARAGRAPHS + "<p>Nhịp sống thị trường</p>"
    art = extract_article(_page(body=body), "https://example.vn/a-1.html")
    assert art is not None and "Nhịp sống thị trường" not in art.text
    body = PARAGRAPHS + "<p>Theo Đại Đoàn kết</p>"
    art = extract_article(_page(body=body), "https://example.vn/a-1.html")
    assert art is not None and "Đại Đoàn kết" not in art.text
    body = PARAGRAPHS + "<p><strong>Lan Anh (tổng hợp)</strong></p>"
    art = extract_article(_page(body=body), "https://example.vn/a-1.html")
    assert art is not None and "tổng hợp" not in art.text and art.author == "Lan Anh"


def test_story_drawn_by_scripts_comes_from_json_ld() -> None:
    body = "".join(f"<p>Đoạn {i}: Chính phủ điều chỉnh giá điện sinh hoạt từ tháng tới.</p>" for i in range(1, 8))
    ld = json.dumps({"@type": "NewsArticle", "headline": "Giá điện", "articleBody": body}, ensure_ascii=False)
    html = (
        f"<html><head><title>Giá điện</title><script type='application/ld+json'>{ld}</script></head>"
        "<body><h1>Giá điện</h1><div id='app'></div><script>render()</script></body></html>"
    )
    art = extract_article(html, URL)
    assert art is not None and art.text.startswith("Đoạn 1:") and art.text.endswith("từ tháng tới.")
    assert art.text.count("\n") == 6


def test_closing_bullet_list_is_kept() -> None:
    items = "".join(f"<p>- Tỉnh số {i} được hỗ trợ</p>" for i in range(1, 4))
    art = extract_article(_page(body=PARAGRAPHS + "<p>Danh sách các tỉnh được hỗ trợ gồm:</p>" + items), URL)
    assert art is not None and art.text.endswith("- Tỉnh số 3 được hỗ trợ")


def test_inline_see_also_does_not_cut_the_story() -> None:
    link = "<p>Xem thêm: <a href='/gia-vang-hom-nay-1.html'>Giá vàng hôm nay tăng mạnh phiên thứ ba liên tiếp</a></p>"
    body = PARAGRAPHS[: len(PARAGRAPHS) // 2] + link + PARAGRAPHS[len(PARAGRAPHS) // 2 :]
    art = extract_article(_page(body=body), URL)
    assert art is not None and "Đoạn 7:" in art.text and "Xem thêm" not in art.text


def test_lead_outside_the_story_container_is_recovered() -> None:
    title = "Tiêu đề bài viết về bảo hiểm xã hội"
    lead = "LĐO - Bộ Lao động vừa công bố dự thảo sửa đổi chế độ thai sản cho lao động tự do."
    html = (
        f"<html><head><title>{title}</title></head><body><h1>{title}</h1>"
        f"<div class='chappeau'>{lead}</div><article>{PARAGRAPHS}</article></body></html>"
    )
    art = extract_article(html, URL)
    assert art is not None and art.text.startswith(lead)


def test_parenthesised_source_line_is_removed() -> None:
    art = extract_article(_page(body=PARAGRAPHS + "<p>(Theo VnExpress)</p>"), "https://example.vn/a-1.html")
    assert art is not None and "VnExpress" not in art.text and art.text.endswith("người lao động tự do.")


def test_story_inside_a_share_named_wrapper_is_kept() -> None:
    share = "<div class='share'><a href='/fb'>Facebook</a></div>"
    footer = "<footer>" + "Cơ quan chủ quản, địa chỉ, giấy phép và liên hệ quảng cáo. " * 30 + "</footer>"
    body = f"<div class='article-share-wrapper'>{PARAGRAPHS}</div>{share}{footer}"
    art = extract_article(_page(body=body), "https://example.vn/a-1.html")
    assert art is not None and "Đoạn 1:" in art.text and "Đoạn 7:" in art.text and "Facebook" not in art.text


def test_story_in_a_wrapper_named_no_caption_is_kept() -> None:
    footer = "<footer>" + "Cơ quan chủ quản, địa chỉ, giấy phép và liên hệ quảng cáo. " * 30 + "</footer>"
    body = f"<div class='content nocaption'>{PARAGRAPHS}</div>{footer}"
    art = extract_article(_page(body=body), URL)
    assert art is not None and "Đoạn 1:" in art.text and "Đoạn 7:" in art.text


def test_paragraph_opening_with_a_linked_law_name_stays() -> None:
    link = "<a href='/van-ban/nghi-dinh-168-2024'>Nghị định 168/2024/NĐ-CP</a>"
    sentence = "quy định mức phạt mới với lỗi vượt đèn đỏ, áp dụng từ đầu năm 2025 trên cả nước."
    body = PARAGRAPHS + f"<p>{link} {sentence}</p>"
    art = extract_article(_page(body=body), "https://example.vn/a-1.html")
    assert art is not None and "quy định mức phạt mới" in art.text


def test_paragraphs_opening_with_linked_decrees_are_an_article() -> None:
    paragraphs = "".join(
        f"<p><a href='/van-ban/nd-{i}'>Nghị định {i}/2026/NĐ-CP</a> quy định mới về thủ tục hành chính "
        f"trong lĩnh vực số {i}, có hiệu lực từ ngày 1/{i}/2026 trên phạm vi cả nước.</p>"
        for i in range(1, 9)
    )
    art = extract_article(_page(body=paragraphs, title="Chính sách mới có hiệu lực từ tháng này"), URL)
    assert art is not None and art.text.count("Nghị định") == 8


def test_outlet_name_is_cut_from_an_og_title() -> None:
    headline = "Giá điện tăng từ tháng 4 | Hà Nội"
    html = (
        "<html><head><title>Báo Mẫu Lao Động - Tin tức</title>"
        f'<meta property="og:title" content="{headline} - Báo Mẫu Lao Động"></head>'
        f"<body><div class='headline'>{headline}</div>{PARAGRAPHS}</body></html>"
    )
    art = extract_article(html, "https://maulaodong.vn/a-1.html")
    assert art is not None and art.title == headline


def test_outlet_name_is_not_an_author() -> None:
    head = '<meta name="author" content="VnExpress"><meta property="og:site_name" content="VnExpress">'
    art = extract_article(_page(head), "https://vnexpress.net/a-1.html")
    assert art is not None and art.author is None


# --- command line -------------------------------------------------------------------------------


class _Handler(BaseHTTPRequestHandler):
    """Serves the team's VnExpress-like page with a wrong charset header, and 404 elsewhere."""

    def do_GET(self) -> None:  # noqa: N802 (http.server API)
        if self.path == "/bai.html":
            body = (PAGES / "vnexpress_like.html").read_bytes()
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=iso-8859-1")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
        elif self.path == "/old.html":
            self.send_response(301)
            self.send_header("Location", "/bai.html")
            self.end_headers()
        elif self.path == "/file.pdf":
            self.send_response(200)
            self.send_header("Content-Type", "application/pdf")
            self.send_header("Content-Length", "4")
            self.end_headers()
            self.wfile.write(b"%PDF")
        else:
            self.send_error(404)

    def log_message(self, *args: object) -> None:
        """Keep test output quiet."""


@pytest.fixture()
def local_site() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def test_cli_extract_file(tmp_path: Path) -> None:
    page = tmp_path / "bai.html"
    page.write_bytes((PAGES / "tuoitre_like.html").read_bytes())
    result = CliRunner().invoke(app, ["crawl", "extract", str(page), "--url", "https://tuoitre-like.test/x.htm"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["url"] == "https://tuoitre-like.test/x.htm"
    assert data["title"] == "Trường học được tự chủ học phí từ năm học tới"
    assert data["published_at"] == "2026-03-05T10:15:30+07:00"
    for key in ("canonical_url", "text", "author", "section", "lang", "tags"):
        assert key in data


def test_cli_extract_url_from_local_server(local_site: str) -> None:
    result = CliRunner().invoke(app, ["crawl", "extract", f"{local_site}/bai.html"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["title"] == "Hà Nội mở rộng vùng thí điểm xe buýt điện"
    assert data["url"] == f"{local_site}/bai.html"


def test_cli_follows_redirects_and_reports_the_final_url(local_site: str) -> None:
    result = CliRunner().invoke(app, ["crawl", "extract", f"{local_site}/old.html"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["url"] == f"{local_site}/bai.html"


@pytest.mark.parametrize(("path", "reason"), [("/missing.html", "HTTP 404"), ("/file.pdf", "not an HTML page")])
def test_cli_fetch_errors_are_user_errors(local_site: str, path: str, reason: str) -> None:
    result = CliRunner().invoke(app, ["crawl", "extract", f"{local_site}{path}"])
    assert isinstance(result.exception, UserError)
    assert reason in str(result.exception)


def test_cli_non_article_is_a_user_error(tmp_path: Path) -> None:
    listing = tmp_path / "list.html"
    listing.write_bytes((PAGES / "section_list.html").read_bytes())
    result = CliRunner().invoke(app, ["crawl", "extract", str(listing)])
    assert isinstance(result.exception, UserError)
    assert "no article found" in str(result.exception)


def test_cli_errors_are_one_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # A folder is not a saved page: the real entry point prints one line, no traceback, exit 2.
    monkeypatch.setattr(sys, "argv", ["radar", "crawl", "extract", str(tmp_path)])
    with pytest.raises(SystemExit) as exit_info:
        main()
    assert exit_info.value.code == 2
    err = capsys.readouterr().err
    assert err.startswith("radar: error: no such file") and err.count("\n") == 1, err
