"""`radar sources list` and `radar crawl run` through the real command line."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from tests.crawlers.sites import STORIES, bind, news_site, serve, write_registry


def radar(*args: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    """Run the real command line."""
    return subprocess.run(
        [sys.executable, "-m", "pipelines.cli", *args], capture_output=True, text=True, timeout=timeout
    )


def test_sources_list_table_and_json() -> None:
    table = radar("sources", "list")
    assert table.returncode == 0
    header, *rows = table.stdout.splitlines()
    assert header.split() == ["name", "kind", "connector", "url", "status"]
    assert len(rows) >= 40 and rows[0].split()[0] == "vnexpress"
    portals = json.loads(radar("sources", "list", "--kind", "government-portal", "--format", "json").stdout)
    assert portals and {p["kind"] for p in portals} == {"government-portal"}
    assert set(portals[0]) == {"name", "kind", "connector", "url", "status"}


def test_bad_input_gives_one_line_and_exit_2(tmp_path: Path) -> None:
    bad_kind = radar("sources", "list", "--kind", "tabloid")
    assert bad_kind.returncode == 2
    assert bad_kind.stderr.strip().startswith("radar: error: unknown kind 'tabloid'; valid kinds:")
    broken = tmp_path / "sources.toml"
    broken.write_text('[[source]]\nname = "x"\nkind = "commercial-press"\n', encoding="utf-8")
    bad_registry = radar("sources", "list", "--registry", str(broken))
    assert bad_registry.returncode == 2 and len(bad_registry.stderr.strip().splitlines()) == 1
    assert "source #1 ('x'): display_name is required" in bad_registry.stderr
    unknown = radar("crawl", "run", "--source", "khong-co", "--db", str(tmp_path / "r.duckdb"))
    assert unknown.returncode == 2 and "unknown source(s) khong-co" in unknown.stderr
    assert "Traceback" not in bad_kind.stderr + bad_registry.stderr + unknown.stderr


def test_crawl_run_prints_counts(tmp_path: Path) -> None:
    with serve(news_site(STORIES[:2])) as site:
        bind(site)
        registry = write_registry(
            tmp_path / "sources.toml",
            [{"name": "bao", "url": site.base, "feeds": [site.url("/rss/tin-moi-nhat.rss")]}],
        )
        args = (
            "crawl",
            "run",
            "--registry",
            str(registry),
            "--db",
            str(tmp_path / "r.duckdb"),
            "--max-items",
            "5",
        )
        first = radar(*args)
        second = radar(*args)
    assert first.returncode == 0, first.stderr
    assert first.stdout.startswith("mới/new: 2  trùng/duplicate: 0  lỗi/failed: 0")
    assert second.stdout.startswith("mới/new: 0  trùng/duplicate: 0  lỗi/failed: 0")
    assert "already stored 2" in second.stdout
