"""Snapshot writes and deletion marks in the warehouse; the social registry's validation."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from crawlers.social.errors import ConfigError
from crawlers.social.registry import load_registry, parse_registry
from crawlers.social.store import Snapshot, mark_deleted, stored_ids, write_snapshots
from warehouse.db import open_writer
from warehouse.records import Document
from warehouse.write import write_documents

WHEN = datetime(2026, 11, 20, 8, tzinfo=UTC)


def test_snapshots_are_idempotent_per_moment(db_path: Path) -> None:
    snap = Snapshot("doc1", "views", WHEN, 100, "tg")
    with open_writer(db_path) as con:
        assert write_snapshots(con, [snap, snap]) == 1
        assert write_snapshots(con, [snap]) == 0
        assert write_snapshots(con, [Snapshot("doc1", "views", WHEN + timedelta(hours=1), 150, "tg")]) == 1
        assert write_snapshots(con, []) == 0
        assert con.execute("SELECT value FROM engagement_snapshots ORDER BY observed_at").fetchall() == [(100,), (150,)]


def test_mark_deleted_keeps_text_and_first_reason(db_path: Path) -> None:
    doc = Document(url="https://t.me/kenhtin/7", source="tg", title="", text="Nội dung 😀", published_at=WHEN,
                   kind="social", extra={"platform": "telegram"})
    with open_writer(db_path) as con:
        write_documents(con, [doc])
        assert stored_ids(con, [doc.id, "nope"]) == {doc.id}
        assert mark_deleted(con, {doc.id: "removed", "nope": "removed"}, WHEN) == {doc.id}
        mark_deleted(con, {doc.id: "second sighting"}, WHEN + timedelta(days=1))
        text, extra = con.execute("SELECT text, extra FROM documents").fetchone()  # type: ignore[misc]
    extra = json.loads(extra)
    assert text == "Nội dung 😀" and extra["platform"] == "telegram"
    assert extra["deleted"] is True and extra["deleted_reason"] == "removed"
    assert extra["deleted_seen_at"] == WHEN.isoformat()


def test_shipped_registry_and_its_checks() -> None:
    assert {s.connector for s in load_registry()} == {
        "telegram", "xenforo", "reddit", "import", "youtube", "facebook", "comments"}
    with pytest.raises(ConfigError, match="looks like a secret"):
        parse_registry('[[source]]\nname = "y"\nconnector = "youtube"\nurl = "https://x/"\n'
                       'options = { api_key = "AIza" }\n')
    with pytest.raises(ConfigError, match="url must be an http"):
        parse_registry('[[source]]\nname = "t"\nconnector = "telegram"\nurl = "t.me/s/x"\n')
    with pytest.raises(ConfigError, match="duplicate name 'a'"):
        parse_registry('[[source]]\nname = "a"\nconnector = "import"\nurl = "x.csv"\n' * 2)
    (imported,) = parse_registry('[[source]]\nname = "a"\nconnector = "import"\nurl = "exports/x.csv"\n')
    assert imported.url == "exports/x.csv" and imported.status == "active" and imported.kind == "social"
