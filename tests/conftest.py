"""Shared fixtures: where ../shared is, and a fresh warehouse per test."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("RADAR_SHARED", ROOT.parent / "shared")).resolve()


@pytest.fixture(scope="session")
def shared_dir() -> Path:
    """The ../shared folder; tests that need it skip with a reason when it is absent."""
    if not (SHARED / "data").is_dir():
        pytest.skip(f"../shared data not found at {SHARED} (a fresh clone has none)")
    return SHARED


@pytest.fixture()
def db_path(tmp_path: Path) -> Path:
    """Path of a fresh, not yet created warehouse file."""
    return tmp_path / "radar.duckdb"
