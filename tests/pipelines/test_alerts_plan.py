"""Alert planning: matching, routing, dedup, cooldown, quiet hours and digests (pure)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from pipelines.alerts.model import Event, Subscription, Unit, stable_key
from pipelines.alerts.plan import matches, plan, release_time
from pipelines.alerts.sender import RetryPolicy, compose, group_due

NOW = datetime(2026, 3, 2, 3, 0, tzinfo=UTC)  # 10:00 in Vietnam
FLOOD = Event(id="narrative:n1", kind="narrative", target="n1", at=NOW.isoformat(), score=0.7, negative_score=0.6,
              negativity=0.8, title="Lũ lớn ở Quảng Ngãi", body="…", topic="moi-truong", places=("quang-ngai",),
              legal_refs=("nghi-dinh-100-2019-nd-cp",), terms=("lũ", "sông trà khúc"))
SPIKE = Event(id="spike:y-te:2026-03-02T09:00+07:00", kind="spike", target="y-te", at=NOW.isoformat(), score=0.9,
              title="Y tế", body="…", topic="y-te")


def sub(what: str, target: str | None = None, **kw: object) -> Subscription:
    return Subscription(id=f"s-{what}-{target}", who="desk", what=what, target=target, channels=("json://h/x",),
                        **kw)  # type: ignore[arg-type]


def test_each_kind_of_subscription_matches_its_events_only() -> None:
    assert matches(sub("emerging_negative"), FLOOD, {})
    assert not matches(sub("emerging_negative", sensitivity=0.65), FLOOD, {})
    assert not matches(sub("emerging_negative"), SPIKE, {})
    assert matches(sub("topic", "y-te"), SPIKE, {}) and not matches(sub("topic", "y-te"), FLOOD, {})
    assert matches(sub("place", "quang-ngai"), FLOOD, {}) and not matches(sub("place", "ha-noi"), FLOOD, {})
    assert matches(sub("legal_ref", "nghi-dinh-100-2019-nd-cp"), FLOOD, {})
    assert matches(sub("keyword", "Trà Khúc"), FLOOD, {}) and not matches(sub("keyword", "học phí"), FLOOD, {})
    assert not matches(sub("place", "quang-ngai", paused=True), FLOOD, {})


def test_units_receive_what_they_answer_for() -> None:
    province = Unit(id="quang-ngai", name="UBND Quảng Ngãi", level="province", channels=("json://h/p",),
                    places=("quang-ngai",))
    ministry = Unit(id="bo-y-te", name="Bộ Y tế", level="ministry", channels=("json://h/m",), topics=("y-te",))
    units = {u.id: u for u in (province, ministry)}
    assert matches(province.as_subscription(), FLOOD, units)
    assert not matches(ministry.as_subscription(), FLOOD, units)


def test_one_event_one_alert_and_cooldown_suppresses_a_repeat_on_the_same_target() -> None:
    s = sub("topic", "y-te", cooldown_hours=12)
    first = plan([SPIKE], [s], {}, existing=set(), last_alerted={}, now=NOW)
    assert [r["status"] for r in first.outbox] == ["pending"]
    assert first.outbox[0]["key"] == stable_key(SPIKE.id, s.id, "json://h/x")
    again = plan([SPIKE], [s], {}, existing={first.outbox[0]["key"]}, last_alerted={}, now=NOW)
    assert again.outbox == []
    later = Event(**{**SPIKE.__dict__, "id": "spike:y-te:2026-03-02T12:00+07:00"})
    cooled = plan([later], [s], {}, existing=set(), last_alerted={(s.id, "spike:y-te"): NOW - timedelta(hours=3)},
                  now=NOW)
    assert [r["status"] for r in cooled.outbox] == ["suppressed"]
    free = plan([later], [s], {}, existing=set(), last_alerted={(s.id, "spike:y-te"): NOW - timedelta(hours=13)},
                now=NOW)
    assert [r["status"] for r in free.outbox] == ["pending"]


@pytest.mark.parametrize(("vn_hour", "quiet", "released_vn_hour"),
                         [(23, (22, 7), 7), (3, (22, 7), 7), (10, (22, 7), None), (13, (12, 14), 14)])
def test_quiet_hours_hold_alerts_until_they_end(vn_hour: int, quiet: tuple[int, int],
                                                released_vn_hour: int | None) -> None:
    now = datetime(2026, 3, 2, vn_hour, 30, tzinfo=UTC) - timedelta(hours=7)
    released = release_time(sub("emerging_negative", quiet_start=quiet[0], quiet_end=quiet[1]), now)
    if released_vn_hour is None:
        assert released is None
    else:
        assert released is not None and released > now and released.hour == released_vn_hour
        assert released - now < timedelta(hours=24)


def test_digest_waits_for_eight_and_groups_into_one_message() -> None:
    released = release_time(sub("emerging_negative", mode="digest"), NOW)
    assert released is not None and (released.hour, released.minute) == (8, 0) and released > NOW
    rows = [{"key": k, "subscription_id": "s", "channel": "c", "subject": f"[Radar] {k}", "body": "b",
             "status": "pending", "message_key": None, "attempts": 0} for k in ("k1", "k2")]
    groups = group_due(rows + [{**rows[0], "key": "k3", "status": "sending", "message_key": "m-old"}])
    assert sorted(len(g) for _, g in groups) == [1, 2]
    assert dict(groups)["m-old"][0]["key"] == "k3"  # an interrupted message keeps its key
    subject, body = compose(rows)
    assert subject.startswith("[Radar] 2 ") and "k1" in body and "k2" in body


def test_backoff_grows_and_is_capped() -> None:
    policy = RetryPolicy(base=timedelta(seconds=30), cap=timedelta(minutes=5))
    assert [policy.delay(n).total_seconds() for n in (1, 2, 3, 6)] == [30, 60, 120, 300]


def test_bad_subscriptions_are_refused() -> None:
    with pytest.raises(ValueError, match="needs a target"):
        sub("topic")
    with pytest.raises(ValueError, match="sensitivity"):
        sub("emerging_negative", sensitivity=0)
    with pytest.raises(ValueError, match="what must be one of"):
        sub("weather", "x")
