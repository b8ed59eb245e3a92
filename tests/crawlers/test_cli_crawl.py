"""`radar sources list` and `radar crawl run` through the command's entry point."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from pipelines.cli import main
from tests.crawlers.sites import STORIES, Route, bind, news_site, serve, write_registry
from warehouse.db import open_reader


def radar(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, *args: str) -> tuple[int, str, str]:
    """Run `radar ARGS` in this process (as the console script does); return exit code, stdout, stderr."""
    monkeypatch.setattr(sys, "argv", ["radar", *args])
    code = 0
    try:
        main()
    except SystemExit as exc:
        code = int(exc.code or 0)
    out, err = capsys.readouterr()
    return code, out, err


def test_sources_list_table_and_json(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    code, out, _ = radar(capsys, monkeypatch, "sources", "list")
    assert code == 0
    header, *rows = out.splitlines()
    assert header.split() == ["name", "kind", "connector", "url", "status"]
    assert len(rows) >= 40 and rows[0].split()[0] == "vnexpress"
    _, out, _ = radar(capsys, monkeypatch, "sources", "list", "--kind", "government-portal", "--format", "json")
    portals = json.loads(out)
    assert portals and {p["kind"] for p in portals} == {"government-portal"}
    assert set(portals[0]) == {"name", "kind", "connector", "url", "status"}


def test_bad_input_gives_one_line_and_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    code, _, err = radar(capsys, monkeypatch, "sources", "list", "--kind", "tabloid")
    assert code == 2 and err.startswith("radar: error: unknown kind 'tabloid'; valid kinds:")
    broken = tmp_path / "sources.toml"
    broken.write_text('[[source]]\nname = "x"\nkind = "commercial-press"\n', encoding="utf-8")
    code, _, err = radar(capsys, monkeypatch, "sources", "list", "--registry", str(broken))
    assert code == 2 and len(err.strip().splitlines()) == 1
    assert "source #1 ('x'): display_name is required" in err
    code, _, err = radar(capsys, monkeypatch, "crawl", "run", "--source", "khong-co", "--db", str(tmp_path / "r.db"))
    assert code == 2 and "unknown source(s) khong-co" in err


def test_crawl_run_prints_counts(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    db = tmp_path / "r.duckdb"
    with serve(news_site(STORIES[:1])) as site:
        bind(site)
        registry = write_registry(
            tmp_path / "sources.toml",
            [{"name": "bao", "url": site.base, "feeds": [site.url("/rss/tin-moi-nhat.rss")]}],
        )
        args = ("crawl", "run", "--registry", str(registry), "--db", str(db), "--max-items", "5")
        code, out, err = radar(capsys, monkeypatch, *args, "--no-raw")
        assert code == 0, err
        assert out.startswith("mới/new: 1  trùng/duplicate: 0  lỗi/failed: 0")
        assert "articles extracted 1" in out
        code, out, err = radar(capsys, monkeypatch, *args, "--format", "json")
    stats = json.loads(out)
    assert code == 0 and stats["new"] == 0 and stats["items_known"] == 1 and stats["feeds_ok"] == 1
    with open_reader(db) as con:
        assert con.execute("SELECT count(*) FROM raw_pages").fetchone() == (0,)


def test_sources_status_shows_the_ledger_after_a_crawl(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    db = tmp_path / "r.duckdb"
    code, _, err = radar(capsys, monkeypatch, "sources", "status", "--db", str(db))
    assert code == 2 and err.startswith("radar: error: no warehouse at") and len(err.splitlines()) == 1
    with serve(news_site(STORIES)) as site, serve({"/rss/tin-moi-nhat.rss": Route(b"down", 500)}) as down:
        bind(site)
        registry = write_registry(
            tmp_path / "sources.toml",
            [
                {"name": "bao", "url": site.base, "feeds": [site.url("/rss/tin-moi-nhat.rss")]},
                {"name": "sap", "url": down.base, "feeds": [down.url("/rss/tin-moi-nhat.rss")]},
            ],
        )
        code, _, err = radar(capsys, monkeypatch, "crawl", "run", "--registry", str(registry), "--db", str(db))
        assert code == 0, err
    code, out, err = radar(capsys, monkeypatch, "sources", "status", "--db", str(db), "--format", "json")
    assert code == 0, err
    rows = {r["source"]: r for r in json.loads(out)}
    assert set(rows) == {"bao", "sap"}
    assert rows["sap"]["state"] == "failing" and rows["sap"]["error_rate"] == 1.0
    assert rows["sap"]["last_success"] is None
    assert rows["sap"]["http_failures_7d"] == 1
    bao = rows["bao"]
    assert bao["last_success"] is not None and bao["error_rate"] == 0.0 and bao["runs_7d"] == 1
    # The four stories are from March 2026, a crawl is judged at the wall clock: long silent.
    assert bao["silent"] is True and bao["state"] == "silent" and bao["threshold_hours"] == 6.0
    code, out, _ = radar(capsys, monkeypatch, "sources", "status", "--db", str(db))
    header, *lines = out.splitlines()
    assert header.startswith("Nguồn / Source") and "Tình trạng / State" in header
    assert lines[0].startswith("bao ") and "im lặng / silent" in lines[0]
    assert "1 nguồn im lặng / 1 sources silent" in out
    code, out, _ = radar(capsys, monkeypatch, "sources", "status", "--db", str(db), "--silent-only", "--format", "json")
    assert [r["source"] for r in json.loads(out)] == ["bao"]


def test_sources_status_on_a_warehouse_from_before_the_ledger(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    import duckdb

    from warehouse.migrations import MIGRATIONS

    db = tmp_path / "old.duckdb"
    con = duckdb.connect(str(db))
    con.execute("CREATE TABLE schema_migrations (name VARCHAR PRIMARY KEY, applied_at TIMESTAMPTZ)")
    for name, sql in MIGRATIONS:
        if name != "0300_source_health":
            con.execute(sql)
            con.execute("INSERT INTO schema_migrations VALUES (?, now())", [name])
    con.close()
    code, _, err = radar(capsys, monkeypatch, "sources", "status", "--db", str(db))
    assert code == 2
    assert err == "radar: error: this warehouse has no coverage ledger yet: run 'radar crawl run' once to add it\n"
