"""Streamlit launcher that imports the dashboard's heavy modules before the first visitor arrives."""

from __future__ import annotations

import importlib
import sys

# Streamlit runs the app script inside this process, so whatever is imported here is already in
# sys.modules when the first session runs the script: the login form no longer waits for pandas,
# plotly, DuckDB and the dashboard package to import (seconds on a fresh server).
WARM_MODULES = (
    "pandas", "plotly.express", "plotly.graph_objects", "duckdb", "argon2",
    "dashboard.data", "dashboard.widgets", "dashboard.login", "dashboard.charts", "dashboard.queries",
)


def warm_imports() -> list[str]:
    """Import the modules the app needs; return the names that failed (the app reports those itself)."""
    failed = []
    for name in WARM_MODULES:
        try:
            importlib.import_module(name)
        except ImportError:
            failed.append(name)
    return failed


def main() -> None:
    """Warm the imports, then hand the command line to Streamlit's own CLI."""
    warm_imports()
    from streamlit.web import cli

    sys.argv = ["streamlit", *sys.argv[1:]]
    sys.exit(cli.main())


if __name__ == "__main__":
    main()
