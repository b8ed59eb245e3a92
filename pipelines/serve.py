"""Serving the Streamlit dashboard as a child process, pointed at the warehouse."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import dashboard

APP = Path(dashboard.__file__).with_name("streamlit_app.py")


def dashboard_command(port: int, *, headless: bool) -> list[str]:
    """The streamlit command line for the dashboard (no telemetry: the machine may be offline)."""
    return [
        sys.executable, "-m", "streamlit", "run", str(APP),
        "--server.port", str(port),
        "--server.headless", "true" if headless else "false",
        "--browser.gatherUsageStats", "false",
        "--server.fileWatcherType", "none",
    ]


def dashboard_env(db: Path) -> dict[str, str]:
    """Environment of the dashboard process: the warehouse path it reads."""
    return {**os.environ, "RADAR_DB": str(db.resolve())}


def serve_dashboard(db: Path, port: int, *, headless: bool) -> int:
    """Run the dashboard until interrupted; return its exit code."""
    print(f"Bảng điều khiển / Dashboard: http://localhost:{port}", flush=True)
    proc = subprocess.Popen(dashboard_command(port, headless=headless), env=dashboard_env(db))
    try:
        return proc.wait()
    except KeyboardInterrupt:
        proc.terminate()
        return proc.wait(timeout=10)
