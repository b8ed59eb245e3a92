"""Warehouse I/O of the alert tables: subscriptions, directory units, feedback, audit."""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd

from pipelines.alerts.model import Subscription, Unit
from warehouse.db import open_reader, open_writer

SUB_COLUMNS = ["id", "who", "what", "target", "sensitivity", "channels", "quiet_start", "quiet_end", "mode",
               "cooldown_hours", "paused", "unit_id"]
UNIT_COLUMNS = ["id", "name", "level", "topics", "places", "spokesperson", "channels"]
FEEDBACK_STEP = (0.02, 0.05)  # sensitivity moves down after 'useful', up after 'not useful'
SENSITIVITY_RANGE = (0.2, 0.95)


def _none(value: Any) -> Any:
    return None if value is None or value != value else value  # NaN != NaN


def audit(con: duckdb.DuckDBPyConnection, action: str, detail: str, key: str | None = None,
          subscription_id: str | None = None) -> None:
    """Append one audit row (inside the caller's transaction)."""
    con.execute("INSERT INTO alert_audit (key, subscription_id, action, detail) VALUES (?, ?, ?, ?)",
                [key, subscription_id, action, detail])


def add_subscription(db: Path, sub: Subscription) -> Subscription:
    """Store a new subscription (a fresh id when empty)."""
    if not sub.id:
        sub = Subscription(**{**sub.__dict__, "id": "sub-" + uuid.uuid4().hex[:10]})
    row = [sub.id, sub.who, sub.what, sub.target, sub.sensitivity, list(sub.channels), sub.quiet_start,
           sub.quiet_end, sub.mode, sub.cooldown_hours, sub.paused, sub.unit_id]
    with open_writer(db) as con:
        con.execute("BEGIN TRANSACTION")
        con.execute(f"INSERT INTO alert_subscriptions ({', '.join(SUB_COLUMNS)}) "
                    f"VALUES ({', '.join('?' * len(SUB_COLUMNS))})", row)
        audit(con, "subscribe", f"{sub.who}: {sub.what} {sub.target or ''}".strip(), subscription_id=sub.id)
        con.execute("COMMIT")
    return sub


def subscriptions_from(con: duckdb.DuckDBPyConnection) -> list[Subscription]:
    """Every stored subscription."""
    frame = con.execute(f"SELECT {', '.join(SUB_COLUMNS)} FROM alert_subscriptions ORDER BY created_at, id").df()
    return [Subscription(
        id=r["id"], who=r["who"], what=r["what"], target=_none(r["target"]), sensitivity=float(r["sensitivity"]),
        channels=tuple(r["channels"]), quiet_start=None if _none(r["quiet_start"]) is None else int(r["quiet_start"]),
        quiet_end=None if _none(r["quiet_end"]) is None else int(r["quiet_end"]), mode=r["mode"],
        cooldown_hours=float(r["cooldown_hours"]), paused=bool(r["paused"]), unit_id=_none(r["unit_id"]),
    ) for r in frame.to_dict(orient="records")]


def list_subscriptions(db: Path) -> list[Subscription]:
    """Every stored subscription (read-only connection)."""
    with open_reader(db) as con:
        return subscriptions_from(con)


def set_paused(db: Path, sub_id: str, paused: bool) -> None:
    """Pause or resume a subscription; KeyError when there is none with that id."""
    with open_writer(db) as con:
        con.execute("BEGIN TRANSACTION")
        found = con.execute("UPDATE alert_subscriptions SET paused = ? WHERE id = ? RETURNING id",
                            [paused, sub_id]).fetchall()
        if not found:
            con.execute("ROLLBACK")
            raise KeyError(sub_id)
        audit(con, "pause" if paused else "resume", "", subscription_id=sub_id)
        con.execute("COMMIT")


def record_feedback(db: Path, key: str, useful: bool, note: str | None = None) -> tuple[str, float]:
    """Record feedback on a sent alert and tune its subscription's sensitivity; KeyError for an unknown key."""
    down, up = FEEDBACK_STEP
    low, high = SENSITIVITY_RANGE
    with open_writer(db) as con:
        con.execute("BEGIN TRANSACTION")
        row = con.execute("SELECT subscription_id FROM alert_outbox WHERE key = ? OR message_key = ? LIMIT 1",
                          [key, key]).fetchone()
        if row is None:
            con.execute("ROLLBACK")
            raise KeyError(key)
        sub_id = str(row[0])
        con.execute("INSERT INTO alert_feedback (key, subscription_id, useful, note) VALUES (?, ?, ?, ?)",
                    [key, sub_id, useful, note])
        # Not useful: ask for a stronger signal next time; useful: a little more sensitive, within bounds.
        con.execute("UPDATE alert_subscriptions SET sensitivity = least(greatest(sensitivity + ?, ?), ?) "
                    "WHERE id = ?", [-down if useful else up, low, high, sub_id])
        new = con.execute("SELECT sensitivity FROM alert_subscriptions WHERE id = ?", [sub_id]).fetchone()
        audit(con, "feedback", ("useful" if useful else "not useful") + (f": {note}" if note else ""), key, sub_id)
        con.execute("COMMIT")
    return sub_id, float(new[0]) if new else float("nan")


def add_unit(db: Path, unit: Unit) -> None:
    """Insert or replace a directory unit."""
    row = [unit.id, unit.name, unit.level, list(unit.topics), list(unit.places), unit.spokesperson,
           list(unit.channels)]
    with open_writer(db) as con:
        con.execute("BEGIN TRANSACTION")
        con.execute(f"INSERT OR REPLACE INTO alert_units ({', '.join(UNIT_COLUMNS)}) "
                    f"VALUES ({', '.join('?' * len(UNIT_COLUMNS))})", row)
        audit(con, "unit", f"{unit.id}: {unit.name} ({unit.level})")
        con.execute("COMMIT")


def units_from(con: duckdb.DuckDBPyConnection) -> list[Unit]:
    """Every directory unit."""
    frame = con.execute(f"SELECT {', '.join(UNIT_COLUMNS)} FROM alert_units ORDER BY level, id").df()
    return [Unit(id=r["id"], name=r["name"], level=r["level"], channels=tuple(r["channels"]),
                 topics=tuple(r["topics"] if r["topics"] is not None else ()),
                 places=tuple(r["places"] if r["places"] is not None else ()), spokesperson=_none(r["spokesperson"]))
            for r in frame.to_dict(orient="records")]


def list_units(db: Path) -> list[Unit]:
    """Every directory unit (read-only connection)."""
    with open_reader(db) as con:
        return units_from(con)


def audit_log(db: Path, limit: int = 50) -> pd.DataFrame:
    """The newest audit rows."""
    with open_reader(db) as con:
        return con.execute("SELECT logged_at, action, key, subscription_id, detail FROM alert_audit "
                           "ORDER BY logged_at DESC LIMIT ?", [limit]).df()
