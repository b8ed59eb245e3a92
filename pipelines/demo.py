"""`radar demo`: real news into a warehouse, annotated and scored, ready for the dashboard."""

from __future__ import annotations

import socket
from pathlib import Path

from pipelines.errors import UserError
from pipelines.settings import Settings

LIVE_PROBE = ("vnexpress.net", 443)


def network_available(host: tuple[str, int] = LIVE_PROBE, timeout: float = 5.0) -> bool:
    """Whether the live news sites can be reached from here."""
    try:
        with socket.create_connection(host, timeout=timeout):
            return True
    except OSError:
        return False


def choose_demo_input(settings: Settings) -> tuple[str, Path | None]:
    """Decide where demo data comes from: ('file', path) or ('crawl', None); raise when neither works."""
    source = settings.demo_source()
    if source is not None:
        if not source.exists():
            raise UserError(f"RADAR_DEMO_FILE={source} does not exist")
        return "file", source
    if network_available():
        return "crawl", None
    raise UserError(
        "no demo data: set RADAR_DEMO_FILE to a JSON Lines file (or place ../shared/data/timeline), "
        "or allow network access to the news feeds"
    )


def first_admin(settings: Settings) -> None:
    """Give a warehouse without an enabled admin an `admin` account, printing its password once."""
    from dashboard.auth import ensure_admin

    password = ensure_admin(settings.db, settings.admin_password)
    if password is None:
        return
    if settings.admin_password:
        print("demo: dashboard account 'admin' created with the password from RADAR_ADMIN_PASSWORD")
    else:
        print(f"demo: dashboard account 'admin', password {password} (shown once; change accounts with 'radar users')")
