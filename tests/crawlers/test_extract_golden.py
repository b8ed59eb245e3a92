"""Golden tests: real saved pages (../shared) and the team's own pages against expectations."""

from __future__ import annotations

import json
import unicodedata
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from crawlers.extract import Article, extract_article

GOLDEN = Path(__file__).parent / "golden"
EDGE = 300  # first/last fragments must sit this close to the start/end of the text
_TONE_MARKS = {"\u0300", "\u0301", "\u0303", "\u0309", "\u0323"}


def to_windows_1258(text: str) -> bytes:
    """Encode Vietnamese text as windows-1258: base letters precomposed, tones as combining marks."""
    out = bytearray()
    for ch in unicodedata.normalize("NFC", text):
        try:
            out += ch.encode("cp1258")
        except UnicodeEncodeError:
            parts = unicodedata.normalize("NFD", ch)
            base = unicodedata.normalize("NFC", "".join(p for p in parts if p not in _TONE_MARKS))
            tones = "".join(p for p in parts if p in _TONE_MARKS)
            out += (base + tones).encode("cp1258")
    return bytes(out)


def _cases(name: str) -> list[Any]:
    spec = json.loads((GOLDEN / name).read_text(encoding="utf-8"))
    return [pytest.param(spec["dir"], page, id=page["file"]) for page in spec["pages"]]


def _page_bytes(path: Path, page: dict[str, Any]) -> bytes:
    raw = path.read_bytes()
    if page.get("encode") == "cp1258":
        return to_windows_1258(raw.decode("utf-8"))
    return raw


def check(article: Article | None, page: dict[str, Any]) -> None:
    """Compare one extraction with its expectations."""
    if not page["article"]:
        assert article is None, f"{page['file']} is not an article but gave {article!r}"
        return
    assert article is not None, f"{page['file']}: no article extracted"
    assert article.title == page["title"]
    text = article.text
    assert len(text) >= page["min_chars"], f"text too short: {len(text)} < {page['min_chars']}"
    assert page["first"] in text[: EDGE + len(page["first"])], f"lead missing; text starts {text[:200]!r}"
    assert page["last"] in text[-(EDGE + len(page["last"])) :], f"bad ending; text ends {text[-200:]!r}"
    for kept in page.get("present", []):
        assert kept in text, f"{kept!r} lost from the text"
    for junk in page.get("absent", []):
        assert junk not in text, f"boilerplate {junk!r} left in the text"
    if "published_at" in page:
        assert article.published_at is not None
        expected = datetime.fromisoformat(page["published_at"])
        assert article.published_at.replace(second=0, microsecond=0) == expected
        assert article.published_at.utcoffset() == expected.utcoffset()
    if "published_date" in page:
        assert article.published_at is not None
        assert article.published_at.date().isoformat() == page["published_date"]
    for key in ("author", "section", "canonical_url"):
        if key in page:
            assert getattr(article, key) == page[key]
    if "tags" in page:
        assert article.tags == page["tags"]
    for tag in page.get("tags_absent", []):
        assert tag not in article.tags, f"site-wide keyword {tag!r} taken as a tag"
    assert article.lang == page.get("lang", "vi")
    assert unicodedata.is_normalized("NFC", text)


@pytest.mark.parametrize(("folder", "page"), _cases("own_pages.json"))
def test_own_pages(folder: str, page: dict[str, Any]) -> None:
    """Pages in the shape of real sites, in awkward encodings and with wrong charset headers."""
    path = GOLDEN / folder / page["file"]
    data = _page_bytes(path, page)
    check(extract_article(data, page["url"], encoding=page.get("declared")), page)
    check(extract_article(data, path.resolve().as_uri(), encoding=page.get("declared")), page)


@pytest.mark.shared
@pytest.mark.parametrize(("folder", "page"), _cases("fixtures_2026.json") + _cases("fixtures_2012_2013.json"))
def test_shared_fixture_pages(shared_dir: Path, folder: str, page: dict[str, Any]) -> None:
    """Real saved pages of Vietnamese outlets (read from ../shared, never committed)."""
    path = shared_dir / folder / page["file"]
    if not path.is_file():
        pytest.skip(f"fixture page {path} not found")
    data = path.read_bytes()
    check(extract_article(data, page["url"]), page)
    # As `radar crawl extract FILE` sees it: no original URL, so nothing may lean on one (a home-page
    # path, the outlet's domain).
    check(extract_article(data, path.resolve().as_uri()), page)
