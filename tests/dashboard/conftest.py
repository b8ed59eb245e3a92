"""Fixtures for the dashboard tests: the corpus warehouse and an AppTest pointed at it."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from dashboard.data import clear_cache
from dashboard.login import USER_KEY
from tests.dashboard.corpus import USERS, build_warehouse

APP = Path(__file__).resolve().parents[2] / "dashboard" / "streamlit_app.py"
ADMIN = next(u for u, role in USERS.items() if role == "admin")
PAGES = (
    "views/overview.py", "views/hotspots.py", "views/narrative.py", "views/topic.py", "views/policy.py",
    "views/search.py", "views/sources.py", "views/alerts.py", "views/sql.py", "views/users.py",
)


@pytest.fixture(scope="session")
def corpus_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The corpus warehouse, built once (the app only reads it)."""
    return build_warehouse(tmp_path_factory.mktemp("dashboard") / "radar.duckdb")


@pytest.fixture(autouse=True)
def fresh_cache() -> None:
    """Cached query results of one test must not leak into the next (each may use another file)."""
    clear_cache()


def signed_in_app(user: str = ADMIN) -> AppTest:
    """The app (not yet run) with `user` of the corpus signed in; RADAR_DB must be set."""
    at = AppTest.from_file(str(APP), default_timeout=60)
    at.session_state[USER_KEY] = user
    return at


@pytest.fixture()
def app(monkeypatch: pytest.MonkeyPatch) -> Callable[[Path], AppTest]:
    """Factory: an app reading the warehouse at the given path, signed in, run once on its default page."""

    def make(db: Path, user: str | None = ADMIN) -> AppTest:
        monkeypatch.setenv("RADAR_DB", str(db))
        if user is None:
            return AppTest.from_file(str(APP), default_timeout=60).run()
        return signed_in_app(user).run()  # signed in as this corpus account (the login has its own tests)

    return make
