"""`radar ingest`: counts, reasons, idempotency, and bad lines that never abort a batch."""

from __future__ import annotations

import gzip
import json
import subprocess
import sys
from pathlib import Path

from pipelines.ingest import ingest_file, split_source
from warehouse import open_reader

CORPUS = Path(__file__).parents[1] / "data" / "corpus.jsonl"


def radar(*args: str) -> subprocess.CompletedProcess[str]:
    """Run the real command line."""
    return subprocess.run([sys.executable, "-m", "pipelines.cli", *args], capture_output=True, text=True,
                          timeout=120)


def test_ingest_twice_adds_nothing_the_second_time(db_path: Path) -> None:
    first = ingest_file(CORPUS, db_path)
    second = ingest_file(CORPUS, db_path)
    assert (first.new, first.duplicate, first.rejected) == (46, 0, 0)
    assert (second.new, second.duplicate, second.rejected) == (0, 46, 0)
    with open_reader(db_path) as con:
        assert con.execute("SELECT count(*) FROM documents").fetchone() == (46,)
        sources = {r[0] for r in con.execute("SELECT DISTINCT source FROM documents").fetchall()}
    assert sources == {"Báo Mẫu", "Nhật báo Thử", "Cổng Tin Thử"}


def test_bad_lines_are_rejected_with_reasons_and_the_rest_is_kept(tmp_path: Path, db_path: Path) -> None:
    lines = [
        json.dumps({"url": "https://a.example.vn/1.html", "title": "Một", "text": "Nội dung",
                    "published_at": "2026-01-02T03:04:05+07:00", "tac_gia": "Nguyễn Văn A"}),
        "{not json",
        json.dumps({"title": "không có đường dẫn"}),
        json.dumps({"link": "https://a.example.vn/2.html", "title": "", "summary": ""}),
        json.dumps({"link": "https://a.example.vn/3.html", "title": "Ba", "published": "tuần trước"}),
        json.dumps(["not", "an", "object"]),
        json.dumps({"link": "https://a.example.vn/4.html", "title": "Bốn", "kind": "blog"}),
        json.dumps({"link": "https://a.example.vn/5.html?utm_source=fb", "title": "Năm",
                    "published": "2026-01-02 08:00:00"}),
    ]
    path = tmp_path / "mixed.jsonl.gz"
    with gzip.open(path, "wt", encoding="utf-8") as fh:
        fh.write("\n".join(lines) + "\n")
    report = ingest_file(path, db_path)
    assert (report.new, report.rejected) == (2, 6)
    assert set(report.reasons) == {
        "invalid JSON (Expecting property name enclosed in double quotes)", "missing url/link",
        "empty title and text", "unparsable published time 'tuần trước'", "not a JSON object",
        "unknown kind 'blog' (expected one of press, social, comment)",
    }
    with open_reader(db_path) as con:
        rows = con.execute(
            "SELECT url, extra->>'tac_gia', strftime(published_at, '%Y-%m-%dT%H:%M%z') FROM documents ORDER BY url"
        ).fetchall()
    assert rows[0] == ("https://a.example.vn/1.html", "Nguyễn Văn A", "2026-01-02T03:04+07")
    # tracking parameters stripped; a naive time is read as Vietnam time
    assert rows[1] == ("https://a.example.vn/5.html", None, "2026-01-02T08:00+07")


def test_newest_days_keeps_only_the_recent_tail(db_path: Path) -> None:
    report = ingest_file(CORPUS, db_path, newest=2)
    # newest item: day 11, 12:15; cutoff day 9, 12:15 -> the 16 burst items, day 10's three and day 9's last two
    assert report.new == 16 + 3 + 2 and report.skipped_old == 46 - 21


def test_split_source() -> None:
    assert split_source("VnExpress - Kinh Doanh") == ("VnExpress", "Kinh Doanh")
    assert split_source("Tuổi Trẻ") == ("Tuổi Trẻ", None)


def test_cli_reports_counts_and_is_idempotent(db_path: Path) -> None:
    first = radar("ingest", str(CORPUS), "--db", str(db_path))
    second = radar("ingest", str(CORPUS), "--db", str(db_path))
    assert first.returncode == 0, first.stderr
    assert "46 new, 0 duplicate, 0 rejected" in first.stdout
    assert "0 new, 46 duplicate, 0 rejected" in second.stdout


def test_cli_missing_file_is_one_line(db_path: Path) -> None:
    result = radar("ingest", "/no/such/file.jsonl", "--db", str(db_path))
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == ["radar: error: no such file: /no/such/file.jsonl"]
