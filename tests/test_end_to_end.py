"""End to end: ingest, process, aggregates, dashboard pages, and the served dashboard beside the CLI."""

from __future__ import annotations

import gzip
import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from nlp.annotate import Annotator
from pipelines.ingest import ingest_file
from pipelines.process import process
from pipelines.serve import APP, dashboard_command, dashboard_env
from warehouse import open_reader

CORPUS = Path(__file__).parent / "data" / "corpus.jsonl"


@pytest.fixture(scope="module")
def annotator() -> Annotator:
    return Annotator.load()


def radar(*args: str, timeout: float = 300) -> subprocess.CompletedProcess[str]:
    """Run the real command line in a child process."""
    return subprocess.run([sys.executable, "-m", "pipelines.cli", *args], capture_output=True, text=True,
                          timeout=timeout)


def check_consistent(db: Path, expected_docs: int) -> None:
    """Every document annotated once, aggregates add up to the dated documents, spikes scored."""
    with open_reader(db) as con:
        docs, annotated = con.execute(
            "SELECT count(*), count(a.document_id) FROM documents d LEFT JOIN annotations a ON a.document_id = d.id"
        ).fetchone()  # type: ignore[misc]
        dated = con.execute("SELECT count(*) FROM documents WHERE published_at IS NOT NULL").fetchone()[0]  # type: ignore[index]
        aggregated = con.execute("SELECT coalesce(sum(n_documents), 0) FROM hourly_aggregates").fetchone()[0]  # type: ignore[index]
        topics = {r[0] for r in con.execute("SELECT DISTINCT topic FROM annotations").fetchall()}
        slugs = {r[0] for r in con.execute("SELECT slug FROM topics").fetchall()}
        spikes = con.execute("SELECT count(*), count(DISTINCT topic) FROM topic_spikes").fetchone()
    assert docs == annotated == expected_docs
    assert aggregated == dated
    assert topics <= slugs and len(topics) >= 3
    assert spikes[0] > 0 and spikes[1] == len(topics)  # type: ignore[index]


def test_corpus_end_to_end(db_path: Path, annotator: Annotator) -> None:
    report = ingest_file(CORPUS, db_path)
    assert report.new == 46
    first = process(db_path, annotator)
    assert first.annotated == 46
    check_consistent(db_path, 46)
    again = process(db_path, annotator)  # incremental: nothing new, nothing redone
    assert again.annotated == 0
    with open_reader(db_path) as con:
        flood = con.execute(
            "SELECT count(*) FROM documents d JOIN annotations a ON a.document_id = d.id "
            "WHERE d.title LIKE 'Lũ dâng cao%' AND a.sentiment = 'negative'"
        ).fetchone()
        alerts = con.execute(
            "SELECT count(*) FROM topic_spikes WHERE alert AND hour >= TIMESTAMPTZ '2026-05-11 06:00:00+07'"
        ).fetchone()
    assert flood == (4,)  # the invented flood headlines read as negative
    assert alerts is not None and alerts[0] >= 1  # the burst on the last day is flagged


def test_dashboard_pages_show_the_counts(db_path: Path, annotator: Annotator, monkeypatch: pytest.MonkeyPatch) -> None:
    from streamlit.testing.v1 import AppTest

    ingest_file(CORPUS, db_path)
    process(db_path, annotator)
    from dashboard.auth import hash_password
    from dashboard.login import USER_KEY
    from warehouse import open_writer
    from warehouse.users import add_user

    with open_writer(db_path) as con:
        add_user(con, "bientap", "Biên tập", hash_password("mat-khau-dai-1"), "viewer")
    monkeypatch.setenv("RADAR_DB", str(db_path))
    at = AppTest.from_file(str(APP), default_timeout=60)
    at.session_state[USER_KEY] = "bientap"  # signed in (the login form has its own tests)
    at.run()
    assert not at.exception
    shown = " ".join(str(m.value) for m in at.metric)
    assert "46" in shown


