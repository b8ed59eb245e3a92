"""`radar crawl …` and `radar sources …` commands."""

from __future__ import annotations

import json
from datetime import datetime
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated
from zoneinfo import ZoneInfo

import typer

from crawlers.registry import KINDS, load_registry
from crawlers.social.registry import KIND as SOCIAL_KIND
from crawlers.social.registry import load_registry as load_social_registry
from pipelines.errors import UserError
from pipelines.settings import load_settings

if TYPE_CHECKING:
    import pandas as pd

crawl_app = typer.Typer(help="Thu thập tin bài / Crawl sources.", no_args_is_help=True)
sources_app = typer.Typer(help="Danh mục nguồn / Source registry.", no_args_is_help=True)

SOURCE_COLUMNS = ("name", "kind", "connector", "url", "status")


class Format(StrEnum):
    """Output formats of `radar sources list`."""

    table = "table"
    json = "json"


RegistryOption = Annotated[
    Path | None,
    typer.Option("--registry", help="Tệp danh mục nguồn / source registry TOML (default: the shipped one)."),
]


def render_table(rows: list[dict[str, str]], columns: tuple[str, ...]) -> str:
    """Rows as a plain aligned text table with a header line."""
    widths = {c: max([len(c), *(len(str(r[c])) for r in rows)]) for c in columns}
    lines = ["  ".join(c.ljust(widths[c]) for c in columns).rstrip()]
    lines += ["  ".join(str(r[c]).ljust(widths[c]) for c in columns).rstrip() for r in rows]
    return "\n".join(lines)


@sources_app.command("list")
def sources_list(
    kind: Annotated[
        str | None,
        typer.Option("--kind", help=f"Lọc theo loại / filter by kind: {', '.join((*KINDS, SOCIAL_KIND))}."),
    ] = None,
    fmt: Annotated[Format, typer.Option("--format", help="table | json")] = Format.table,
    registry: RegistryOption = None,
) -> None:
    """Liệt kê nguồn / List sources: name, kind, connector, url, status."""
    kinds = (*KINDS, SOCIAL_KIND)
    if kind is not None and kind not in kinds:
        raise UserError(f"unknown kind {kind!r}; valid kinds: {', '.join(kinds)}")
    sources = [s for s in load_registry(registry) if kind is None or s.kind == kind]
    rows = [{c: getattr(s, c) for c in SOURCE_COLUMNS} for s in sources]
    # Social and comment sources (crawlers/social_sources.toml) are listed with the press registry.
    rows += [{c: str(s.row()[c]) for c in SOURCE_COLUMNS} for s in load_social_registry(load_settings().social_registry)
             if kind is None or s.kind == kind]
    if fmt is Format.json:
        typer.echo(json.dumps(rows, ensure_ascii=False, indent=2))
    else:
        typer.echo(render_table(rows, SOURCE_COLUMNS))


STATE_LABELS = {
    "silent": "im lặng / silent",
    "failing": "lỗi / failing",
    "ok": "ổn / ok",
    "no-rhythm": "ít dữ liệu / too few items",
    "paused": "tạm dừng / paused",
}
STATUS_HEADERS = {
    "source": "Nguồn / Source",
    "state": "Tình trạng / State",
    "last_success": "Thành công cuối / Last success",
    "items_per_day": "Tin/ngày / Items/day",
    "error_rate": "Tỉ lệ lỗi / Error rate",
    "hours_since_item": "Từ tin cuối / Since last item",
    "threshold_hours": "Ngưỡng / Threshold",
}


def _hours_text(hours: float | None) -> str:
    if hours is None or hours != hours:  # NaN from an empty column
        return "-"
    return f"{hours / 24:.1f} d" if hours >= 48 else f"{hours:.1f} h"


def _time_text(value: object) -> str:
    if value is None or value != value:
        return "-"
    return str(value)[:16]


