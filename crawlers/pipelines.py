"""Item pipeline: articles to `warehouse.Document`s, written in batches over short connections."""

from __future__ import annotations

import logging
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd
from scrapy.crawler import Crawler
from scrapy.exceptions import DropItem, NotConfigured

from crawlers.items import ArticleItem
from crawlers.rawpages import RawPage, write_raw_pages
from crawlers.registry import Source, sources_rows
from warehouse.db import open_writer
from warehouse.errors import WarehouseError
from warehouse.ledger import SourceRun, record_runs
from warehouse.records import Document
from warehouse.write import upsert_sources, write_documents

LOGGER = logging.getLogger(__name__)
DEFAULT_BATCH_SIZE = 200
HEALTH_KEYS = (
    "feeds_ok",
    "feeds_unchanged",
    "feeds_failed",
    "feeds_malformed",
    "articles_extracted",
    "articles_fallback",
    "articles_failed",
    "articles_deferred",
)


def to_document(item: ArticleItem) -> Document:
    """The warehouse record of one crawled article."""
    return Document(
        url=item.url,
        source=item.source,
        title=item.title,
        text=item.text,
        published_at=item.published_at,
        kind="press",
        fetched_at=item.fetched_at,
        lang=item.lang or "vi",
        extra=item.extra(),
    )


class WarehousePipeline:
    """Buffer documents and write them every `RADAR_BATCH_SIZE` items and when the spider closes.

    Each write opens and closes its own connection, so the dashboard can read between batches.
    """

    def __init__(self, crawler: Crawler, db_path: Path, batch_size: int, sources: list[Source]) -> None:
        self.crawler = crawler
        self.db_path = db_path
        self.batch_size = max(1, batch_size)
        self.sources = sources
        self.buffer: list[Document] = []
        self.raw_buffer: list[RawPage] = []
        self.started_at = datetime.now(UTC)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> WarehousePipeline:
        """Built from the RADAR_DB, RADAR_BATCH_SIZE and RADAR_SOURCES settings."""
        db = crawler.settings.get("RADAR_DB")
        if not db:
            raise NotConfigured("RADAR_DB is not set")
        return cls(
            crawler,
            Path(db),
            crawler.settings.getint("RADAR_BATCH_SIZE", DEFAULT_BATCH_SIZE),
            list(crawler.settings.get("RADAR_SOURCES") or []),
        )

    def _inc(self, key: str, count: int = 1) -> None:
        if self.crawler.stats is not None and count:
            self.crawler.stats.inc_value(f"radar/{key}", count)

    def open_spider(self) -> None:
        """Record the crawled sources in the `sources` table."""
        self.started_at = datetime.now(UTC)
        self._record_sources()

    def _record_sources(self, last_crawl: dict[str, dict[str, Any]] | None = None) -> None:
        if not self.sources:
            return
        try:
            with open_writer(self.db_path) as con:
                upsert_sources(con, pd.DataFrame(sources_rows(self.sources, last_crawl)))
        except (WarehouseError, duckdb.Error) as exc:
            # Not worth stopping the crawl for: the registry is written again at the next run.
            LOGGER.warning("sources not recorded in the warehouse: %s", exc)

    def last_crawl(self) -> dict[str, dict[str, Any]]:
        """Per source, what this crawl saw (feeds read or failed, pages extracted or not) and when."""
        stats = self.crawler.stats.get_stats() if self.crawler.stats else {}
        at = datetime.now(UTC).isoformat(timespec="seconds")
        return {
            s.name: {"at": at, **{k: int(stats.get(f"radar/{k}/{s.name}", 0)) for k in HEALTH_KEYS}}
            for s in self.sources
        }

    def process_item(self, item: Any) -> Any:
        """Queue one article; write the batch when it is full."""
        if not isinstance(item, ArticleItem):
            return item
        if not (item.title or item.text):
            self._inc("dropped")
            raise DropItem(f"no title and no text: {item.url}")
        self.buffer.append(to_document(item))
        if item.raw is not None:
            self.raw_buffer.append(item.raw)
        if len(self.buffer) >= self.batch_size:
            self.flush()
        return item

    def flush(self) -> None:
        """Write the buffered documents; on a locked or broken warehouse keep them for the next try."""
        if not self.buffer:
            return
        try:
            with open_writer(self.db_path) as con:
                ids = list({d.id: d for d in self.buffer})
                stored = con.execute("SELECT id FROM documents WHERE list_contains(?, id)", [ids]).fetchall()
                result = write_documents(con, self.buffer)
                raw = write_raw_pages(con, self.raw_buffer)
        except (WarehouseError, duckdb.Error) as exc:
            LOGGER.error("could not write %d documents, will retry: %s", len(self.buffer), exc)
            self._inc("write_errors")
            return
        self._inc("new", result.new)
        self._inc("duplicate", result.duplicate)
        self._inc("raw_pages", raw)
        # Per source too, for the coverage ledger: ids not stored before this batch were new.
        known = {r[0] for r in stored}
        first = {d.id: d.source for d in reversed(self.buffer)}
        for source, count in Counter(s for i, s in first.items() if i not in known).items():
            self._inc(f"new/{source}", count)
        LOGGER.info("stored %d new, %d duplicate documents", result.new, result.duplicate)
        self.buffer = []
        self.raw_buffer = []

    def close_spider(self) -> None:
        """Write what is left (counting what cannot be written as lost), then each source's counts."""
        self.flush()
        self._record_sources(self.last_crawl())
        self._record_ledger()
        if self.buffer:
            self._inc("lost", len(self.buffer))
            LOGGER.error("%d documents were not written", len(self.buffer))
            self.buffer = []
            self.raw_buffer = []

    def source_runs(self) -> list[SourceRun]:
        """This run, per source, as coverage-ledger rows."""
        stats = self.crawler.stats.get_stats() if self.crawler.stats else {}

        def n(key: str, source: str) -> int:
            return int(stats.get(f"radar/{key}/{source}", 0))

        finished = datetime.now(UTC)
        runs = []
        for s in self.sources:
            feeds = n("feeds_ok", s.name) + n("feeds_failed", s.name) + n("feeds_malformed", s.name)
            runs.append(
                SourceRun(
                    source=s.name,
                    run_at=self.started_at,
                    finished_at=finished,
                    requests=feeds + n("items_new", s.name),
                    feeds_ok=n("feeds_ok", s.name),
                    items_fetched=n("articles_extracted", s.name) + n("articles_fallback", s.name),
                    items_new=n("new", s.name),
                    errors=n("feeds_failed", s.name) + n("feeds_malformed", s.name) + n("articles_failed", s.name),
                    http_failures=n("http_failed", s.name),
                    detail={k: n(k, s.name) for k in HEALTH_KEYS},
                )
            )
        return runs

    def _record_ledger(self) -> None:
        try:
            with open_writer(self.db_path) as con:
                record_runs(con, self.source_runs())
        except (WarehouseError, duckdb.Error) as exc:
            # The documents are safe; only this run's line in the ledger is missing.
            LOGGER.error("coverage ledger not updated: %s", exc)
            self._inc("ledger_errors")
