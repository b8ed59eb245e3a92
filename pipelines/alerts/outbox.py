"""Enqueue events into the transactional outbox: events, outbox rows and audit rows in one transaction."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd

from pipelines.alerts.model import Event
from pipelines.alerts.plan import Plan, plan
from pipelines.alerts.store import audit, subscriptions_from, units_from
from warehouse.db import open_writer

OUTBOX_COLUMNS = ["key", "event_id", "subscription_id", "channel", "subject", "body", "status", "not_before",
                  "created_at"]
LAST_ALERTED_SQL = """
    SELECT o.subscription_id, e.kind || ':' || e.target AS target, max(o.created_at) AS last
    FROM alert_outbox o JOIN alert_events e ON e.id = o.event_id
    WHERE o.status IN ('pending', 'sending', 'sent') GROUP BY ALL
"""


def enqueue(db: Path, events: Sequence[Event], now: datetime | None = None, lock_timeout: float = 60.0) -> Plan:
    """Plan and store alerts for the events; a re-run with the same events adds nothing (idempotency keys)."""
    now = now or datetime.now(UTC)
    if not events:
        return Plan()
    with open_writer(db, timeout=lock_timeout) as con:
        subs = subscriptions_from(con)
        units = {u.id: u for u in units_from(con)}
        subs += [u.as_subscription() for u in units.values()]
        ids = [e.id for e in events]
        existing = {r[0] for r in con.execute(
            "SELECT key FROM alert_outbox WHERE event_id IN (SELECT unnest(?))", [ids]).fetchall()}
        last = {(r[0], r[1]): r[2] for r in con.execute(LAST_ALERTED_SQL).fetchall()}
        result = plan(events, subs, units, existing=existing, last_alerted=last, now=now)
        if not result.outbox:
            return result
        used = {row["event_id"] for row in result.outbox}
        event_rows = pd.DataFrame([{
            "id": e.id, "kind": e.kind, "target": e.target, "event_at": pd.Timestamp(e.at), "score": e.score,
            "title": e.title, "body": e.body, "narrative_id": e.narrative_id, "topic": e.topic,
            "places": list(e.places), "document_ids": list(e.document_ids),
        } for e in events if e.id in used])
        outbox = pd.DataFrame(result.outbox, columns=OUTBOX_COLUMNS)
        outbox["not_before"] = pd.to_datetime(outbox["not_before"], utc=True)
        outbox["created_at"] = pd.to_datetime(outbox["created_at"], utc=True)
        con.register("incoming_events", event_rows)
        con.register("incoming_outbox", outbox)
        try:
            con.execute("BEGIN TRANSACTION")
            cols = ", ".join(event_rows.columns)
            con.execute(f"INSERT OR IGNORE INTO alert_events ({cols}) SELECT {cols} FROM incoming_events")
            con.execute(f"INSERT INTO alert_outbox ({', '.join(OUTBOX_COLUMNS)}) "
                        f"SELECT {', '.join(OUTBOX_COLUMNS)} FROM incoming_outbox")
            for row in result.audit:
                audit(con, row["action"], row["detail"], row["key"], row["subscription_id"])
            con.execute("COMMIT")
        except Exception:
            con.execute("ROLLBACK")
            raise
        finally:
            con.unregister("incoming_events")
            con.unregister("incoming_outbox")
    return result
