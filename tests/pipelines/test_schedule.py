"""`radar run`: one cycle, the run lock, one failing step, and a clean stop on SIGTERM."""

from __future__ import annotations

import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from pipelines.errors import UserError
from pipelines.ingest import ingest_file
from pipelines.schedule import parse_interval, run_cycle, run_lock, run_loop
from warehouse import open_reader

CORPUS = Path(__file__).parents[1] / "data" / "corpus.jsonl"


def test_parse_interval() -> None:
    assert parse_interval("10m") == 600 and parse_interval("1.5h") == 5400 and parse_interval("30s") == 30
    for bad in ("10", "m", "0m", "-1h", "10 minutes"):
        with pytest.raises(UserError, match="interval must look like"):
            parse_interval(bad)


def test_second_run_on_the_same_warehouse_is_refused(db_path: Path) -> None:
    with run_lock(db_path), pytest.raises(UserError, match="already working"), run_lock(db_path):
        pass
    with run_lock(db_path):  # released again
        pass


def test_a_failing_step_does_not_stop_the_others() -> None:
    calls: list[str] = []

    def broken() -> str:
        raise OSError("No space left on device")

    def fine() -> str:
        calls.append("fine")
        return "ok"

    cycle = run_cycle([("crawl", broken), ("process", fine)], threading.Event())
    assert cycle.failed == ["crawl"] and cycle.results["process"] == "ok"
    assert "No space left" in cycle.results["crawl"]


def test_loop_runs_cycles_until_stopped() -> None:
    stop = threading.Event()
    seen: list[int] = []

    def step() -> str:
        seen.append(1)
        if len(seen) == 3:
            stop.set()
        return "ok"

    assert run_loop([("s", step)], 0.01, stop=stop) == 3


def test_run_once_processes_stored_documents(db_path: Path) -> None:
    ingest_file(CORPUS, db_path)
    done = subprocess.run(
        [sys.executable, "-m", "pipelines.cli", "run", "--once", "--no-crawl", "--db", str(db_path)],
        capture_output=True, text=True, timeout=300,
    )
    assert done.returncode == 0, done.stderr
    assert "process: 46 documents annotated" in done.stdout
    with open_reader(db_path) as con:
        assert con.execute("SELECT count(*) FROM annotations").fetchone() == (46,)


def test_sigterm_stops_the_loop_cleanly(db_path: Path) -> None:
    proc = subprocess.Popen(
        [sys.executable, "-m", "pipelines.cli", "run", "--every", "1h", "--no-crawl", "--db", str(db_path)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    assert proc.stdout is not None
    line = proc.stdout.readline()  # the first cycle is done; the loop now sleeps for an hour
    assert line.startswith("run: process:"), line
    started = time.monotonic()
    proc.send_signal(signal.SIGTERM)
    assert proc.wait(timeout=30) == 0
    assert time.monotonic() - started < 10
