"""File imports: CSV (with BOM), JSON Lines (nested, comments by parent id) and Excel through mappings."""

from __future__ import annotations

import csv
import json
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from crawlers.social.errors import ConfigError
from crawlers.social.importer import MAPPINGS_DIR, load_mapping, parse_mapping
from crawlers.social.registry import SocialSource
from warehouse.records import document_id

HEADER = ["url", "content", "title", "published", "author", "parent_url", "likes", "comments", "shares", "channel"]
ROWS = [
    ["https://www.facebook.com/post/1", "Học phí tăng gấp đôi 😱😱 phụ huynh lo lắng", "Học phí", "2026-11-19 08:30",
     "fb-user-1", "", "1.234", "56", "7", "Facebook"],
    ["https://www.facebook.com/post/1?comment=2", "hoc phi tang vay ai chiu noi", "", "2026-11-19T09:00:00+07:00",
     "fb-user-2", "https://www.facebook.com/post/1", "3", "", "", "Facebook"],
    ["", "row without url", "", "", "", "", "", "", "", ""],
    ["https://www.tiktok.com/@a/video/9", "", "", "", "", "", "", "", "", "TikTok"],
]


def source(path: Path, mapping: str = "generic.toml") -> SocialSource:
    """An import source of this file."""
    return SocialSource(name="import-test", display_name="Import", connector="import", url=str(path),
                        options={"mapping": mapping})


def test_csv_with_bom_through_the_generic_mapping(
    tmp_path: Path, run: Callable[..., Any], query: Callable[..., list[tuple[Any, ...]]]
) -> None:
    path = tmp_path / "export.csv"
    with path.open("w", encoding="utf-8-sig", newline="") as out:
        csv.writer(out).writerows([HEADER, *ROWS])
    stats = run(source(path))
    assert stats.new == 2 and stats.skipped == {"no url": 1, "no text": 1}
    rows = query("SELECT url, kind, parent_id, text, published_at, extra FROM documents ORDER BY url")
    post, comment = rows
    assert post[1:4] == ("social", None, ROWS[0][1])
    assert post[4] == datetime(2026, 11, 19, 1, 30, tzinfo=UTC)  # naive time read in Vietnam's zone
    extra = json.loads(post[5])
    assert extra["kept"] == {"channel": "Facebook"} and extra["engagement"] == {"likes": 1234, "comments": 56,
                                                                                 "shares": 7}
    assert extra["author"].startswith("import:") and "fb-user-1" not in post[5]
    assert comment[1:4] == ("comment", document_id(ROWS[0][0]), "hoc phi tang vay ai chiu noi")
    assert run(source(path)).duplicate == 2


def test_jsonl_nested_fields_and_ids_through_the_meta_mapping(
    tmp_path: Path, run: Callable[..., Any], query: Callable[..., list[tuple[Any, ...]]]
) -> None:
    lines = [
        {"id": "111_222", "text": "Thông tư mới về đăng kiểm 🚗", "creation_time": 1763600000,
         "post_owner": {"id": "9001", "name": "Trang tin", "type": "PAGE"},
         "statistics": {"reaction_count": 820, "comment_count": 31, "share_count": 12, "views": None}},
        "not an object",
    ]
    path = tmp_path / "mcl.jsonl"
    path.write_text("\n".join(json.dumps(x, ensure_ascii=False) for x in lines) + "\n", encoding="utf-8")
    stats = run(source(path, "meta_content_library.toml"))
    assert stats.new == 1 and stats.skipped == {"line 2 is not a JSON object": 1}
    ((url, published, extra),) = query("SELECT url, published_at, extra FROM documents")
    assert url == "https://www.facebook.com/111_222"
    assert published == datetime.fromtimestamp(1763600000, UTC)
    extra = json.loads(extra)
    assert extra["platform"] == "facebook" and extra["author"].startswith("facebook:")
    assert extra["engagement"] == {"reactions": 820, "comments": 31, "shares": 12}
    assert extra["kept"] == {"post_owner.type": "PAGE"} and "Trang tin" not in json.dumps(extra, ensure_ascii=False)


def test_excel_sheet(tmp_path: Path, run: Callable[..., Any], query: Callable[..., list[tuple[Any, ...]]]) -> None:
    openpyxl = pytest.importorskip("openpyxl")
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Mentions"
    sheet.append(HEADER)
    sheet.append([ROWS[0][0], ROWS[0][1], "", datetime(2026, 11, 19, 8, 30), "", None, 1234, 5, None, "Facebook"])
    path = tmp_path / "export.xlsx"
    book.save(path)
    mapping = tmp_path / "m.toml"
    mapping.write_text(((MAPPINGS_DIR / "generic.toml").read_text(encoding="utf-8")
                        .replace('# sheet = "Mentions"', 'sheet = "Mentions"')), encoding="utf-8")
    assert run(source(path, str(mapping))).new == 1
    assert query("SELECT text, published_at, extra->>'$.engagement.likes' FROM documents") == [
        (ROWS[0][1], datetime(2026, 11, 19, 1, 30, tzinfo=UTC), "1234")]


def test_bad_mappings_and_files_are_config_errors(tmp_path: Path, run: Callable[..., Any]) -> None:
    with pytest.raises(ConfigError, match="needs text"):
        parse_mapping('[columns]\nurl = "u"\n', "m.toml")
    with pytest.raises(ConfigError, match="needs url, or id together with url_template"):
        parse_mapping('[columns]\ntext = "t"\nid = "i"\n', "m.toml")
    with pytest.raises(ConfigError, match="unknown \\[columns\\] key\\(s\\) body"):
        parse_mapping('[columns]\ntext = "t"\nurl = "u"\nbody = "b"\n', "m.toml")
    with pytest.raises(ConfigError, match="shipped mappings: generic.toml, meta_content_library.toml"):
        load_mapping("nope.toml")
    with pytest.raises(ConfigError, match="no export file"):
        run(source(tmp_path / "missing.csv"))
