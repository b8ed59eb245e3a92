"""The dashboard keeps reading while another real process writes to the warehouse."""

from __future__ import annotations

import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

import pytest
import streamlit as st

from dashboard import data
from tests.dashboard.conftest import PAGES, signed_in_app
from tests.dashboard.corpus import ITEMS, NEWEST, build_warehouse
from warehouse import read
from warehouse.db import open_reader

ROOT = Path(__file__).resolve().parents[2]
BATCH = 25

# Runs in its own interpreter: a separate process holding DuckDB's write lock batch after batch.
WRITER = """
import sys, time
from datetime import datetime, timedelta
from pathlib import Path
import pandas as pd
from warehouse.db import open_writer
from warehouse.records import Document
from warehouse.write import write_documents, write_annotations, refresh_hourly_aggregates

db, stop = Path(sys.argv[1]), Path(sys.argv[2])
newest, batch = datetime.fromisoformat(sys.argv[3]), int(sys.argv[4])
n = 0
deadline = time.monotonic() + 60
while not stop.exists() and time.monotonic() < deadline:
    docs = [
        Document(url=f"https://tre.example.vn/{n}-{i}", source="bao-tre", text="Nội dung thử nghiệm.",
                 title=f"Tin nhanh số {n}-{i} về giao thông", published_at=newest - timedelta(minutes=i))
        for i in range(batch)
    ]
    with open_writer(db) as con:
        write_documents(con, docs)
        write_annotations(con, pd.DataFrame([
            {"document_id": d.id, "model_version": "w", "sentiment": "neutral", "sentiment_score": 0.5,
             "toxicity": None, "toxicity_score": None, "topic": "giao-thong", "topics": ["giao-thong"],
             "topic_scores": [0.5], "tokens": 5}
            for d in docs
        ]))
        refresh_hourly_aggregates(con, since=newest - timedelta(days=1))
        time.sleep(0.05)  # hold the lock a little longer, as a real batch would
    n += 1
    time.sleep(0.15)  # radar process annotates the next batch with no connection open
print(n)
"""


def test_reads_and_renders_succeed_while_another_process_writes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    db = build_warehouse(tmp_path / "radar.duckdb")
    stop = tmp_path / "stop"
    monkeypatch.setenv("RADAR_DB", str(db))
    # Every read must really succeed here, not fall back to earlier figures after the page's short
    # wait (that fallback has its own test below): wait as long as open_reader does by default.
    monkeypatch.setattr(data, "READ_TIMEOUT_S", 30.0)
    monkeypatch.setattr(data, "STATE_TIMEOUT_S", 30.0)
    writer = subprocess.Popen(
        [sys.executable, "-c", WRITER, str(db), str(stop), NEWEST.isoformat(), str(BATCH)],
        cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    start, end = NEWEST - timedelta(days=30), NEWEST + timedelta(hours=1)
    seen: list[int] = []
    started = time.monotonic()
    try:
        for page in PAGES:
            with open_reader(db) as con:
                seen.append(int(read.overview_counts(con, start, end)["n_documents"].iloc[0]))
                assert not read.search_documents(con, read.SearchQuery("ùn tắc", start, end)).empty
            st.cache_data.clear()  # every render must really read the file, not the cache
            at = signed_in_app().run()
            at.switch_page(page).run()
            assert not at.exception, at.exception
            assert not at.warning, [w.value for w in at.warning]  # no "warehouse busy" notice
        elapsed = time.monotonic() - started
    finally:
        stop.touch()
        out, err = writer.communicate(timeout=90)
    assert writer.returncode == 0, err
    batches = int(out.strip())
    assert batches >= 3
    assert elapsed < 60, f"{len(PAGES)} renders took {elapsed:.0f}s"
    assert seen == sorted(seen)  # readers only ever see whole, committed batches
    base = sum(i.published_at >= NEWEST - timedelta(days=30) for i in ITEMS)
    assert all(n >= base and (n - base) % BATCH == 0 for n in seen)
    assert len(set(seen)) >= 2  # the writes really happened between the reads
    with open_reader(db) as con:
        assert read.data_bounds(con)["n_documents"].iloc[0] == len(ITEMS) + batches * BATCH


# Holds the write lock until told to stop, as a long `radar process` step (an index rebuild) would.
HOLDER = """
import sys, time
from pathlib import Path
from warehouse.db import open_writer

with open_writer(sys.argv[1]):
    print("locked", flush=True)
    while not Path(sys.argv[2]).exists():
        time.sleep(0.05)
"""


def test_a_long_write_shows_the_previous_figures(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    db = build_warehouse(tmp_path / "radar.duckdb")
    monkeypatch.setenv("RADAR_DB", str(db))
    monkeypatch.setattr(data, "READ_TIMEOUT_S", 1.0)
    at = signed_in_app().run()
    before = {m.label: m.value for m in at.metric}
    stop = tmp_path / "stop"
    holder = subprocess.Popen([sys.executable, "-c", HOLDER, str(db), str(stop)], cwd=ROOT,
                              stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "locked"
        st.cache_data.clear()  # as if the data had changed: every query has to read again
        at.run()
        assert not at.exception
        assert {m.label: m.value for m in at.metric} == before
        assert "đang được ghi" in at.sidebar.warning[0].value

        data.clear_cache()  # nothing read before: the page says the warehouse is busy
        fresh = signed_in_app().run()
        assert not fresh.exception
        assert "đang bận" in fresh.warning[0].value
        assert not fresh.metric
    finally:
        stop.touch()
        holder.wait(timeout=30)
    at.run()
    assert not at.sidebar.warning  # writer gone: fresh figures, no notice
