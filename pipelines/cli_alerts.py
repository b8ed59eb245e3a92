"""`radar alerts …`: subscriptions, the directory of units, feedback, and the detect-enqueue-send pass."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import asdict
from datetime import UTC, datetime
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import pandas as pd
import typer

from pipelines.errors import UserError

alerts_app = typer.Typer(help="Cảnh báo / Alert subscriptions and delivery.", no_args_is_help=True)
units_app = typer.Typer(help="Danh bạ đơn vị / Directory of units and spokespersons (routing).",
                        no_args_is_help=True)
alerts_app.add_typer(units_app, name="units")

DbOption = Annotated[Path | None, typer.Option("--db", help="Warehouse file (default data/radar.duckdb, or RADAR_DB).")]
ChannelOpt = Annotated[list[str], typer.Option(
    "--channel", help="Apprise URL, repeatable: mailto://…, mailtos://…, json://host/path, tgram://…, slack://…")]


class What(StrEnum):
    """What a subscription follows."""

    topic = "topic"
    keyword = "keyword"
    place = "place"
    entity = "entity"
    legal_ref = "legal-ref"
    emerging_negative = "emerging-negative"


class Format(StrEnum):
    """Listing formats."""

    table = "table"
    json = "json"


def _db(db: Path | None) -> Path:
    from pipelines.settings import load_settings

    return load_settings(db=db).db


def _channels(urls: list[str]) -> tuple[str, ...]:
    from pipelines.alerts.channels import check_channel

    if not urls:
        raise UserError("give at least one --channel (an apprise URL such as mailto://… or json://…)")
    for url in urls:
        try:
            check_channel(url)
        except ValueError as exc:
            raise UserError(str(exc)) from None
    return tuple(urls)


def _quiet(value: str | None) -> tuple[int | None, int | None]:
    """'22-07' -> (22, 7): quiet from 22:00 to 07:00 Vietnam time."""
    if not value:
        return None, None
    try:
        start, end = (int(part) for part in value.split("-"))
    except ValueError:
        raise UserError(f"--quiet must be two hours like 22-07, not {value!r}") from None
    return start, end


@alerts_app.command("subscribe")
def subscribe(
    who: Annotated[str, typer.Option("--who", help="Who is notified (a name or a desk).")],
    what: Annotated[What, typer.Option("--what", help="What to follow.")],
    channel: ChannelOpt,
    target: Annotated[str | None, typer.Option(
        "--target",
        help="Topic slug, keyword, place slug, agency slug or legal reference id (not for emerging-negative).")] = None,
    sensitivity: Annotated[float, typer.Option(
        "--sensitivity", help="Score an event needs, in (0, 1]; lower alerts more.")] = 0.5,
    quiet: Annotated[str | None, typer.Option("--quiet", help="Quiet hours in Vietnam time, e.g. 22-07.")] = None,
    digest: Annotated[bool, typer.Option("--digest", help="One digest at 08:00 instead of immediate alerts.")]
    = False,
    cooldown: Annotated[str, typer.Option("--cooldown", help="Minimum time between alerts on one target.")] = "12h",
    unit: Annotated[str | None, typer.Option("--unit", help="Directory unit this subscription belongs to.")] = None,
    db: DbOption = None,
) -> None:
    """Đăng ký nhận cảnh báo / Subscribe someone to alerts; prints the subscription id."""
    from pipelines.alerts.model import Subscription
    from pipelines.alerts.store import add_subscription

    start, end = _quiet(quiet)
    try:
        hours = pd.Timedelta(cooldown).total_seconds() / 3600
        sub = Subscription(id="", who=who, what=what.value.replace("-", "_"), target=target,
                           channels=_channels(channel), sensitivity=sensitivity, quiet_start=start, quiet_end=end,
                           mode="digest" if digest else "immediate", cooldown_hours=hours, unit_id=unit)
    except ValueError as exc:
        raise UserError(str(exc)) from None
    print(add_subscription(_db(db), sub).id)


def _listed(items: Sequence[Any], fmt: Format, empty: str) -> bool:
    """Print JSON lines (True: done) or the empty-table note; False when the caller prints the table."""
    if fmt is Format.json:
        for item in items:
            print(json.dumps(asdict(item), ensure_ascii=False))
        return True
    if not items:
        print(empty)
    return False


@alerts_app.command("list")
def list_cmd(db: DbOption = None, fmt: Annotated[Format, typer.Option("--format")] = Format.table) -> None:
    """Liệt kê đăng ký / List subscriptions."""
    from pipelines.alerts.store import list_subscriptions

    subs = list_subscriptions(_db(db))
    if _listed(subs, fmt, "(no subscriptions)"):
        return
    for s in subs:
        quiet = f" quiet {s.quiet_start:02d}-{s.quiet_end:02d}" if s.quiet_start is not None else ""
        print(f"{s.id}  {s.who}: {s.what} {s.target or ''}  sensitivity {s.sensitivity:.2f} {s.mode}{quiet}"
              f"{' PAUSED' if s.paused else ''}  -> {', '.join(c.split('://', 1)[0] + '://…' for c in s.channels)}")


@alerts_app.command("pause")
def pause(
    subscription: Annotated[str, typer.Argument(help="Subscription id.")],
    resume: Annotated[bool, typer.Option("--resume", help="Resume instead of pausing.")] = False,
    db: DbOption = None,
) -> None:
    """Tạm dừng / Pause (or --resume) a subscription."""
    from pipelines.alerts.store import set_paused

    try:
        set_paused(_db(db), subscription, not resume)
    except KeyError:
        raise UserError(f"no subscription {subscription!r} (see 'radar alerts list')") from None
    print(f"{subscription}: {'resumed' if resume else 'paused'}")


@alerts_app.command("feedback")
def feedback(
    key: Annotated[str, typer.Argument(help="The alert key (X-Radar-Alert-Key of the message).")],
    useful: Annotated[bool, typer.Option("--useful/--not-useful", help="Was the alert useful?")],
    note: Annotated[str | None, typer.Option("--note")] = None,
    db: DbOption = None,
) -> None:
    """Phản hồi / Record whether an alert was useful; tunes the subscription's sensitivity."""
    from pipelines.alerts.store import record_feedback

    try:
        sub, sensitivity = record_feedback(_db(db), key, useful, note)
    except KeyError:
        raise UserError(f"no alert with key {key!r}") from None
    print(f"{sub}: sensitivity now {sensitivity:.2f}")


