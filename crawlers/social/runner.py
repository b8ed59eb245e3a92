"""Run one social source: collect through its connector, pseudonymise, store in short-lived batches."""

from __future__ import annotations

import importlib
import logging
from collections import Counter
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd

from crawlers.social.http import Http
from crawlers.social.model import Post, Skip, to_document
from crawlers.social.pseudonym import Pseudonymizer
from crawlers.social.registry import SocialSource
from crawlers.social.store import Snapshot, mark_deleted, write_batch
from warehouse.db import open_writer
from warehouse.records import document_id
from warehouse.write import upsert_sources

LOGGER = logging.getLogger(__name__)
BATCH = 200
DEFAULT_PAGES = 5
# Connector name -> module in this package exposing `collect(source, context)`.
MODULES = {
    "telegram": "telegram", "xenforo": "xenforo", "reddit": "reddit", "import": "importer",
    "youtube": "youtube", "facebook": "facebook", "comments": "comments",
}


@dataclass
class Context:
    """What a connector may use: the HTTP client, the clock, page limits and the environment."""

    http: Http
    now: datetime
    max_pages: int | None = None  # from the command line; beats the source's own max_pages
    env: Mapping[str, str] = field(default_factory=dict)
    # Newest stored press article URLs of a source (for comment sections); none unless the caller wires it.
    articles: Callable[[str, int], list[str]] = lambda source, limit: []

    def pages(self, source: SocialSource) -> int:
        """Listing pages to walk: the command line's, else the source's, else 5."""
        return int(self.max_pages or source.option("max_pages", DEFAULT_PAGES))


Collect = Callable[[SocialSource, Context], Iterator[Post | Skip]]


@dataclass
class RunStats:
    """What one run collected."""

    source: str
    new: int = 0
    duplicate: int = 0
    snapshots: int = 0
    deleted: int = 0
    skipped: Counter[str] = field(default_factory=Counter)
    requests: int = 0

    def summary(self) -> str:
        """One line for the operator."""
        skipped = ", ".join(f"{n} {reason}" for reason, n in self.skipped.most_common())
        return (
            f"social {self.source}: {self.new} new, {self.duplicate} already stored, {self.snapshots} engagement "
            f"snapshots, {self.deleted} marked deleted, {sum(self.skipped.values())} skipped"
            + (f" ({skipped})" if skipped else "") + f", {self.requests} requests"
        )


def connector(name: str) -> Collect:
    """The collect function of a connector."""
    module = importlib.import_module(f"crawlers.social.{MODULES[name]}")
    collect: Collect = module.collect
    return collect


def run_source(
    source: SocialSource, db: Path, context: Context, pseudonymize: Pseudonymizer, *,
    collect: Collect | None = None, lock_timeout: float = 60.0,
) -> RunStats:
    """Collect one source into the warehouse; stores what was collected before any error, then re-raises."""
    collect = collect or connector(source.connector)
    stats = RunStats(source.name)
    posts: list[Post] = []
    skips: dict[str, str] = {}
    counted: list[str] = []

    def flush() -> None:
        if not posts and not skips and not counted:
            return
        fetched = datetime.now(UTC)
        docs = [to_document(p, source.name, p.platform or source.connector,
                            pseudonymize(p.platform or source.connector, p.author_id), fetched) for p in posts]
        snapshots = [Snapshot(p.id, metric, context.now, int(value), source.name)
                     for p in posts for metric, value in p.engagement.items()]
        with open_writer(db, timeout=lock_timeout) as con:
            upsert_sources(con, pd.DataFrame([source.row()]))
            result, added = write_batch(con, docs, snapshots)
            deleted = mark_deleted(con, skips, context.now) if skips else set()
        stats.new += result.new
        stats.duplicate += result.duplicate
        stats.snapshots += added
        stats.deleted += len(deleted)
        # Skips of items never stored are only counted; their reasons tell the operator what was left out.
        stats.skipped.update(reason for doc_id, reason in skips.items() if doc_id not in deleted)
        stats.skipped.update(counted)
        posts.clear()
        skips.clear()
        counted.clear()

    try:
        for item in collect(source, context):
            if isinstance(item, Skip):
                LOGGER.info("skipped %s: %s", item.url, item.reason)
                if item.gone:
                    skips[document_id(item.url)] = item.reason
                else:
                    counted.append(item.reason)
            else:
                posts.append(item)
            if len(posts) + len(skips) + len(counted) >= BATCH:
                flush()
    finally:
        stats.requests = context.http.requests
        flush()
    return stats
