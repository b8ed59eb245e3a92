"""`radar reprocess`: a local crawl, then stored documents re-extracted from their raw pages."""

from __future__ import annotations

import gzip
import json
import sys
from datetime import datetime
from pathlib import Path

import pytest

from crawlers.run import run_crawl
from pipelines.cli import main
from pipelines.reprocess import reprocess
from tests.crawlers.sites import STORIES, VN, bind, news_site, serve, write_registry
from warehouse.db import open_reader, open_writer
from warehouse.records import content_hash

UA = "RadarTest/1.0 (+http://127.0.0.1/test)"
FAST = {"DOWNLOAD_DELAY": 0, "AUTOTHROTTLE_ENABLED": False, "RETRY_TIMES": 0, "DOWNLOAD_TIMEOUT": 10}


def _docs(db: Path) -> dict[str, dict[str, object]]:
    with open_reader(db) as con:
        cur = con.execute("SELECT id, title, text, published_at, content_hash, extra FROM documents")
        names = [d[0] for d in cur.description]
        return {str(r[1]): dict(zip(names, r, strict=True)) for r in cur.fetchall()}


@pytest.fixture()
def crawled(tmp_path: Path) -> Path:
    """A warehouse filled by a real crawl of four local article pages, raw pages kept."""
    with serve(news_site(STORIES)) as site:
        bind(site)
        registry = write_registry(
            tmp_path / "sources.toml", [{"name": "bao", "url": site.base, "feeds": [site.url("/rss/tin-moi-nhat.rss")]}]
        )
        stats = run_crawl(tmp_path / "radar.duckdb", None, registry_path=registry, user_agent=UA, overrides=FAST)
    assert stats.new == 4 and stats.raw_pages == 4
    return tmp_path / "radar.duckdb"


def _as_an_older_extractor_left_them(db: Path) -> dict[str, str]:
    """Documents as an older, worse extractor stored them; every one annotated. Returns their ids."""
    s0, s1, s2, s3 = STORIES
    docs = _docs(db)
    ids = {s.slug: str(docs[s.title]["id"]) for s in STORIES}
    with open_writer(db) as con:
        # s0: text with a menu line and the lead lost; s1: a title with the site name; s2: the date only.
        con.execute("UPDATE documents SET text = 'Trang chủ Thời sự Kinh tế ' || ? WHERE id = ?",
                    [s0.paragraphs[0], ids[s0.slug]])
        con.execute("UPDATE documents SET title = title || ' - Báo Thử Nghiệm' WHERE id = ?", [ids[s1.slug]])
        con.execute("UPDATE documents SET published_at = ? WHERE id = ?",
                    [datetime(2026, 3, 5, tzinfo=VN), ids[s2.slug]])
        # s3: its stored page is not an article at all (as if a consent wall had been saved).
        con.execute("UPDATE raw_pages SET body_gzip = ? WHERE document_id = ?",
                    [gzip.compress(b"<html><body><p>Vui long bat cookie.</p></body></html>"), ids[s3.slug]])
        con.execute(
            "INSERT INTO annotations (document_id, model_version, sentiment, topic) "
            "SELECT id, 'test', 'neutral', 'doi-song' FROM documents"
        )
    return ids


def test_reprocess_updates_what_changed_and_marks_it_for_annotation(crawled: Path) -> None:
    ids = _as_an_older_extractor_left_them(crawled)
    before = _docs(crawled)
    report = reprocess(crawled)
    assert (report.reextracted, report.changed, report.unchanged, report.failed) == (4, 3, 0, 1)
    assert report.reasons == {"extraction found no article": 1}
    after = _docs(crawled)
    s0, s1, s2, s3 = STORIES
    assert str(after[s0.title]["text"]).startswith(s0.lead) and "Trang chủ" not in str(after[s0.title]["text"])
    assert s1.title in after and s1.title + " - Báo Thử Nghiệm" not in after
    assert after[s2.title]["published_at"] == s2.published
    assert after[s3.title] == before[s3.title]  # a failed page leaves its document alone
    assert after[s0.title]["content_hash"] == content_hash(s0.title, str(after[s0.title]["text"]))
    assert "reextracted_at" in json.loads(str(after[s0.title]["extra"]))
    with open_reader(crawled) as con:
        annotated = {r[0] for r in con.execute("SELECT document_id FROM annotations").fetchall()}
        assert con.execute("SELECT count(*) FROM documents").fetchone() == (4,)
    assert annotated == {ids[s3.slug]}  # the three changed ones wait for `radar process` again
    # Idempotent: a second run finds nothing to change.
    again = reprocess(crawled)
    assert (again.reextracted, again.changed, again.unchanged, again.failed) == (4, 0, 3, 1)
    assert _docs(crawled) == after


def test_reprocess_command_filters_by_source_and_date(
    crawled: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    _as_an_older_extractor_left_them(crawled)

    def radar(*args: str) -> tuple[int, str, str]:
        monkeypatch.setattr(sys, "argv", ["radar", *args, "--db", str(crawled)])
        try:
            main()
            code = 0
        except SystemExit as exc:
            code = int(exc.code or 0)
        out, err = capsys.readouterr()
        return code, out, err

    code, out, _ = radar("reprocess", "--source", "khac")
    assert code == 0 and out.startswith("trích lại/re-extracted: 0  đổi/changed: 0")
    # From 09:00 on 5 March (Vietnam time): story 1 (09:15) and story 3 (11:45); story 2 is stored at 00:00.
    code, out, err = radar("reprocess", "--since", "2026-03-05T09:00")
    assert code == 0, err
    assert out.splitlines() == [
        "trích lại/re-extracted: 2  đổi/changed: 1  không đổi/unchanged: 0  lỗi/failed: 1",
        "  lỗi/failed 1 × extraction found no article",
    ]
    code, out, _ = radar("reprocess", "--source", "bao", "--since", "2026-03-05")
    assert code == 0 and "đổi/changed: 2  không đổi/unchanged: 1" in out
    code, _, err = radar("reprocess", "--since", "hôm qua")
    assert code == 2 and err.startswith("radar: error: --since must be a date") and len(err.splitlines()) == 1
