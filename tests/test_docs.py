"""Every command is documented in the README and answers --help."""

from __future__ import annotations

from pathlib import Path

import typer
from typer.main import get_command
from typer.testing import CliRunner

from pipelines.cli import app

README = (Path(__file__).parents[1] / "README.md").read_text(encoding="utf-8")


def command_paths() -> list[list[str]]:
    """All leaf commands of the `radar` CLI, as argument lists."""
    root = get_command(app)
    paths: list[list[str]] = []

    def walk(cmd: object, prefix: list[str]) -> None:
        sub = getattr(cmd, "commands", None)
        if sub:
            for name, child in sub.items():
                walk(child, [*prefix, name])
        else:
            paths.append(prefix)

    walk(root, [])
    return paths


def test_every_command_is_in_the_readme() -> None:
    missing = [" ".join(p) for p in command_paths() if f"radar {' '.join(p)}" not in README]
    assert not missing, f"commands missing from README.md: {missing}"


def test_every_command_answers_help() -> None:
    runner = CliRunner()
    for path in command_paths():
        result = runner.invoke(app, [*path, "--help"])
        assert result.exit_code == 0, (path, result.output)
        assert "Usage" in result.output


def test_there_are_commands() -> None:
    assert isinstance(app, typer.Typer)
    assert len(command_paths()) >= 12