def status_rows(frame: pd.DataFrame) -> list[dict[str, str]]:
    """The ledger as table cells, with Vietnamese-first headers."""
    rows = []
    for r in frame.to_dict(orient="records"):
        rate = r["error_rate"]
        rows.append({
            STATUS_HEADERS["source"]: str(r["source"]),
            STATUS_HEADERS["state"]: STATE_LABELS.get(str(r["state"]), str(r["state"])),
            STATUS_HEADERS["last_success"]: _time_text(r["last_success"]),
            STATUS_HEADERS["items_per_day"]: f"{r['items_per_day']:.1f}",
            STATUS_HEADERS["error_rate"]: "-" if rate is None or rate != rate else f"{rate:.0%}",
            STATUS_HEADERS["hours_since_item"]: _hours_text(r["hours_since_item"]),
            STATUS_HEADERS["threshold_hours"]: _hours_text(r["threshold_hours"]),
        })
    return rows


@sources_app.command("status")
def sources_status(
    db: Annotated[Path | None, typer.Option("--db", help="Tệp kho dữ liệu / warehouse file.")] = None,
    fmt: Annotated[Format, typer.Option("--format", help="table | json")] = Format.table,
    silent_only: Annotated[
        bool, typer.Option("--silent-only", help="Chỉ nguồn im lặng / only silent sources.")
    ] = False,
) -> None:
    """Sổ theo dõi nguồn / Coverage ledger: last success, items a day, error rate, silent sources."""
    from warehouse.db import open_reader
    from warehouse.ledger import source_status

    with open_reader(load_settings(db=db).db) as con:
        if not con.execute("SELECT count(*) FROM duckdb_tables() WHERE table_name = 'source_health'").fetchone()[0]:  # type: ignore[index]
            raise UserError("this warehouse has no coverage ledger yet: run 'radar crawl run' once to add it")
        frame = source_status(con, silent_only=silent_only)
    if fmt is Format.json:
        typer.echo(frame.to_json(orient="records", date_format="iso", force_ascii=False, indent=2))
        return
    if frame.empty:
        typer.echo("Không có nguồn nào im lặng / no silent sources" if silent_only
                   else "Không có nguồn nào / no sources")
        return
    typer.echo(render_table(status_rows(frame), tuple(STATUS_HEADERS.values())))
    n = int(frame["silent"].sum())
    typer.echo(f"\n{n} nguồn im lặng / {n} sources silent "
               "(im lặng: quá max(3 × khoảng cách trung vị 14 ngày, 6 h) / gap > max(3 × median gap, 6 h))")


@crawl_app.command("run")
def crawl_run(
    source: Annotated[
        list[str] | None,
        typer.Option("--source", help="Tên nguồn / source name (repeatable; default: all active)."),
    ] = None,
    db: Annotated[Path | None, typer.Option("--db", help="Tệp kho dữ liệu / warehouse file.")] = None,
    max_items: Annotated[
        int, typer.Option("--max-items", min=1, help="Số tin mới nhất mỗi feed / newest items per feed.")
    ] = 30,
    minutes: Annotated[
        float | None, typer.Option("--minutes", min=0.1, help="Giới hạn thời gian / stop after M minutes.")
    ] = None,
    registry: RegistryOption = None,
    verbose: Annotated[bool, typer.Option("--verbose", "-v", help="Ghi log chi tiết / log every request.")] = False,
    fmt: Annotated[
        Format, typer.Option("--format", help="table: one line | json: every count, per source too")
    ] = Format.table,
    no_raw: Annotated[
        bool, typer.Option("--no-raw", help="Không lưu trang gốc / do not keep raw pages (about 100 KB each).")
    ] = False,
) -> None:
    """Thu thập các nguồn / Crawl sources' feeds and articles into the warehouse."""
    from crawlers.run import CrawlError, run_crawl

    settings = load_settings(db=db)
    social_names = {s.name for s in load_social_registry(settings.social_registry)}
    social = [n for n in source or [] if n in social_names]
    press = [n for n in source or [] if n not in social_names]
    if social:
        from crawlers.social.errors import SocialError
        from pipelines.cli_social import collect_social

        for name in social:
            try:
                typer.echo(collect_social(name, settings, registry=settings.social_registry).summary())
            except SocialError as exc:
                raise UserError(f"social {name}: {exc}") from None
        if not press:
            return
    try:
        stats = run_crawl(
            settings.db,
            press or None,
            registry_path=registry,
            max_items_per_feed=max_items,
            time_limit_s=minutes * 60 if minutes else None,
            user_agent=settings.user_agent,
            log_level="INFO" if verbose else "WARNING",
            keep_raw=not no_raw,
        )
    except CrawlError as exc:
        raise UserError(str(exc)) from None
    from pipelines.syndication import mark_syndication
    from warehouse.errors import WarehouseError

    try:
        _, copies = mark_syndication(settings.db, lock_timeout=settings.lock_timeout)
    except WarehouseError as exc:
        # The crawl is stored; the documents are compared at the next crawl or `radar crawl syndicate`.
        typer.echo(f"radar: warning: syndicated copies not checked: {exc}", err=True)
        copies = 0
    if fmt is Format.json:
        typer.echo(json.dumps({**stats.to_dict(), "syndicated": copies}, ensure_ascii=False, indent=2))
    else:
        typer.echo(f"{stats.summary()}\nbản đăng lại / syndicated copies: {copies}")