@alerts_app.command("send")
def send(
    at: Annotated[str | None, typer.Option("--at", help="Detect at this time (ISO 8601); default newest document.")]
    = None,
    detect: Annotated[bool, typer.Option("--detect/--no-detect", help="Detect and enqueue events first.")] = True,
    db: DbOption = None,
) -> None:
    """Gửi cảnh báo / Detect events, enqueue alerts (deduplicated) and deliver the due ones."""
    from pipelines.alerts.run import run_alerts
    from pipelines.cli_trends import _parse_at

    path = _db(db)
    when = _parse_at(at, path) if detect and at is not None else None
    report = run_alerts(path, when, now=datetime.now(UTC), detect=detect)
    print(f"alerts: {report.events} events, {report.queued} queued, {report.suppressed} suppressed; "
          f"{report.sent.sent} messages sent ({report.sent.rows_sent} alerts, {report.sent.resent} after an "
          f"interrupted send), {report.sent.retried} to retry, {report.sent.failed} failed")


@alerts_app.command("log")
def log_cmd(limit: Annotated[int, typer.Option("--limit", min=1)] = 50, db: DbOption = None) -> None:
    """Nhật ký / The audit log of alerts, newest first."""
    from pipelines.alerts.store import audit_log

    frame = audit_log(_db(db), limit)
    print(frame.to_string(index=False) if not frame.empty else "(empty)")


@units_app.command("add")
def units_add(
    unit_id: Annotated[str, typer.Option("--id", help="Slug, e.g. bo-y-te or quang-ngai.")],
    name: Annotated[str, typer.Option("--name")],
    level: Annotated[str, typer.Option("--level", help="ministry, province or other.")],
    channel: ChannelOpt,
    topic: Annotated[list[str] | None, typer.Option(
        "--topic", help="Topic slug it answers for (ministries: from the agency gazetteer when absent).")] = None,
    place: Annotated[list[str] | None, typer.Option(
        "--place", help="Province slug it answers for (provinces: its own id when absent).")] = None,
    spokesperson: Annotated[str | None, typer.Option("--spokesperson")] = None,
    db: DbOption = None,
) -> None:
    """Thêm đơn vị / Add or replace a unit of the directory (alerts route to it by topic or province)."""
    from pipelines.alerts.directory import agency_topics, province_slugs
    from pipelines.alerts.model import Unit

    topics = tuple(topic or ())
    places = tuple(place or ())
    if level == "ministry" and not topics:
        topics = agency_topics().get(unit_id, ())
        if not topics:
            raise UserError(f"{unit_id!r} is not an agency of the gazetteer: give its topics with --topic")
    if level == "province" and not places:
        places = (unit_id,)
    unknown = [p for p in places if p not in province_slugs()]
    if unknown:
        raise UserError(f"unknown province slug(s): {', '.join(unknown)}")
    try:
        unit = Unit(id=unit_id, name=name, level=level, channels=_channels(channel), topics=topics, places=places,
                    spokesperson=spokesperson)
    except ValueError as exc:
        raise UserError(str(exc)) from None
    from pipelines.alerts.store import add_unit

    add_unit(_db(db), unit)
    print(f"{unit.id}: {unit.name} ({unit.level}) topics {', '.join(topics) or '-'}; places {', '.join(places) or '-'}")


@units_app.command("list")
def units_list(db: DbOption = None, fmt: Annotated[Format, typer.Option("--format")] = Format.table) -> None:
    """Danh bạ / List the directory of units."""
    from pipelines.alerts.store import list_units

    units = list_units(_db(db))
    if _listed(units, fmt, "(no units)"):
        return
    for u in units:
        print(f"{u.id}  {u.name} ({u.level})  spokesperson {u.spokesperson or '-'}  topics {', '.join(u.topics) or '-'}"
              f"  places {', '.join(u.places) or '-'}")
