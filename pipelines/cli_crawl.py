"""`radar crawl …` and `radar sources …` commands."""

from __future__ import annotations

import json
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from crawlers.registry import KINDS, load_registry
from crawlers.social.registry import KIND as SOCIAL_KIND
from crawlers.social.registry import load_registry as load_social_registry
from pipelines.errors import UserError
from pipelines.settings import load_settings

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
    typer.echo(json.dumps(stats.to_dict(), ensure_ascii=False, indent=2) if fmt is Format.json else stats.summary())


from pipelines.cli_extract import extract_cmd  # noqa: E402  (registered last: owned by the extraction module)

crawl_app.command("extract")(extract_cmd)
