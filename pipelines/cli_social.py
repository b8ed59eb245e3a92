"""`radar social …` commands: list the social sources and collect one of them."""

from __future__ import annotations

import json
import logging
import os
from collections.abc import Callable
from datetime import UTC, datetime
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from crawlers.social.errors import SocialError
from crawlers.social.http import Http
from crawlers.social.pseudonym import from_env
from crawlers.social.registry import find_source, load_registry
from crawlers.social.runner import Context, RunStats, run_source
from crawlers.social.store import recent_press_urls
from pipelines.errors import UserError
from pipelines.settings import Settings, load_settings
from warehouse.db import open_reader

social_app = typer.Typer(help="Mạng xã hội và bình luận / Social media and comment sources.", no_args_is_help=True)
COLUMNS = ("name", "kind", "connector", "url", "status")

RegistryOption = Annotated[
    Path | None, typer.Option("--registry", help="Danh mục nguồn MXH / social registry TOML (default: shipped).")
]


class Format(StrEnum):
    """Output formats of `radar social list`."""

    table = "table"
    json = "json"


def press_urls(db: Path) -> Callable[[str, int], list[str]]:
    """Reader of the newest stored press article URLs of a source (none before the first crawl)."""

    def read(source: str, limit: int) -> list[str]:
        if not source or not db.exists():
            return []
        with open_reader(db) as con:
            return recent_press_urls(con, source, limit)

    return read


@social_app.command("list")
def social_list(
    fmt: Annotated[Format, typer.Option("--format", help="table | json")] = Format.table,
    registry: RegistryOption = None,
) -> None:
    """Liệt kê nguồn MXH / List social sources: name, kind, connector, url, status."""
    from pipelines.cli_crawl import render_table

    try:
        rows = [{c: str(s.row()[c]) for c in COLUMNS} for s in load_registry(registry)]
    except SocialError as exc:
        raise UserError(str(exc)) from None
    typer.echo(json.dumps(rows, ensure_ascii=False, indent=2) if fmt is Format.json else render_table(rows, COLUMNS))


@social_app.command("run")
def social_run(
    source: Annotated[str, typer.Option("--source", help="Tên nguồn / source name (see `radar social list`).")],
    db: Annotated[Path | None, typer.Option("--db", help="Tệp kho dữ liệu / warehouse file.")] = None,
    max_pages: Annotated[
        int | None, typer.Option("--max-pages", min=1, help="Số trang tối đa / pages per listing (default: "
                                 "the source's max_pages, else 5).")
    ] = None,
    registry: RegistryOption = None,
    no_authors: Annotated[
        bool, typer.Option("--no-authors", help="Chạy không có khóa: không lưu tác giả / run without "
                           "RADAR_PSEUDONYM_KEY, storing no author identifier at all.")
    ] = False,
    verbose: Annotated[bool, typer.Option("--verbose", "-v", help="Ghi log chi tiết / log each request.")] = False,
) -> None:
    """Thu thập một nguồn MXH / Collect one social source into the warehouse."""
    if verbose:
        logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    try:
        stats = collect_social(source, load_settings(db=db), registry=registry, max_pages=max_pages,
                               no_authors=no_authors)
    except SocialError as exc:
        raise UserError(f"social {source}: {exc}") from None
    typer.echo(stats.summary())


def collect_social(name: str, settings: Settings, *, registry: Path | None = None, max_pages: int | None = None,
                   no_authors: bool = False) -> RunStats:
    """Collect one social source into the settings' warehouse; raises SocialError (for `radar crawl run` too)."""
    chosen = find_source(load_registry(registry), name)
    pseudonymize = from_env(allow_without_key=no_authors)
    # A source may ask for a longer pause between requests (Reddit allows ~10 a minute without OAuth).
    http = Http(user_agent=settings.user_agent, delay=float(chosen.option("delay", 1.0)))
    context = Context(http=http, now=datetime.now(UTC), max_pages=max_pages, env=dict(os.environ),
                      articles=press_urls(settings.db))
    return run_source(chosen, settings.db, context, pseudonymize, lock_timeout=settings.lock_timeout)