@crawl_app.command("syndicate")
def crawl_syndicate(
    db: Annotated[Path | None, typer.Option("--db", help="Tệp kho dữ liệu / warehouse file.")] = None,
) -> None:
    """Nhóm bài đăng lại / Group syndicated copies among press documents not checked yet (ingested ones too)."""
    import sys

    from tqdm import tqdm

    from pipelines.syndication import mark_syndication

    settings = load_settings(db=db)
    if not settings.db.exists():
        raise UserError(f"no warehouse at {settings.db}: run 'radar ingest' or 'radar crawl run' first")
    with tqdm(desc="Đối chiếu / compare", unit="doc", file=sys.stderr, disable=None) as bar:
        checked, copies = mark_syndication(settings.db, lock_timeout=settings.lock_timeout, progress=bar.update)
    typer.echo(f"đã đối chiếu / checked: {checked}  bản đăng lại / syndicated copies: {copies}")


from pipelines.cli_extract import extract_cmd  # noqa: E402  (registered last: owned by the extraction module)

crawl_app.command("extract")(extract_cmd)


def reprocess_cmd(
    source: Annotated[str | None, typer.Option("--source", help="Chỉ nguồn này / only this source.")] = None,
    since: Annotated[
        str | None, typer.Option("--since", help="Từ ngày / published since DATE (YYYY-MM-DD or ISO 8601).")
    ] = None,
    db: Annotated[Path | None, typer.Option("--db", help="Tệp kho dữ liệu / warehouse file.")] = None,
) -> None:
    """Trích xuất lại trang gốc / Re-extract stored raw pages with the current extractor (no crawling)."""
    import sys

    from tqdm import tqdm

    from pipelines.reprocess import count_pages, reprocess

    settings = load_settings(db=db)
    if not settings.db.exists():
        raise UserError(f"no warehouse at {settings.db}: run 'radar crawl run' first")
    start = _parse_since(since) if since else None
    total = count_pages(settings.db, source, start)
    with tqdm(total=total, desc="Trích lại / re-extract", unit="page", file=sys.stderr, disable=None) as bar:
        report = reprocess(settings.db, source=source, since=start, progress=bar.update,
                           lock_timeout=settings.lock_timeout)
    from pipelines.syndication import mark_syndication

    # Changed texts were taken out of their syndication groups: compared again now.
    mark_syndication(settings.db, lock_timeout=settings.lock_timeout)
    typer.echo(report.summary())
    for reason, count in report.reasons.most_common():
        typer.echo(f"  lỗi/failed {count} × {reason}")


def _parse_since(value: str) -> datetime:
    """A date or an ISO 8601 time; a date or a time without offset is Vietnam time."""
    try:
        parsed = datetime.fromisoformat(value.strip())
    except ValueError:
        raise UserError(f"--since must be a date (YYYY-MM-DD) or an ISO 8601 time, not {value!r}") from None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=ZoneInfo("Asia/Ho_Chi_Minh"))
