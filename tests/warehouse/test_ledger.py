"""Coverage ledger: the silence rule, the migration, and the status read over a real DuckDB file."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np
import pandas as pd

from warehouse import Document, ledger, open_writer
from warehouse.ledger import (
    MIN_SILENCE,
    Rhythm,
    SourceRun,
    is_silent,
    record_runs,
    reference_time,
    silence_threshold,
    source_status,
)
from warehouse.migrations import applied
from warehouse.write import upsert_sources, write_documents

# On the hour before the wall clock: stored documents are dated no later than their storing.
NOW = datetime.now(UTC).replace(minute=0, second=0, microsecond=0)


def every(step: timedelta, n: int, end: datetime) -> list[datetime]:
    """n times `step` apart, the last one at `end`."""
    return [end - step * i for i in range(n)][::-1]


def test_rhythm_is_three_times_the_median_gap() -> None:
    times = every(timedelta(hours=4), 30, NOW - timedelta(hours=1))
    rhythm = silence_threshold(times, NOW)
    assert rhythm == Rhythm(timedelta(hours=4), timedelta(hours=12))
    assert not is_silent(times[-1], rhythm, NOW)
    assert not is_silent(times[-1], rhythm, times[-1] + timedelta(hours=11, minutes=59))
    assert is_silent(times[-1], rhythm, times[-1] + timedelta(hours=12, minutes=1))


def test_busy_sources_get_the_six_hour_floor() -> None:
    times = every(timedelta(minutes=10), 200, NOW - timedelta(hours=5))
    rhythm = silence_threshold(times, NOW)
    assert rhythm is not None and rhythm.usual_gap == timedelta(minutes=10) and rhythm.threshold == MIN_SILENCE
    assert not is_silent(times[-1], rhythm, NOW)
    assert is_silent(times[-1], rhythm, NOW + timedelta(hours=1, minutes=1))


def test_median_ignores_a_single_long_night() -> None:
    day = every(timedelta(hours=1), 12, NOW - timedelta(days=1))
    times = day + every(timedelta(hours=1), 12, NOW - timedelta(hours=1))
    rhythm = silence_threshold(times, NOW)
    assert rhythm is not None and rhythm.usual_gap == timedelta(hours=1)


def test_a_source_quiet_for_weeks_falls_back_on_its_last_documents() -> None:
    old = every(timedelta(hours=2), 10, NOW - timedelta(days=20))
    rhythm = silence_threshold(old, NOW)
    assert rhythm is not None and rhythm.usual_gap == timedelta(hours=2)
    assert is_silent(old[-1], rhythm, NOW)


def test_too_few_documents_give_no_rhythm_and_no_alarm() -> None:
    times = every(timedelta(hours=1), 3, NOW - timedelta(days=5))
    assert silence_threshold(times, NOW) is None
    assert not is_silent(times[-1], None, NOW)
    # Documents after the reference time do not count.
    assert silence_threshold(every(timedelta(hours=1), 10, NOW + timedelta(days=1)), NOW) is None


def _doc(source: str, at: datetime, i: int) -> Document:
    return Document(url=f"https://{source}.example.vn/tin-{i}.html", source=source, title=f"Tin {i}",
                    text="Nội dung.", published_at=at)


def _run(source: str, at: datetime, **kw: int) -> SourceRun:
    counts = {"requests": 10, "feeds_ok": 1, "items_fetched": 5, "items_new": 5, "errors": 0, "http_failures": 0}
    counts.update(kw)
    return SourceRun(source=source, run_at=at, finished_at=at + timedelta(minutes=1), **counts)


def test_migration_creates_the_ledger_tables(db_path: Path) -> None:
    with open_writer(db_path) as con:
        assert "0300_source_health" in applied(con)
        tables = {r[0] for r in con.execute("SHOW TABLES").fetchall()}
        assert {"source_health", "document_syndication"} <= tables
        record_runs(con, [_run("a", NOW)])
        # The same run recorded again replaces its row.
        assert record_runs(con, [_run("a", NOW, errors=2)]) == 1
        assert con.execute("SELECT count(*), sum(errors), bool_and(ok) FROM source_health").fetchone() == (1, 2, True)


def test_status_flags_the_silent_source_and_rates_errors(db_path: Path) -> None:
    with open_writer(db_path) as con:
        docs = [_doc("steady", t, i) for i, t in enumerate(every(timedelta(hours=2), 60, NOW - timedelta(hours=1)))]
        docs += [_doc("quiet", t, i) for i, t in enumerate(every(timedelta(hours=1), 60, NOW - timedelta(days=2)))]
        write_documents(con, docs)
        upsert_sources(con, pd.DataFrame([
            {"name": n, "kind": "commercial-press", "connector": "rss", "url": f"https://{n}.example.vn",
             "status": st, "config": "{}"} for n, st in (("steady", "active"), ("quiet", "active"),
                                                        ("down", "active"), ("off", "paused"))
        ]))
        record_runs(con, [_run("steady", NOW - timedelta(hours=h)) for h in (1, 2, 3)])
        record_runs(con, [_run("quiet", NOW - timedelta(hours=1), items_new=0, errors=5, http_failures=5)])
        record_runs(con, [_run("down", NOW - timedelta(hours=h), feeds_ok=0, errors=10) for h in (1, 30)])
        assert reference_time(con, NOW) == NOW
        frame = source_status(con, NOW).set_index("source")
        silent = source_status(con, NOW, silent_only=True)
    assert list(silent["source"]) == ["quiet"]
    assert frame.loc["quiet", "state"] == "silent" and frame.loc["quiet", "threshold_hours"] == 6.0
    assert frame.loc["quiet", "hours_since_item"] == 48.0 and frame.loc["quiet", "error_rate"] == 0.5
    assert frame.loc["quiet", "http_failures_7d"] == 5
    steady = frame.loc["steady"]
    assert steady["state"] == "ok" and not steady["silent"] and steady["items_per_day"] == 60 / 7
    assert steady["usual_gap_hours"] == 2.0 and steady["error_rate"] == 0.0 and steady["runs_7d"] == 3
    assert steady["last_success"] == pd.Timestamp(NOW - timedelta(hours=1))
    assert frame.loc["down", "state"] == "failing" and pd.isna(frame.loc["down", "last_success"])
    assert frame.loc["down", "error_rate"] == 1.0
    assert frame.loc["off", "state"] == "paused"


def test_an_archive_never_crawled_is_judged_as_of_its_newest_document(db_path: Path) -> None:
    end = NOW - timedelta(days=90)
    with open_writer(db_path) as con:
        write_documents(con, [_doc("a", t, i) for i, t in enumerate(every(timedelta(hours=1), 50, end))])
        earlier = every(timedelta(hours=1), 50, end - timedelta(days=1))
        write_documents(con, [_doc("b", t, i) for i, t in enumerate(earlier)])
        assert reference_time(con, NOW) == end
        frame = source_status(con, NOW).set_index("source")
    assert not frame.loc["a", "silent"] and frame.loc["b", "silent"]
    assert frame.loc["b", "hours_since_item"] == 24.0
    assert frame.loc["a", "kind"] == "press" and pd.isna(frame.loc["a", "last_attempt"])


def test_the_vectorised_rhythm_equals_the_silence_rule() -> None:
    rng = random.Random(7)
    for n in (0, 3, 4, 5, 21, 200):
        times = sorted(NOW - timedelta(days=30) + timedelta(microseconds=rng.randrange(30 * 86_400_000_000))
                       for _ in range(n))
        stamps = np.array([(t - datetime(1970, 1, 1, tzinfo=UTC)) // timedelta(microseconds=1) for t in times],
                          dtype=np.int64)
        for reference in (NOW, NOW - timedelta(days=20), NOW - timedelta(days=29)):
            past = stamps[stamps <= ledger._microseconds(reference)]
            assert ledger._rhythm(past, reference) == silence_threshold(times, reference)


def test_document_times_equal_the_numbered_window(db_path: Path) -> None:
    with open_writer(db_path) as con:
        write_documents(con, [_doc("a", t, i) for i, t in enumerate(every(timedelta(hours=5), 200, NOW))])
        write_documents(con, [_doc("b", t, i) for i, t in enumerate(every(timedelta(days=3), 40, NOW))])
        for reference in (NOW, NOW - timedelta(days=20)):
            numbered = con.execute(
                f"WITH t AS (SELECT source, {ledger._ITEM_TIME} AS item_at FROM documents WHERE kind <> 'comment'), "
                "r AS (SELECT source, item_at, row_number() OVER (PARTITION BY source ORDER BY item_at DESC) AS rn "
                "FROM t WHERE item_at <= ?) SELECT source, item_at FROM r WHERE item_at >= ? OR rn <= ?",
                [reference, reference - ledger.RHYTHM_WINDOW, ledger.FALLBACK_DOCUMENTS + 1],
            ).fetchall()
            assert sorted(numbered) == sorted(ledger._document_times(con, reference).itertuples(index=False, name=None))
