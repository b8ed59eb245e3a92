"""One alert pass for `radar run` / `radar alerts send`: detect events, enqueue them, deliver what is due."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd

from pipelines.alerts.channels import Notifier, apprise_notify
from pipelines.alerts.events import detect_events
from pipelines.alerts.outbox import enqueue
from pipelines.alerts.sender import RetryPolicy, SendReport, send_due
from pipelines.narratives.query import newest_time


@dataclass
class AlertReport:
    """What one alert pass did."""

    events: int = 0
    queued: int = 0
    suppressed: int = 0
    sent: SendReport = field(default_factory=SendReport)


def run_alerts(db: Path, at: pd.Timestamp | None = None, *, now: datetime | None = None, detect: bool = True,
               notify: Notifier = apprise_notify, policy: RetryPolicy = RetryPolicy(),  # noqa: B008
               lock_timeout: float = 60.0) -> AlertReport:
    """Detect at `at` (default: the newest document's time), enqueue, then send due messages at `now`."""
    now = now or datetime.now(UTC)
    report = AlertReport()
    if detect:
        at = at if at is not None else newest_time(db)
        if at is not None:
            events = detect_events(db, at)
            planned = enqueue(db, events, now, lock_timeout=lock_timeout)
            report.events = len(events)
            report.queued = sum(r["status"] == "pending" for r in planned.outbox)
            report.suppressed = sum(r["status"] == "suppressed" for r in planned.outbox)
    report.sent = send_due(db, now=now, notify=notify, policy=policy, lock_timeout=lock_timeout)
    return report
