"""Fixtures for the dashboard tests: the corpus warehouse and an AppTest pointed at it."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from dashboard.data import clear_cache
from tests.dashboard.corpus import build_warehouse

APP = Path(__file__).resolve().parents[2] / "dashboard" / "streamlit_app.py"
PAGES = ("views/overview.py", "views/topic.py", "views/search.py", "views/sources.py", "views/sql.py")


@pytest.fixture(scope="session")
def corpus_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The corpus warehouse, built once (the app only reads it)."""
    return build_warehouse(tmp_path_factory.mktemp("dashboard") / "radar.duckdb")


@pytest.fixture(autouse=True)
def fresh_cache() -> None:
    """Cached query results of one test must not leak into the next (each may use another file)."""
    clear_cache()


@pytest.fixture()
def app(monkeypatch: pytest.MonkeyPatch) -> Callable[[Path], AppTest]:
    """Factory: an app reading the warehouse at the given path, run once on its default page."""

    def make(db: Path) -> AppTest:
        monkeypatch.setenv("RADAR_DB", str(db))
        return AppTest.from_file(str(APP), default_timeout=60).run()

    return make
