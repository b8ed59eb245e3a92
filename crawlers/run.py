"""Run a crawl: `run_crawl` starts `python -m crawlers.run` in a child process and returns its counts.

The Twisted reactor can start only once per process, so every crawl gets a fresh process; the
child writes its statistics as JSON to a file the parent reads back.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import duckdb

from crawlers.registry import Source, load_registry, select_sources
from crawlers.scrapy_settings import crawl_settings
from crawlers.spiders.feeds import DEFAULT_MAX_ITEMS_PER_FEED
from warehouse.db import open_reader
from warehouse.errors import WarehouseError

LOGGER = logging.getLogger(__name__)
DEFAULT_USER_AGENT = "PolicyRadar/0.1 (+https://github.com/policy-radar/radar; radar@example.org)"
KNOWN_IDS_DAYS = 30
GRACE_S = 120.0  # time a stopping crawl gets to finish its requests in flight and store its last batch
# Counted as failures: feeds not fetched or not readable, pages not fetched, documents not written.
FAILURE_KEYS = ("feeds_failed", "feeds_malformed", "articles_failed", "dropped", "lost")


class CrawlError(RuntimeError):
    """The crawl process died or produced no statistics."""


@dataclass
class CrawlStats:
    """What one crawl did: documents stored, duplicates, failures, and the detail per source."""

    new: int = 0
    duplicate: int = 0
    failed: int = 0
    feeds_ok: int = 0
    feeds_failed: int = 0
    feeds_malformed: int = 0
    feeds_unchanged: int = 0
    items_known: int = 0
    articles_extracted: int = 0
    articles_fallback: int = 0
    articles_failed: int = 0
    articles_deferred: int = 0
    raw_pages: int = 0
    requests: int = 0
    elapsed_s: float = 0.0
    finish_reason: str = ""
    per_source: dict[str, dict[str, int]] = field(default_factory=dict)

    @classmethod
    def from_scrapy(cls, stats: Mapping[str, Any], elapsed_s: float) -> CrawlStats:
        """Fold Scrapy's flat stats (`radar/<key>` and `radar/<key>/<source>`) into counts."""
        radar = {k[len("radar/") :]: v for k, v in stats.items() if k.startswith("radar/")}
        totals = {k: int(v) for k, v in radar.items() if "/" not in k}
        per_source: dict[str, dict[str, int]] = {}
        for key, value in radar.items():
            if "/" in key:
                name, source = key.split("/", 1)
                per_source.setdefault(source, {})[name] = int(value)
        return cls(
            new=totals.get("new", 0),
            duplicate=totals.get("duplicate", 0),
            failed=sum(totals.get(k, 0) for k in FAILURE_KEYS),
            feeds_ok=totals.get("feeds_ok", 0),
            feeds_failed=totals.get("feeds_failed", 0),
            feeds_malformed=totals.get("feeds_malformed", 0),
            feeds_unchanged=totals.get("feeds_unchanged", 0),
            items_known=totals.get("items_known", 0),
            articles_extracted=totals.get("articles_extracted", 0),
            articles_fallback=totals.get("articles_fallback", 0),
            articles_failed=totals.get("articles_failed", 0),
            articles_deferred=totals.get("articles_deferred", 0),
            raw_pages=totals.get("raw_pages", 0),
            requests=int(stats.get("downloader/request_count", 0)),
            elapsed_s=round(elapsed_s, 2),
            finish_reason=str(stats.get("finish_reason", "")),
            per_source=per_source,
        )

    def summary(self) -> str:
        """One line for people: stored, duplicate and failed counts, then the detail."""
        return (
            f"mới/new: {self.new}  trùng/duplicate: {self.duplicate}  lỗi/failed: {self.failed}  "
            f"(feeds ok {self.feeds_ok}, unchanged {self.feeds_unchanged}, "
            f"failed {self.feeds_failed + self.feeds_malformed}; "
            f"articles extracted {self.articles_extracted}, from feed only {self.articles_fallback}, "
            f"retry later {self.articles_deferred}, "
            f"already seen {self.items_known}; {self.elapsed_s:.0f}s, {self.finish_reason or '?'})"
        )

    __str__ = summary

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready counts."""
        return asdict(self)


def known_document_ids(db_path: Path, days: int = KNOWN_IDS_DAYS) -> set[str]:
    """Ids of documents stored or published in the last `days` days: their pages are not fetched again."""
    if not db_path.exists():
        return set()
    try:
        with open_reader(db_path) as con:
            rows = con.execute(
                "SELECT id FROM documents WHERE ingested_at >= now() - to_days(?) "
                "OR published_at >= now() - to_days(?)",
                [days, days],
            ).fetchall()
    except (WarehouseError, duckdb.Error) as exc:
        LOGGER.warning("known documents not read from %s: %s", db_path, exc)
        return set()
    return {r[0] for r in rows}


def crawl_in_process(
    db_path: Path,
    sources: Sequence[Source],
    *,
    max_items_per_feed: int,
    time_limit_s: float | None,
    user_agent: str,
    overrides: Mapping[str, Any] | None = None,
    keep_raw: bool = True,
) -> CrawlStats:
    """Run the feed spider in this process (once per process: the reactor cannot restart)."""
    from scrapy.crawler import CrawlerProcess

    from crawlers.spiders.feeds import FeedSpider

    started = time.monotonic()
    settings = crawl_settings(
        db_path=db_path,
        sources=sources,
        user_agent=user_agent,
        time_limit_s=time_limit_s,
        overrides=overrides,
    )
    process = CrawlerProcess(settings={**settings, "LOG_INSTALL_ROOT_HANDLER": True})
    crawler = process.create_crawler(FeedSpider)
    process.crawl(
        crawler,
        sources=sources,
        max_items_per_feed=max_items_per_feed,
        known_ids=known_document_ids(db_path),
        keep_raw=keep_raw,
    )
    process.start()
    stats = crawler.stats.get_stats() if crawler.stats else {}
    return CrawlStats.from_scrapy(stats, time.monotonic() - started)


def run_crawl(
    db_path: Path | str,
    sources: list[str] | None = None,
    *,
    registry_path: Path | str | None = None,
    max_items_per_feed: int = DEFAULT_MAX_ITEMS_PER_FEED,
    time_limit_s: float | None = None,
    user_agent: str | None = None,
    overrides: Mapping[str, Any] | None = None,
    log_level: str = "WARNING",
    keep_raw: bool = True,
) -> CrawlStats:
    """Crawl the named sources (all active ones when None) into the warehouse, in a child process.

    With `keep_raw`, fetched pages are also stored gzip-compressed in `raw_pages`.
    """
    # Bad names and a bad registry are reported here, before any process starts.
    select_sources(load_registry(registry_path), sources)
    if max_items_per_feed < 1:
        raise ValueError("max_items_per_feed must be at least 1")
    if time_limit_s is not None and time_limit_s <= 0:
        raise ValueError("time_limit_s must be positive")
    with tempfile.TemporaryDirectory(prefix="radar-crawl-") as tmp:
        stats_file = Path(tmp) / "stats.json"
        cmd = [
            sys.executable,
            "-m",
            "crawlers.run",
            "--db",
            str(Path(db_path).resolve()),
            "--max-items",
            str(max_items_per_feed),
            "--user-agent",
            user_agent or DEFAULT_USER_AGENT,
            "--stats-out",
            str(stats_file),
            "--log-level",
            log_level,
            "--overrides",
            json.dumps(dict(overrides or {})),
        ]
        if not keep_raw:
            cmd.append("--no-raw")
        if registry_path:
            cmd += ["--registry", str(Path(registry_path).resolve())]
        if time_limit_s:
            cmd += ["--time-limit", str(time_limit_s)]
        for name in sources or []:
            cmd += ["--source", name]
        # A grace period past the time limit lets the spider close and flush; after it, the child is killed.
        timeout = time_limit_s + GRACE_S if time_limit_s else None
        returncode = _wait_for_child(cmd, timeout)
        if not stats_file.exists():
            raise CrawlError(f"crawl process failed (exit {returncode}) without statistics")
        data = json.loads(stats_file.read_text(encoding="utf-8"))
    return CrawlStats(**data)


def _wait_for_child(cmd: list[str], timeout: float | None) -> int:
    """Run the crawl child; on Ctrl-C let it close as Scrapy does (storing its last batch) before leaving."""
    with subprocess.Popen(cmd, env=_child_env()) as proc:
        try:
            return proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            proc.kill()
            raise CrawlError(f"crawl did not stop within {timeout:.0f}s and was killed") from None
        except KeyboardInterrupt:
            # The child got the same SIGINT and is shutting down cleanly; a second Ctrl-C kills it.
            try:
                proc.wait(timeout=GRACE_S)
            except (subprocess.TimeoutExpired, KeyboardInterrupt):
                proc.kill()
            raise


def _child_env() -> dict[str, str]:
    # The child must import this project even when the parent runs from elsewhere.
    env = dict(os.environ)
    root = str(Path(__file__).resolve().parents[1])
    env["PYTHONPATH"] = os.pathsep.join(p for p in (root, env.get("PYTHONPATH", "")) if p)
    return env


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the crawl child process."""
    parser = argparse.ArgumentParser(prog="python -m crawlers.run", description="Run one feed crawl.")
    parser.add_argument("--db", required=True, type=Path)
    parser.add_argument("--source", action="append", default=[])
    parser.add_argument("--registry", type=Path)
    parser.add_argument("--max-items", type=int, default=DEFAULT_MAX_ITEMS_PER_FEED)
    parser.add_argument("--time-limit", type=float)
    parser.add_argument("--user-agent", default=DEFAULT_USER_AGENT)
    parser.add_argument("--stats-out", type=Path)
    parser.add_argument("--log-level", default="WARNING")
    parser.add_argument("--overrides", default="{}", help="JSON object of Scrapy settings")
    parser.add_argument("--no-raw", action="store_true", help="do not keep the raw pages")
    args = parser.parse_args(argv)
    sources = select_sources(load_registry(args.registry), args.source or None)
    overrides = {"LOG_LEVEL": args.log_level, **json.loads(args.overrides)}
    stats = crawl_in_process(
        args.db,
        sources,
        max_items_per_feed=args.max_items,
        time_limit_s=args.time_limit,
        user_agent=args.user_agent,
        overrides=overrides,
        keep_raw=not args.no_raw,
    )
    text = json.dumps(stats.to_dict(), ensure_ascii=False, indent=2)
    if args.stats_out:
        args.stats_out.write_text(text, encoding="utf-8")
    else:
        print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
