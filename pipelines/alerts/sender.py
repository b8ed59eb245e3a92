"""Deliver due outbox rows: mark 'sending' and commit, send with the idempotency key, then mark 'sent' and commit.

Guarantee: no alert is lost (a row leaves 'sending' only for 'sent', or for 'pending' after a failed
attempt, or 'failed' after the last attempt). A crash between a successful send and its commit
leaves the row in 'sending'; the next run sends it again with the same key in the
X-Radar-Alert-Key and Idempotency-Key headers, so a webhook that honours the key applies it once,
and a mail client sees at most one repeat that carries the same key. That window (a kill between
the channel's acknowledgement and a local commit) is the only way to a repeat.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from pipelines.alerts.channels import Notifier, apprise_notify
from pipelines.alerts.model import stable_key
from pipelines.alerts.store import audit
from warehouse.db import open_writer

log = logging.getLogger(__name__)

DUE_SQL = """
    SELECT key, subscription_id, channel, subject, body, status, message_key, attempts
    FROM alert_outbox
    WHERE status IN ('pending', 'sending') AND (not_before IS NULL OR not_before <= ?::TIMESTAMPTZ)
    ORDER BY created_at, key
"""
KEY_HEADERS = ("X-Radar-Alert-Key", "Idempotency-Key")


@dataclass
class SendReport:
    """What one delivery pass did (counts of messages; a message may group several outbox rows)."""

    sent: int = 0
    resent: int = 0
    retried: int = 0
    failed: int = 0
    rows_sent: int = 0


@dataclass(frozen=True)
class RetryPolicy:
    """Attempts and exponential backoff between them."""

    max_attempts: int = 8
    base: timedelta = timedelta(seconds=30)
    cap: timedelta = timedelta(hours=1)

    def delay(self, attempts: int) -> timedelta:
        """Wait before the next attempt after `attempts` failures."""
        return min(self.base * 2 ** max(attempts - 1, 0), self.cap)


def group_due(rows: list[dict[str, Any]]) -> list[tuple[str, list[dict[str, Any]]]]:
    """Messages to send: rows tried before keep their message and key; fresh ones group by subscription and channel.

    Keeping the key across retries matters: a channel may have delivered a message whose
    acknowledgement was lost, and the receiver can only recognise the repeat by the same key.
    """
    groups: dict[str, list[dict[str, Any]]] = defaultdict(list)
    pending: dict[tuple[str, str], list[dict[str, Any]]] = defaultdict(list)
    for row in rows:
        if row["message_key"]:
            groups[row["message_key"]].append(row)
        else:
            pending[(row["subscription_id"], row["channel"])].append(row)
    for members in pending.values():
        groups[stable_key(*sorted(r["key"] for r in members))] = members
    return sorted(groups.items(), key=lambda kv: kv[1][0]["key"])


def compose(rows: list[dict[str, Any]]) -> tuple[str, str]:
    """Subject and body of one message: one alert as is, several as one grouped message."""
    if len(rows) == 1:
        return rows[0]["subject"], rows[0]["body"]
    subject = f"[Radar] {len(rows)} cảnh báo / alerts: {rows[0]['subject'].removeprefix('[Radar] ')}"
    body = "\n\n---\n\n".join(f"{r['subject']}\n{r['body']}" for r in rows)
    return subject, body


def _mark(db: Path, keys: list[str], sql: str, params: list[Any], action: str, detail: str, sub: str,
          message_key: str, lock_timeout: float) -> None:
    with open_writer(db, timeout=lock_timeout) as con:
        con.execute("BEGIN TRANSACTION")
        con.execute(f"UPDATE alert_outbox SET {sql} WHERE key IN (SELECT unnest(?))", [*params, keys])
        audit(con, action, detail, message_key, sub)
        con.execute("COMMIT")


def send_due(db: Path, *, now: datetime | None = None, notify: Notifier = apprise_notify,
             policy: RetryPolicy = RetryPolicy(), lock_timeout: float = 60.0) -> SendReport:  # noqa: B008
    """Send every due message once; no warehouse connection is open while a channel is contacted."""
    now = now or datetime.now(UTC)
    report = SendReport()
    with open_writer(db, timeout=lock_timeout) as con:
        cursor = con.execute(DUE_SQL, [now])
        names = [d[0] for d in cursor.description]
        rows = [dict(zip(names, r, strict=True)) for r in cursor.fetchall()]
    for message_key, members in group_due(rows):
        keys = [r["key"] for r in members]
        sub, channel = members[0]["subscription_id"], members[0]["channel"]
        recovering = any(r["status"] == "sending" for r in members)
        attempts = max(r["attempts"] for r in members) + 1
        _mark(db, keys, "status = 'sending', message_key = ?, sending_at = ?, attempts = attempts + 1",
              [message_key, now], "resend" if recovering else "sending",
              f"{len(keys)} alert(s) to {channel.split('://', 1)[0]}://… attempt {attempts}"
              + (" (after an interrupted send)" if recovering else ""), sub, message_key, lock_timeout)
        subject, body = compose(members)
        try:
            ok, error = notify(channel, subject, body, dict.fromkeys(KEY_HEADERS, message_key)), "not accepted"
        except Exception as exc:  # noqa: BLE001 - any channel failure is retried, never fatal to the run
            ok, error = False, f"{type(exc).__name__}: {exc}"
        if ok:
            _mark(db, keys, "status = 'sent', sent_at = ?, last_error = NULL", [now], "sent",
                  f"{len(keys)} alert(s)", sub, message_key, lock_timeout)
            report.sent += 1
            report.resent += recovering
            report.rows_sent += len(keys)
        elif attempts >= policy.max_attempts:
            _mark(db, keys, "status = 'failed', last_error = ?", [error], "failed",
                  f"after {attempts} attempts: {error}", sub, message_key, lock_timeout)
            report.failed += 1
        else:
            retry_at = now + policy.delay(attempts)
            _mark(db, keys, "status = 'pending', not_before = ?, last_error = ?", [retry_at, error], "retry",
                  f"attempt {attempts} failed ({error}); next at {retry_at.isoformat(timespec='seconds')}", sub,
                  message_key, lock_timeout)
            report.retried += 1
            log.warning("alert to %s failed (%s); retry at %s", channel.split("://", 1)[0], error, retry_at)
    return report
