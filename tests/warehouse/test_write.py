"""Warehouse migrations and the idempotent write API."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from warehouse import Document, WarehouseLocked, WarehouseMissing, connect, open_reader, open_writer
from warehouse.migrations import MIGRATIONS, applied
from warehouse.write import (
    refresh_hourly_aggregates,
    write_annotations,
    write_documents,
)

T0 = datetime(2026, 3, 1, 8, 30, tzinfo=UTC)


def doc(i: int, **kw: object) -> Document:
    """A small test document."""
    return Document(url=f"https://bao.example.vn/tin-{i}.html", source="Báo Ví Dụ", title=f"Tin số {i}",
                    text="Nội dung bài viết.", published_at=T0 + timedelta(minutes=20 * i), **kw)  # type: ignore[arg-type]


def test_migrations_are_recorded_once(db_path: Path) -> None:
    with open_writer(db_path) as con:
        assert applied(con) == [name for name, _ in MIGRATIONS]
    with open_writer(db_path) as con:
        assert con.execute("SELECT count(*) FROM schema_migrations").fetchone() == (len(MIGRATIONS),)


def test_write_documents_is_idempotent(db_path: Path) -> None:
    docs = [doc(i) for i in range(50)]
    with open_writer(db_path) as con:
        first = write_documents(con, docs)
        second = write_documents(con, docs[:10] + [doc(99)])
        stored = con.execute("SELECT count(*) FROM documents").fetchone()
    assert (first.new, first.duplicate) == (50, 0)
    assert (second.new, second.duplicate) == (1, 10)
    assert stored == (51,)


def test_duplicates_inside_one_batch_count_once(db_path: Path) -> None:
    with open_writer(db_path) as con:
        result = write_documents(con, [doc(1), doc(1), doc(2)])
    assert (result.new, result.duplicate) == (2, 1)


def test_published_time_keeps_the_instant(db_path: Path) -> None:
    with open_writer(db_path) as con:
        write_documents(con, [doc(0)])
        value = con.execute("SELECT published_at FROM documents").fetchone()[0]  # type: ignore[index]
    assert value == T0
    assert value.utcoffset() == timedelta(hours=7)  # shown in Vietnam time


def test_document_rejects_unknown_kind() -> None:
    with pytest.raises(ValueError, match="kind must be one of"):
        doc(1, kind="blog")


def test_reader_refuses_missing_file(tmp_path: Path) -> None:
    with pytest.raises(WarehouseMissing), open_reader(tmp_path / "none.duckdb"):
        pass


def test_writer_waits_then_reports_lock(db_path: Path) -> None:
    import subprocess
    import sys

    with open_writer(db_path):
        pass
    holder = subprocess.Popen(
        [sys.executable, "-c",
         f"import duckdb, time; c = duckdb.connect({str(db_path)!r}); print('held', flush=True); time.sleep(30)"],
        stdout=subprocess.PIPE, text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
        with pytest.raises(WarehouseLocked):
            connect(db_path, read_only=True, timeout=1.0)
    finally:
        holder.kill()
        holder.wait()
    with open_reader(db_path) as con:  # free again once the other process is gone
        assert con.execute("SELECT 1").fetchone() == (1,)


def test_hourly_aggregates_recompute_idempotently(db_path: Path) -> None:
    docs = [doc(i) for i in range(6)]  # 08:30 … 10:10 UTC: hours 8, 9, 10
    annotations = pd.DataFrame({
        "document_id": [d.id for d in docs], "model_version": "t",
        "sentiment": ["negative", "neutral", "neutral", "positive", "negative", "negative"],
        "sentiment_score": 0.9, "toxicity": "clean", "toxicity_score": 0.9,
        "topic": ["y-te", "y-te", "giao-duc", "y-te", "y-te", "y-te"],
        "topics": [["y-te"]] * 6, "topic_scores": [[0.9]] * 6, "tokens": 5,
    })
    with open_writer(db_path) as con:
        write_documents(con, docs)
        write_annotations(con, annotations)
        write_annotations(con, annotations)  # replacing, not duplicating
        refresh_hourly_aggregates(con)
        refresh_hourly_aggregates(con, since=T0 + timedelta(hours=1))
        rows = con.execute(
            "SELECT sum(n_documents), count(DISTINCT hour) FROM hourly_aggregates WHERE topic = 'y-te'"
        ).fetchone()
        total = con.execute("SELECT count(*) FROM annotations").fetchone()
    assert total == (6,)
    assert rows == (5, 3)


def test_schema_change_outside_migrations_is_not_silently_reapplied(db_path: Path) -> None:
    with open_writer(db_path):
        pass
    con = duckdb.connect(str(db_path))
    try:
        names = {r[0] for r in con.execute("SELECT name FROM schema_migrations").fetchall()}
    finally:
        con.close()
    assert names == {name for name, _ in MIGRATIONS}
