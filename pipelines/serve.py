"""Serving the Streamlit dashboard as a child process, pointed at the warehouse."""

from __future__ import annotations

import os
import subprocess
import sys
import time
import urllib.request
import webbrowser
from pathlib import Path

import dashboard

APP = Path(dashboard.__file__).with_name("streamlit_app.py")


def dashboard_command(port: int) -> list[str]:
    """The streamlit command line for the dashboard (no telemetry: the machine may be offline).

    Always headless: otherwise a first run asks for an e-mail address on the terminal and fails
    without one; the browser is opened by `serve_dashboard` instead.
    """
    return [
        sys.executable, "-m", "dashboard.launch", "run", str(APP),
        "--server.port", str(port),
        "--server.headless", "true",
        "--browser.gatherUsageStats", "false",
        "--server.fileWatcherType", "none",
    ]


def dashboard_env(db: Path) -> dict[str, str]:
    """Environment of the dashboard process: the warehouse path it reads."""
    return {**os.environ, "RADAR_DB": str(db.resolve())}


def wait_until_up(url: str, proc: subprocess.Popen[bytes], timeout: float = 60.0) -> bool:
    """Poll Streamlit's health endpoint until it answers, the process dies or time runs out."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and proc.poll() is None:
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as resp:
                if resp.status == 200:
                    return True
        except OSError:
            time.sleep(0.3)
    return False


def serve_dashboard(db: Path, port: int, *, headless: bool) -> int:
    """Run the dashboard until interrupted (opening a browser unless headless); return its exit code."""
    url = f"http://localhost:{port}"
    proc = subprocess.Popen(dashboard_command(port), env=dashboard_env(db))
    try:
        if wait_until_up(url, proc):
            print(f"Bảng điều khiển / Dashboard: {url}", flush=True)
            # Only with a screen: on a server webbrowser would start a text browser in this terminal.
            if not headless and (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")
                                 or sys.platform in ("darwin", "win32")):
                webbrowser.open(url)
        return proc.wait()
    except KeyboardInterrupt:
        proc.terminate()
        return proc.wait(timeout=10)
