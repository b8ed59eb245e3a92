"""Pure planning of alerts: which subscriptions an event reaches, and the outbox rows that follow."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from pipelines.alerts.model import Event, Subscription, Unit, stable_key

LOCAL = ZoneInfo("Asia/Ho_Chi_Minh")
NEGATIVE_SHARE = 0.5  # an emerging narrative is negative when at least half its recent documents are
DIGEST_HOUR = 8  # digests leave at 08:00 Vietnam time


def responsible(unit: Unit, event: Event) -> bool:
    """Whether a directory unit answers for the event: its topic (ministries) or one of its places (provinces)."""
    return (event.topic is not None and event.topic in unit.topics) or bool(set(event.places) & set(unit.places))


def matches(sub: Subscription, event: Event, units: Mapping[str, Unit]) -> bool:
    """Whether the event reaches the subscription at its sensitivity."""
    if sub.paused:
        return False
    if sub.what == "emerging_negative":
        hit = (event.kind == "narrative" and event.negativity >= NEGATIVE_SHARE
               and event.negative_score >= sub.sensitivity)
        unit = units.get(sub.unit_id) if sub.unit_id else None
        return hit and (unit is None or responsible(unit, event))
    if event.score < sub.sensitivity:
        return False
    target = (sub.target or "").casefold()
    if sub.what == "topic":
        return event.topic == sub.target
    if sub.what == "place":
        return sub.target in event.places
    if sub.what == "entity":
        return sub.target in event.agencies
    if sub.what == "legal_ref":
        return sub.target in event.legal_refs
    if sub.what == "keyword":
        if event.kind == "spike":
            return event.series == "keyword" and event.target.casefold() == target
        haystack = " ".join([event.title, *event.terms]).casefold()
        return event.kind == "narrative" and target in haystack
    return False


def _at_local_hour(now: datetime, hour: int) -> datetime:
    """The next moment at or after `now` whose local time is hour:00."""
    local = now.astimezone(LOCAL)
    candidate = local.replace(hour=hour, minute=0, second=0, microsecond=0)
    if candidate < local:
        candidate += timedelta(days=1)
    return candidate


def release_time(sub: Subscription, now: datetime) -> datetime | None:
    """When an alert created now may leave: None for at once, else the end of quiet hours or the digest hour."""
    if sub.mode == "digest":
        return _at_local_hour(now, DIGEST_HOUR)
    if sub.quiet_start is None or sub.quiet_end is None:
        return None
    hour = now.astimezone(LOCAL).hour
    start, end = sub.quiet_start, sub.quiet_end
    quiet = start <= hour < end if start <= end else (hour >= start or hour < end)
    return _at_local_hour(now, end) if quiet else None


@dataclass
class Plan:
    """Outbox rows and audit rows to write in one transaction."""

    outbox: list[dict[str, Any]] = field(default_factory=list)
    audit: list[dict[str, Any]] = field(default_factory=list)


def cooldown_target(event: Event) -> str:
    """What the cooldown is counted on: a spike's topic, a narrative's id."""
    return f"{event.kind}:{event.target}"


def plan(events: Iterable[Event], subs: Iterable[Subscription], units: Mapping[str, Unit], *,
         existing: set[str], last_alerted: Mapping[tuple[str, str], datetime], now: datetime) -> Plan:
    """Outbox rows for every (event, subscription, channel) not yet queued; suppressed ones are kept, marked."""
    out = Plan()
    subs = list(subs)
    recent = dict(last_alerted)
    for event in events:
        for sub in subs:
            if not matches(sub, event, units):
                continue
            ctarget = cooldown_target(event)
            last = recent.get((sub.id, ctarget))
            cooling = last is not None and now - last < timedelta(hours=sub.cooldown_hours)
            for channel in sub.channels:
                key = stable_key(event.id, sub.id, channel)
                if key in existing:
                    continue  # the same event for the same subscription and channel: queued already
                existing.add(key)
                status = "suppressed" if cooling else "pending"
                out.outbox.append({
                    "key": key, "event_id": event.id, "subscription_id": sub.id, "channel": channel,
                    "subject": event.title, "body": event.body, "status": status,
                    "not_before": release_time(sub, now), "created_at": now,
                })
                out.audit.append({"key": key, "subscription_id": sub.id, "action": status,
                                  "detail": f"{event.kind} {event.target} score {event.score:.2f}"
                                            + (f" (cooldown {sub.cooldown_hours:g}h)" if cooling else "")})
            if not cooling:
                recent[(sub.id, ctarget)] = now
    return out
