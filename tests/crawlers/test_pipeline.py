"""The warehouse pipeline: documents written in batches over short connections, duplicates counted."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest
from scrapy.exceptions import DropItem, NotConfigured
from scrapy.utils.test import get_crawler

from crawlers.items import ArticleItem
from crawlers.pipelines import WarehousePipeline, to_document
from crawlers.rawpages import RawPage, write_raw_pages
from crawlers.registry import Feed, Source
from tests.crawlers.sites import STORIES
from warehouse.db import open_reader, open_writer

SOURCE = Source(
    "bao",
    "Báo",
    "commercial-press",
    "rss",
    "https://bao.example.vn",
    feeds=(Feed("https://bao.example.vn/rss"),),
)


def _item(i: int, **changes: object) -> ArticleItem:
    s = STORIES[i]
    values: dict[str, object] = {
        "source": "bao",
        "url": f"https://bao.example.vn/{s.slug}.html",
        "title": s.title,
        "text": "\n".join(s.paragraphs),
        "published_at": s.published,
        "fetched_at": datetime(2026, 3, 5, 12, tzinfo=UTC),
        "category": "Thời sự",
        "author": s.author,
        "tags": ["xã hội"],
        "canonical_url": f"https://bao.example.vn/{s.slug}.html",
    }
    values.update(changes)
    return ArticleItem(**values)  # type: ignore[arg-type]


def _pipeline(db: Path, batch: int = 2) -> WarehousePipeline:
    crawler = get_crawler(settings_dict={"RADAR_DB": str(db), "RADAR_BATCH_SIZE": batch, "RADAR_SOURCES": [SOURCE]})
    return WarehousePipeline.from_crawler(crawler)


def _count(db: Path) -> int:
    with open_reader(db) as con:
        return int(con.execute("SELECT count(*) FROM documents").fetchone()[0])  # type: ignore[index]


def test_to_document_keeps_provenance_in_extra() -> None:
    doc = to_document(_item(0, fallback="", section=""))
    assert doc.kind == "press" and doc.source == "bao" and doc.title == STORIES[0].title
    assert doc.extra == {
        "category": "Thời sự",
        "author": STORIES[0].author,
        "tags": ["xã hội"],
        "canonical_url": f"https://bao.example.vn/{STORIES[0].slug}.html",
    }


def test_batches_are_written_as_they_fill_and_the_rest_at_close(db_path: Path) -> None:
    pipe = _pipeline(db_path, batch=2)
    pipe.open_spider()
    pipe.process_item(_item(0))
    assert _count(db_path) == 0
    pipe.process_item(_item(1))
    assert _count(db_path) == 2  # written, and the connection closed again: a reader gets in
    pipe.process_item(_item(2))
    pipe.process_item(_item(0, title="Tiêu đề sửa"))  # same URL: a duplicate, not a new row
    pipe.close_spider()
    assert _count(db_path) == 3
    stats = pipe.crawler.stats
    assert stats is not None
    assert stats.get_value("radar/new") == 3 and stats.get_value("radar/duplicate") == 1
    with open_reader(db_path) as con:
        row = con.execute("SELECT name, kind, connector, status, config FROM sources").fetchone()
    assert row is not None and row[:4] == ("bao", "commercial-press", "rss", "active")
    assert json.loads(row[4])["display_name"] == "Báo"


def test_items_without_title_and_text_are_dropped(db_path: Path) -> None:
    pipe = _pipeline(db_path)
    with pytest.raises(DropItem, match="no title and no text"):
        pipe.process_item(_item(0, title="", text=""))


def test_a_locked_warehouse_keeps_the_batch_for_later(db_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from warehouse.errors import WarehouseLocked

    pipe = _pipeline(db_path, batch=1)

    def locked(*args: object, **kwargs: object) -> None:
        raise WarehouseLocked("locked by another process")

    monkeypatch.setattr("crawlers.pipelines.open_writer", locked)
    pipe.process_item(_item(0))
    assert len(pipe.buffer) == 1
    monkeypatch.undo()
    pipe.close_spider()
    assert _count(db_path) == 1 and pipe.buffer == []


def test_without_a_warehouse_the_pipeline_switches_itself_off() -> None:
    with pytest.raises(NotConfigured):
        WarehousePipeline.from_crawler(get_crawler())


def test_raw_pages_are_written_with_their_documents(db_path: Path) -> None:
    page = RawPage.of("x", "https://bao.example.vn/a.html", datetime(2026, 3, 5, tzinfo=UTC), 200, "text/html", b"<p>")
    pipe = _pipeline(db_path, batch=1)
    pipe.process_item(_item(0, raw=page))
    assert _count(db_path) == 1 and pipe.raw_buffer == []
    with open_reader(db_path) as con:
        assert con.execute("SELECT document_id, body_bytes FROM raw_pages").fetchall() == [("x", 3)]
    with open_writer(db_path) as con:
        assert write_raw_pages(con, [page, page]) == 0  # the first fetch of a page is the one kept
