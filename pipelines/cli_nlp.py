"""`radar nlp …` commands."""

import typer

nlp_app = typer.Typer(help="Xử lý ngôn ngữ / Vietnamese NLP models.", no_args_is_help=True)
