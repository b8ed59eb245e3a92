"""Where the dashboard finds the warehouse: read in this one place."""

from __future__ import annotations

import os

DEFAULT_DB = "data/radar.duckdb"


def db_path() -> str:
    """The warehouse path from RADAR_DB (set by `radar dashboard`), else the default."""
    return os.environ.get("RADAR_DB") or DEFAULT_DB
