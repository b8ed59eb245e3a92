"""Fixtures for the social connector tests: a pseudonym key, a fast HTTP client, a run helper."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import duckdb
import pytest

from crawlers.social.http import Http
from crawlers.social.pseudonym import Pseudonymizer
from crawlers.social.registry import SocialSource
from crawlers.social.runner import Context, RunStats, run_source

KEY = "test-key-0123456789abcdef"
NOW = datetime(2026, 11, 20, 8, 0, tzinfo=UTC)


class Sleeps(list[float]):
    """A sleep function that records the waits instead of waiting."""

    def __call__(self, seconds: float) -> None:
        self.append(seconds)


@pytest.fixture()
def sleeps() -> Sleeps:
    """The waits the HTTP client asked for."""
    return Sleeps()


@pytest.fixture()
def make_context(sleeps: Sleeps) -> Callable[..., Context]:
    """Build a connector context whose client never really sleeps."""

    def build(now: datetime = NOW, env: dict[str, str] | None = None,
              articles: Callable[[str, int], list[str]] | None = None, **http: Any) -> Context:
        client = Http(user_agent="radar-test", timeout=5, delay=0, sleep=sleeps, **http)
        context = Context(http=client, now=now, env=env or {})
        if articles:
            context.articles = articles
        return context

    return build


@pytest.fixture()
def run(db_path: Path, make_context: Callable[..., Context]) -> Callable[..., RunStats]:
    """Run a source into the test warehouse with the test key."""

    def go(source: SocialSource, now: datetime = NOW, env: dict[str, str] | None = None, **kwargs: Any) -> RunStats:
        return run_source(source, db_path, make_context(now, env, **kwargs), Pseudonymizer(KEY.encode()))

    return go


@pytest.fixture()
def query(db_path: Path) -> Iterator[Callable[..., list[tuple[Any, ...]]]]:
    """Run SQL on the test warehouse (read-only, opened per call)."""

    def q(sql: str, *params: Any) -> list[tuple[Any, ...]]:
        con = duckdb.connect(str(db_path), read_only=True)
        try:
            return con.execute(sql, list(params)).fetchall()
        finally:
            con.close()

    yield q
