"""Typed records of the alert system: subscriptions, directory units, events."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

WHATS = ("topic", "keyword", "place", "entity", "legal_ref", "emerging_negative")
LEVELS = ("ministry", "province", "other")
MODES = ("immediate", "digest")
DEFAULT_SENSITIVITY = 0.5


def stable_key(*parts: str) -> str:
    """Idempotency key of a tuple of ids (hex, URL- and header-safe)."""
    return hashlib.sha1("\x1f".join(parts).encode("utf-8")).hexdigest()[:24]


@dataclass(frozen=True)
class Subscription:
    """Who wants to hear about what, how sensitively, through which apprise channels and when."""

    id: str
    who: str
    what: str
    target: str | None
    channels: tuple[str, ...]
    sensitivity: float = DEFAULT_SENSITIVITY  # an event alerts when its score reaches this
    quiet_start: int | None = None  # local hour quiet hours begin (Vietnam time)
    quiet_end: int | None = None
    mode: str = "immediate"
    cooldown_hours: float = 12.0
    paused: bool = False
    unit_id: str | None = None

    def __post_init__(self) -> None:
        if self.what not in WHATS:
            raise ValueError(f"what must be one of {', '.join(WHATS)}, not {self.what!r}")
        if self.what != "emerging_negative" and not self.target:
            raise ValueError(f"a {self.what} subscription needs a target")
        if not 0.0 < self.sensitivity <= 1.0:
            raise ValueError(f"sensitivity must be in (0, 1], got {self.sensitivity}")
        if self.mode not in MODES:
            raise ValueError(f"mode must be one of {', '.join(MODES)}, not {self.mode!r}")
        if not self.channels:
            raise ValueError("a subscription needs at least one channel (an apprise URL)")
        for hour in (self.quiet_start, self.quiet_end):
            if hour is not None and not 0 <= hour <= 23:
                raise ValueError(f"quiet hours are hours 0-23, got {hour}")
        if (self.quiet_start is None) != (self.quiet_end is None):
            raise ValueError("quiet hours need both a start and an end")
        if self.cooldown_hours < 0:
            raise ValueError(f"cooldown must not be negative, got {self.cooldown_hours}")


@dataclass(frozen=True)
class Unit:
    """A unit of the directory (ministry, province…) with its spokesperson and the topics and places it answers for."""

    id: str
    name: str
    level: str
    channels: tuple[str, ...]
    topics: tuple[str, ...] = ()
    places: tuple[str, ...] = ()
    spokesperson: str | None = None

    def __post_init__(self) -> None:
        if self.level not in LEVELS:
            raise ValueError(f"level must be one of {', '.join(LEVELS)}, not {self.level!r}")
        if not self.channels:
            raise ValueError("a unit needs at least one channel (an apprise URL)")

    def as_subscription(self) -> Subscription:
        """Routing as a standing subscription: emerging-negative narratives on the unit's topics or places."""
        return Subscription(id=f"unit:{self.id}", who=self.spokesperson or self.name, what="emerging_negative",
                            target=None, channels=self.channels, unit_id=self.id)


@dataclass(frozen=True)
class Event:
    """Something worth an alert: an emerging narrative or a topic spike, with its evidence."""

    id: str  # one event, one id: a narrative's, or a spike's topic and hour
    kind: str  # narrative | spike
    target: str  # narrative id, or the spiking series' key (topic slug, place, agency, legal ref, keyword)
    at: str  # ISO time of the detection (data time)
    score: float  # how strongly it emerges, in [0, 1]
    title: str
    body: str
    negativity: float = 0.0
    negative_score: float = 0.0  # the emerging-negative score, in [0, 1]
    topic: str | None = None
    places: tuple[str, ...] = ()
    legal_refs: tuple[str, ...] = ()
    agencies: tuple[str, ...] = ()
    series: str | None = None  # a spike's series kind: topic, place, entity, legal_ref, keyword
    terms: tuple[str, ...] = field(default=())
    narrative_id: str | None = None
    document_ids: tuple[str, ...] = ()
