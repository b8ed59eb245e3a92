"""`radar export parquet`: partitions, counts, pseudonyms, dictionary, idempotence and errors."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import duckdb
import pandas as pd
import pyarrow.dataset as ds
import pytest

from pipelines.export import (
    DESCRIPTIONS,
    DICTIONARY_JSON,
    DICTIONARY_MD,
    ExportError,
    data_dictionary,
    dictionary_markdown,
    export_parquet,
)
from warehouse.db import open_reader, open_writer
from warehouse.records import Document
from warehouse.write import ANNOTATION_COLUMNS, write_annotations, write_documents

VN = ZoneInfo("Asia/Ho_Chi_Minh")
DOCS = Path(__file__).parents[2] / "docs" / "export.md"
PSEUDONYM = "reddit:0123456789abcdef0123"


def _documents() -> list[Document]:
    """Press articles over 1–5 July (Vietnam time) and two social posts, one with a clear handle."""
    docs = []
    for day in range(1, 6):
        for n in range(day):  # day d has d articles
            # 23:30 local is the previous day in UTC: partitions must follow Vietnam dates.
            published = datetime(2026, 7, day, 23 if n == 0 else 9, 30, tzinfo=VN)
            docs.append(Document(url=f"https://vnexpress.net/a-{day}-{n}.html", source="VnExpress",
                                 title=f"Tin {day}-{n}", text="Giá xăng tăng", published_at=published,
                                 extra={"section": "Kinh doanh", "author": "Phóng viên A"}))
    docs.append(Document(url="https://www.reddit.com/r/VietNam/comments/p1/", source="r/VietNam", kind="social",
                         title="Bài 1", text="Ý kiến", published_at=datetime(2026, 7, 2, 8, tzinfo=VN),
                         extra={"platform": "reddit", "author": PSEUDONYM, "reddit_id": "p1"}))
    docs.append(Document(url="https://www.reddit.com/r/VietNam/comments/p2/", source="r/VietNam", kind="social",
                         title="Bài 2", text="Ý kiến khác", published_at=datetime(2026, 7, 3, 8, tzinfo=VN),
                         extra={"platform": "reddit", "author": "nguyen.van.a", "username": "Nguyễn Văn A"}))
    docs.append(Document(url="https://vnexpress.net/old.html", source="VnExpress", title="Cũ", text="x",
                         published_at=datetime(2026, 6, 1, 9, tzinfo=VN)))
    return docs


@pytest.fixture()
def warehouse(db_path: Path) -> Path:
    """A small warehouse: 18 documents, all but the last press one annotated."""
    docs = _documents()
    rows = [{"document_id": d.id, "model_version": "test-1", "sentiment": "negative", "sentiment_score": 0.8,
             "toxicity": "clean", "toxicity_score": 0.9, "topic": "kinh-te", "topics": ["kinh-te"],
             "topic_scores": [0.7], "tokens": 3} for d in docs[:-1]]
    with open_writer(db_path) as con:
        write_documents(con, docs)
        write_annotations(con, pd.DataFrame(rows, columns=ANNOTATION_COLUMNS))
    return db_path


def _read(out: Path, table: str) -> pd.DataFrame:
    frame = ds.dataset(out / table, format="parquet", partitioning="hive").to_table().to_pandas()
    frame["date"] = frame["date"].astype(str)
    return frame


def test_export_writes_day_partitions_with_matching_counts(warehouse: Path, tmp_path: Path) -> None:
    out = tmp_path / "export"
    report = export_parquet(warehouse, date(2026, 7, 1), date(2026, 7, 5), out)
    assert report.rows == {"documents": 17, "annotations": 17}
    assert sorted(p.name for p in (out / "documents").iterdir()) == [f"date=2026-07-0{d}" for d in range(1, 6)]
    documents, annotations = _read(out, "documents"), _read(out, "annotations")
    press = documents[documents["kind"] == "press"].groupby("date").size().to_dict()
    assert press == {f"2026-07-0{d}": d for d in range(1, 6)}
    assert len(annotations) == 17 and set(annotations["document_id"]) == set(documents["id"])
    # Read back with DuckDB too: the same rows as the warehouse holds for the range.
    with duckdb.connect() as con:
        exported = con.execute(
            f"SELECT count(*), count(DISTINCT id) FROM read_parquet('{out}/documents/*/*.parquet', "
            "hive_partitioning = true)"
        ).fetchone()
    assert exported == (17, 17)
    with open_reader(warehouse) as con:
        stored = con.execute("SELECT id, published_at FROM documents WHERE published_at >= ? AND published_at < ?",
                             [datetime(2026, 7, 1, tzinfo=VN), datetime(2026, 7, 6, tzinfo=VN)]).fetchall()
    assert {i for i, _ in stored} == set(documents["id"])
    # A document at 23:30 on 1 July (Vietnam) is 16:30 UTC the same day; 23:30 on 2 July is 2 July too.
    late = documents[documents["title"] == "Tin 2-0"].iloc[0]
    assert late["date"] == "2026-07-02"


def test_social_authors_stay_pseudonymised(warehouse: Path, tmp_path: Path) -> None:
    out = tmp_path / "export"
    export_parquet(warehouse, date(2026, 7, 1), date(2026, 7, 5), out)
    documents = _read(out, "documents").set_index("title")
    assert documents.loc["Bài 1", "author"] == PSEUDONYM
    # A clear handle is neither in the author column nor anywhere in extra.
    assert pd.isna(documents.loc["Bài 2", "author"])
    extra = json.loads(documents.loc["Bài 2", "extra"])
    assert "author" not in extra and "username" not in extra and extra["platform"] == "reddit"
    assert "nguyen.van.a" not in (out / "documents").joinpath("date=2026-07-03", "part-0.parquet").read_bytes().decode(
        "latin-1")
    # Press bylines are public and kept; press rows have no author pseudonym.
    assert json.loads(documents.loc["Tin 1-0", "extra"])["author"] == "Phóng viên A"
    assert pd.isna(documents.loc["Tin 1-0", "author"])


def test_dictionary_describes_every_exported_column(warehouse: Path, tmp_path: Path) -> None:
    out = tmp_path / "export"
    export_parquet(warehouse, date(2026, 7, 1), date(2026, 7, 5), out)
    manifest = json.loads((out / DICTIONARY_JSON).read_text(encoding="utf-8"))
    for table in ("documents", "annotations"):
        names = [c["name"] for c in manifest["tables"][table]]
        exported = _read(out, table).columns.tolist()
        assert sorted(names) == sorted(exported)
        assert all(c["description"] and c["type"] for c in manifest["tables"][table])
        assert set(DESCRIPTIONS[table]) == set(names)
    assert manifest["last_export"]["rows"] == {"documents": 17, "annotations": 17}
    assert "| `author` |" in (out / DICTIONARY_MD).read_text(encoding="utf-8")


def test_docs_carry_the_generated_dictionary(warehouse: Path) -> None:
    with open_reader(warehouse) as con:
        generated = dictionary_markdown(data_dictionary(con))
    docs = DOCS.read_text(encoding="utf-8")
    rows = [line for line in generated.splitlines() if line.startswith("| `")]
    assert rows and [r for r in rows if r not in docs] == []


def test_rerun_replaces_the_range_only(warehouse: Path, tmp_path: Path) -> None:
    out = tmp_path / "export"
    export_parquet(warehouse, date(2026, 6, 1), date(2026, 7, 5), out)
    assert (out / "documents" / "date=2026-06-01").is_dir()
    # The document of 3 July goes; the re-export of 2–4 July drops it, keeps 1 and 5 July, and June.
    gone = _documents()[3]
    assert gone.published_at is not None and gone.published_at.day == 3
    with open_writer(warehouse) as con:
        con.execute("DELETE FROM annotations WHERE document_id = ?", [gone.id])
        con.execute("DELETE FROM documents WHERE id = ?", [gone.id])
    stray = out / "documents" / "date=2026-07-04" / "stray.parquet"
    stray.write_bytes(b"left by an earlier run")
    report = export_parquet(warehouse, date(2026, 7, 2), date(2026, 7, 4), out)
    assert report.rows["documents"] == 2 + 2 + 4 + 2  # press of 2, 3 (one gone) and 4 July; both social posts
    assert not stray.exists()
    documents = _read(out, "documents")
    assert gone.id not in set(documents["id"])
    assert len(documents) == 18 - 1 and documents["id"].is_unique
    assert len(_read(out, "annotations")) == 17 - 1
    assert not [p for p in out.iterdir() if p.name.startswith(".radar-export")]


def test_empty_range_removes_its_partitions(warehouse: Path, tmp_path: Path) -> None:
    out = tmp_path / "export"
    export_parquet(warehouse, date(2026, 7, 1), date(2026, 7, 5), out)
    with open_writer(warehouse) as con:
        con.execute("DELETE FROM annotations")
        con.execute("DELETE FROM documents WHERE published_at >= ?", [datetime(2026, 7, 5, tzinfo=VN)])
    report = export_parquet(warehouse, date(2026, 7, 5), date(2026, 7, 5), out)
    assert report.rows == {"documents": 0, "annotations": 0}
    assert not (out / "documents" / "date=2026-07-05").exists()
    assert (out / "documents" / "date=2026-07-04").is_dir()


def test_bad_range_is_refused(warehouse: Path, tmp_path: Path) -> None:
    with pytest.raises(ExportError, match="after --until"):
        export_parquet(warehouse, date(2026, 7, 5), date(2026, 7, 1), tmp_path / "x")


def test_unwritable_dir_is_refused_and_nothing_is_left(warehouse: Path, tmp_path: Path) -> None:
    # A file where a folder should be: refused even for root, which directory permissions do not stop.
    blocker = tmp_path / "blocker"
    blocker.write_text("x")
    with pytest.raises(ExportError, match="cannot write to .*blocker/out"):
        export_parquet(warehouse, date(2026, 7, 1), date(2026, 7, 1), blocker / "out")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["blocker", "radar.duckdb"]


def _radar(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-c", "from pipelines.cli import main; main()", *args],
                          capture_output=True, text=True, check=False)


def test_cli_summary_and_one_line_errors(warehouse: Path, tmp_path: Path) -> None:
    out = tmp_path / "cli"
    done = _radar("export", "parquet", "--since", "2026-07-01", "--until", "2026-07-05", "--out", str(out),
                  "--db", str(warehouse))
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("export 2026-07-01..2026-07-05: 17 documents, 17 annotations in 5 day partitions")
    file_in_the_way = tmp_path / "file"
    file_in_the_way.write_text("x")
    for args, message in [
        (("--since", "2026-13-01", "--until", "2026-07-05", "--out", str(out)),
         "radar: error: --since must be a date YYYY-MM-DD, not '2026-13-01'"),
        (("--since", "2026-07-01", "--until", "tomorrow", "--out", str(out)),
         "radar: error: --until must be a date YYYY-MM-DD, not 'tomorrow'"),
        (("--since", "2026-07-01", "--until", "2026-07-05", "--out", str(file_in_the_way / "sub")),
         f"radar: error: cannot write to {file_in_the_way / 'sub'}: Not a directory"),
    ]:
        failed = _radar("export", "parquet", *args, "--db", str(warehouse))
        assert failed.returncode == 2
        assert failed.stderr.strip().splitlines() == [message]


def test_long_range_writes_only_days_with_documents(warehouse: Path, tmp_path: Path) -> None:
    # A year-long range with few documents: partitions only where there are documents.
    out = tmp_path / "year"
    report = export_parquet(warehouse, date(2026, 1, 1), date(2026, 12, 31), out)
    assert report.days == 365 and report.rows["documents"] == 18
    assert len(list((out / "documents").iterdir())) == 6
