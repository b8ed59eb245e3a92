"""The `radar` command: the only place that turns typed errors into one-line messages."""

from __future__ import annotations

import sys

import typer

from pipelines.cli_crawl import crawl_app, sources_app
from pipelines.cli_nlp import nlp_app
from pipelines.errors import UserError
from warehouse.errors import WarehouseError

app = typer.Typer(
    help="Policy Radar — Radar Truyền thông Chính sách: media monitoring for Vietnamese press and social media.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)
app.add_typer(crawl_app, name="crawl")
app.add_typer(sources_app, name="sources")
app.add_typer(nlp_app, name="nlp")


def main() -> None:
    """Entry point of the console script."""
    try:
        app()
    except (UserError, WarehouseError, FileNotFoundError, ValueError) as exc:
        print(f"radar: error: {exc}", file=sys.stderr)
        sys.exit(2)
    except KeyboardInterrupt:
        print("radar: interrupted", file=sys.stderr)
        sys.exit(130)


if __name__ == "__main__":
    main()
