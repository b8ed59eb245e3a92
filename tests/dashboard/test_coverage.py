"""The coverage ledger on the dashboard: the Sources page's table and the overview's silent banner."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from tests.dashboard.conftest import APP
from warehouse import users
from warehouse.db import open_writer
from warehouse.ledger import SourceRun, record_runs
from warehouse.records import Document
from warehouse.write import write_documents


def signed_in_app(db: Path, monkeypatch: pytest.MonkeyPatch) -> AppTest:
    """The app on the warehouse at `db`, signed in as a viewer, run once on its default page."""
    with open_writer(db) as con:
        users.add_user(con, "xem", "Người xem", "not-a-real-hash", "viewer")
    monkeypatch.setenv("RADAR_DB", str(db))
    at = AppTest.from_file(str(APP), default_timeout=60)
    at.session_state["radar_user"] = "xem"
    return at.run()


def _warehouse(path: Path) -> Path:
    """Two crawled outlets: one publishing every hour until now, one stopped two days ago."""
    now = datetime.now(UTC).replace(minute=0, second=0, microsecond=0)
    docs = []
    for name, last in (("bao-deu", now - timedelta(hours=1)), ("bao-im", now - timedelta(days=2))):
        docs += [
            Document(url=f"https://{name}.example.vn/tin-{i}.html", source=name, title=f"Tin {i} của {name}",
                     text="Nội dung bài viết về chính sách.", published_at=last - timedelta(hours=i))
            for i in range(40)
        ]
    with open_writer(path) as con:
        write_documents(con, docs)
        record_runs(con, [
            SourceRun(source=n, run_at=now - timedelta(minutes=30), finished_at=now - timedelta(minutes=29),
                      requests=5, feeds_ok=1, items_fetched=1, items_new=int(n == "bao-deu"), errors=0,
                      http_failures=0)
            for n in ("bao-deu", "bao-im")
        ])
    return path


def test_overview_warns_of_silent_sources_and_sources_page_shows_the_ledger(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    at = signed_in_app(_warehouse(tmp_path / "radar.duckdb"), monkeypatch)
    assert not at.exception
    assert [w.value for w in at.warning] == ["1 nguồn im lặng / 1 sources silent: bao-im"]
    at.switch_page("views/sources.py").run()
    assert not at.exception
    ledger = next(d.value for d in at.dataframe if "Tình trạng" in d.value.columns).set_index("Nguồn")
    assert ledger.loc["bao-im", "Tình trạng"] == "im lặng" and ledger.loc["bao-deu", "Tình trạng"] == "ổn"
    assert ledger.loc["bao-im", "Giờ từ tin cuối"] >= 48.0
    assert ledger.loc["bao-deu", "Tỉ lệ lỗi"] == "0%"
    assert list(ledger.index)[0] == "bao-im"  # silent sources first


def test_no_banner_when_every_source_keeps_its_rhythm(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    db = _warehouse(tmp_path / "radar.duckdb")
    with open_writer(db) as con:
        con.execute("DELETE FROM documents WHERE source = 'bao-im'")
        con.execute("DELETE FROM source_health WHERE source = 'bao-im'")
    at = signed_in_app(db, monkeypatch)
    assert not at.exception and at.metric  # the overview was drawn
    assert not at.warning