def test_shared_timeline_slice(shared_dir: Path, tmp_path: Path, annotator: Annotator) -> None:
    source = next((shared_dir / "data" / "timeline").glob("*.jsonl*"))
    slice_path = tmp_path / "slice.jsonl"
    with gzip.open(source, "rt", encoding="utf-8") as fh, slice_path.open("w", encoding="utf-8") as out:
        for n, line in enumerate(fh):
            if n >= 3000:
                break
            out.write(line)
    db = tmp_path / "timeline.duckdb"
    report = ingest_file(slice_path, db)
    assert report.new + report.duplicate == 3000 and report.rejected == 0
    assert ingest_file(slice_path, db).new == 0
    process(db, annotator)
    check_consistent(db, report.new)
    with open_reader(db) as con:
        # real headlines get a spread of topics and sentiments, not one class
        n_topics, n_sent = con.execute(
            "SELECT count(DISTINCT topic), count(DISTINCT sentiment) FROM annotations"
        ).fetchone()  # type: ignore[misc]
    assert n_topics >= 8 and n_sent == 3


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_served_dashboard_and_cli_share_the_warehouse(db_path: Path, annotator: Annotator, tmp_path: Path) -> None:
    ingest_file(CORPUS, db_path)
    process(db_path, annotator)
    port = free_port()
    server = subprocess.Popen(
        [*dashboard_command(port), "--server.address", "127.0.0.1"],
        env=dashboard_env(db_path), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=2) as resp:
                    if resp.status == 200:
                        break
            except OSError:
                pass
            assert time.monotonic() < deadline, "dashboard did not come up"
            assert server.poll() is None, server.stderr.read().decode() if server.stderr else ""
            time.sleep(0.5)
        counted = radar("sql", "SELECT count(*) AS n FROM documents", "--db", str(db_path), "--format", "json")
        assert counted.returncode == 0, counted.stderr
        assert json.loads(counted.stdout) == {"n": 46}
        # a writer gets in while the dashboard runs
        more = tmp_path / "more.jsonl"
        more.write_text(json.dumps({"url": "https://baomau.example.vn/them.html", "title": "Tin bổ sung về giá xăng",
                                    "summary": "Giá xăng giảm nhẹ từ chiều nay.", "source": "Báo Mẫu",
                                    "published": "2026-05-11T13:00:00+07:00"}, ensure_ascii=False) + "\n")
        added = radar("ingest", str(more), "--db", str(db_path))
        assert added.returncode == 0 and "1 new" in added.stdout, added.stderr
        processed = radar("process", "--db", str(db_path))
        assert processed.returncode == 0, processed.stderr
        assert "1 documents annotated" in processed.stdout
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=5) as resp:
            assert resp.status == 200
        assert server.poll() is None
    finally:
        server.terminate()
        server.wait(timeout=20)


def test_streamlit_app_file_is_packaged() -> None:
    assert APP.is_file() and os.path.basename(APP) == "streamlit_app.py"


def test_radar_dashboard_announces_its_address_without_asking_anything(db_path: Path) -> None:
    ingest_file(CORPUS, db_path)
    port = free_port()
    # No --no-browser and no terminal: a first Streamlit run must not stop to ask for an e-mail.
    proc = subprocess.Popen(
        [sys.executable, "-m", "pipelines.cli", "dashboard", "--db", str(db_path), "--port", str(port)],
        stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
        env={k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY")},
    )
    try:
        assert proc.stdout is not None
        # Streamlit's own banner shares stdout; ours comes once the server answers.
        lines = iter(proc.stdout.readline, "")
        announced = next((line for line in lines if line.startswith("Bảng điều khiển")), "")
        assert announced.strip() == f"Bảng điều khiển / Dashboard: http://localhost:{port}"
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=5) as resp:
            assert resp.status == 200
    finally:
        proc.terminate()
        proc.wait(timeout=20)
