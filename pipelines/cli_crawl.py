"""`radar crawl …` and `radar sources …` commands."""

import typer

crawl_app = typer.Typer(help="Thu thập tin bài / Crawl sources.", no_args_is_help=True)
sources_app = typer.Typer(help="Danh mục nguồn / Source registry.", no_args_is_help=True)
