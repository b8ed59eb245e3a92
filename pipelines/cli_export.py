"""`radar export …` commands: the I/O edge of pipelines.export."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer
from tqdm import tqdm

from pipelines.export import QUERIES, export_parquet, parse_day
from pipelines.settings import load_settings

export_app = typer.Typer(help="Xuất dữ liệu / Export the warehouse for researchers.", no_args_is_help=True)


@export_app.callback()
def export() -> None:
    """Xuất dữ liệu / Export the warehouse for researchers."""


@export_app.command("parquet")
def parquet(
    since: Annotated[str, typer.Option("--since", help="First publication date, YYYY-MM-DD (Vietnam time).")],
    until: Annotated[str, typer.Option("--until", help="Last publication date, YYYY-MM-DD, included.")],
    out: Annotated[Path, typer.Option("--out", help="Output folder (created if needed).")],
    db: Annotated[Path | None, typer.Option("--db", help="Warehouse file (default data/radar.duckdb, or RADAR_DB).")]
    = None,
) -> None:
    """Xuất Parquet theo ngày / Date-partitioned Parquet of documents and annotations, with a data dictionary."""
    first, last = parse_day(since, "--since"), parse_day(until, "--until")
    settings = load_settings(db=db)
    # disable=None: no bar when stderr is not a terminal (CI logs, pipes).
    with tqdm(total=len(QUERIES) + 1, desc="Xuất / export", unit="step", file=sys.stderr, disable=None) as bar:
        def step(name: str) -> None:
            bar.set_postfix_str(name)
            bar.update(1)

        report = export_parquet(settings.db, first, last, out, lock_timeout=settings.lock_timeout, step=step)
    print(report.summary())
