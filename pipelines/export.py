"""`radar export parquet`: date-partitioned Parquet of documents and annotations, with a data dictionary."""

from __future__ import annotations

import json
import os
import shutil
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import duckdb

from pipelines.errors import UserError
from warehouse.db import TIMEZONE, open_reader

# Social author ids are stored as keyed pseudonyms `platform:hex` (crawlers/social/pseudonym.py);
# anything else found under these keys of a social row (e.g. a clear handle brought in by
# `radar ingest`) is dropped from the export rather than published.
PSEUDONYM_PATTERN = r"^[a-z0-9_-]+:[0-9a-f]{20}$"
IDENTITY_KEYS = ("author", "author_id", "author_name", "user", "user_id", "username", "display_name")
SOCIAL_KINDS = ("social", "comment")

DICTIONARY_MD = "DATA_DICTIONARY.md"
DICTIONARY_JSON = "data_dictionary.json"
PARTITION = "date"

_DROP_IDENTITY = json.dumps({key: None for key in IDENTITY_KEYS})
_SOCIAL = ", ".join(f"'{k}'" for k in SOCIAL_KINDS)

# One SELECT per exported table; `{where}` is the date range on the document's publication time.
QUERIES: dict[str, str] = {
    "documents": (
        "SELECT d.id, d.source, d.kind, d.parent_id, d.url, d.title, d.text, d.published_at, d.fetched_at, "
        "d.lang, d.content_hash, "
        f"CASE WHEN d.kind IN ({_SOCIAL}) AND regexp_matches(d.extra->>'author', '{PSEUDONYM_PATTERN}') "
        "THEN d.extra->>'author' END AS author, "
        f"CAST(CASE WHEN d.kind IN ({_SOCIAL}) THEN json_merge_patch(d.extra, '{_DROP_IDENTITY}') "
        "ELSE d.extra END AS VARCHAR) AS extra, "
        f"d.ingested_at, CAST(d.published_at AS DATE) AS {PARTITION} "
        "FROM documents d WHERE {where}"
    ),
    "annotations": (
        "SELECT a.document_id, a.model_version, a.sentiment, a.sentiment_score, a.toxicity, a.toxicity_score, "
        f"a.topic, a.topics, a.topic_scores, a.tokens, a.annotated_at, CAST(d.published_at AS DATE) AS {PARTITION} "
        "FROM annotations a JOIN documents d ON d.id = a.document_id WHERE {where}"
    ),
}

DESCRIPTIONS: dict[str, dict[str, str]] = {
    "documents": {
        "id": "stable document id: SHA-1 (first 128 bits, hex) of the canonical URL without its scheme",
        "source": "outlet or channel name (VnExpress, Tuổi Trẻ, a subreddit…)",
        "kind": "press, social or comment",
        "parent_id": "for a comment or reply: id of the document it answers (NULL otherwise)",
        "url": "canonical public URL (tracking parameters and fragment removed)",
        "title": "title, NFC-normalised (a social post's first words when it has none)",
        "text": "body or summary, NFC-normalised, as written",
        "published_at": "publication time (UTC instant; Asia/Ho_Chi_Minh in the warehouse)",
        "fetched_at": "when it was collected or imported",
        "lang": "language code: vi, or und when unknown",
        "content_hash": "SHA-1 of the normalised title and text: equal hashes mean equal content",
        "author": "social and comment rows only: the author's keyed pseudonym platform:hex "
                  "(HMAC under the operator's key, never a clear id); NULL for press or when none is stored",
        "extra": "every other field of the source record as JSON text (section, category, engagement…); "
                 "on social rows the author keys are removed (see author)",
        "ingested_at": "when the row was written to the warehouse",
        PARTITION: "partition key: publication date in Vietnam time (Asia/Ho_Chi_Minh)",
    },
    "annotations": {
        "document_id": "documents.id of the annotated document",
        "model_version": "versions of the models that produced the row",
        "sentiment": "negative, neutral or positive",
        "sentiment_score": "calibrated probability of that sentiment",
        "toxicity": "clean, offensive or hate: a separate signal from sentiment (criticism is not hate)",
        "toxicity_score": "probability of that toxicity label",
        "topic": "best policy topic (slug of the taxonomy, e.g. y-te, giao-duc)",
        "topics": "every topic above its threshold, best first",
        "topic_scores": "the scores of topics, in the same order",
        "tokens": "number of words after segmentation",
        "annotated_at": "when the annotation was written",
        PARTITION: "partition key: publication date of the document in Vietnam time (Asia/Ho_Chi_Minh)",
    },
}


class ExportError(UserError):
    """The export cannot run: bad dates or an output folder that cannot be written."""


@dataclass(frozen=True)
class Column:
    """One exported column: its table, name, Parquet-side type and meaning."""

    table: str
    name: str
    type: str
    description: str


@dataclass
class ExportReport:
    """What an export wrote."""

    since: date
    until: date
    out: Path
    rows: dict[str, int] = field(default_factory=dict)
    days: int = 0
    seconds: float = 0.0

    def summary(self) -> str:
        """One line for the terminal."""
        counts = ", ".join(f"{n:,} {table}" for table, n in self.rows.items())
        return (f"export {self.since}..{self.until}: {counts} in {self.days} day partitions "
                f"-> {self.out} ({self.seconds:.1f}s)")


def select(table: str, where: str) -> str:
    """The export query of `table` restricted by the SQL condition `where` on documents `d`."""
    # Not str.format: the pseudonym pattern has braces of its own.
    return QUERIES[table].replace("{where}", where)


def parse_day(value: str, flag: str) -> date:
    """A YYYY-MM-DD date given to `flag`, or ExportError naming the flag."""
    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        raise ExportError(f"{flag} must be a date YYYY-MM-DD, not {value!r}") from None


def days(since: date, until: date) -> Iterator[date]:
    """Every date from `since` to `until`, both included."""
    for n in range((until - since).days + 1):
        yield since + timedelta(days=n)


def _local_midnight(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, tzinfo=ZoneInfo(TIMEZONE))


def data_dictionary(con: duckdb.DuckDBPyConnection) -> list[Column]:
    """The exported columns with their types (from the live schema) and descriptions."""
    columns = []
    for table in QUERIES:
        described = con.execute(f"DESCRIBE {select(table, 'FALSE')}").fetchall()
        for name, type_, *_ in described:
            columns.append(Column(table, name, type_, DESCRIPTIONS[table].get(name, "")))
    return columns


def dictionary_markdown(columns: list[Column]) -> str:
    """The data dictionary as Markdown tables, one per exported table."""
    lines = [
        "# Data dictionary of a Policy Radar Parquet export",
        "",
        f"Hive-style partitions: `<table>/{PARTITION}=YYYY-MM-DD/*.parquet`, one folder per publication date "
        "(Vietnam time). Times are UTC instants. Read with e.g. DuckDB "
        f"`SELECT * FROM read_parquet('documents/*/*.parquet', hive_partitioning = true)`.",
    ]
    for table in QUERIES:
        lines += ["", f"## `{table}`", "", "| column | type | meaning |", "|---|---|---|"]
        lines += [f"| `{c.name}` | {c.type} | {c.description} |" for c in columns if c.table == table]
    return "\n".join(lines) + "\n"


def check_out_dir(out: Path) -> None:
    """Create `out` if needed and make sure files can be written there, or raise ExportError."""
    try:
        out.mkdir(parents=True, exist_ok=True)
        probe = out / f".radar-write-test-{os.getpid()}"
        probe.write_bytes(b"")
        probe.unlink()
    except OSError as exc:
        raise ExportError(f"cannot write to {out}: {exc.strerror or exc}") from None


def _swap_partitions(staging: Path, out: Path, table: str, since: date, until: date) -> None:
    """Replace the range's partitions of `table` in `out` by the staged ones (absent ones removed)."""
    target = out / table
    target.mkdir(parents=True, exist_ok=True)
    for day in days(since, until):
        name = f"{PARTITION}={day.isoformat()}"
        old, new = target / name, staging / table / name
        if old.exists():
            shutil.rmtree(old)
        if new.exists():
            new.rename(old)


def export_parquet(
    db: Path,
    since: date,
    until: date,
    out: Path,
    *,
    lock_timeout: float = 30.0,
    step: Callable[[str], None] | None = None,
) -> ExportReport:
    """Write documents and annotations published from `since` to `until` (Vietnam dates, both included).

    Re-running over a range replaces that range's partitions, so an export is idempotent; partitions
    outside the range are left alone. `step(name)` is called as each stage finishes.
    """
    if since > until:
        raise ExportError(f"--since {since} is after --until {until}")
    check_out_dir(out)
    started = time.perf_counter()
    report = ExportReport(since, until, out, days=(until - since).days + 1)
    # Staged next to the output (same file system), then moved in partition by partition.
    staging = out / f".radar-export-{uuid.uuid4().hex[:12]}"
    where = "d.published_at >= ? AND d.published_at < ?"
    window = [_local_midnight(since), _local_midnight(until + timedelta(days=1))]
    try:
        staging.mkdir()
        with open_reader(db, timeout=lock_timeout) as con:
            for table in QUERIES:
                # Our own fixed query on a fresh read connection (researchers' SQL never gets here), so
                # COPY may write files; the parameters are bound, the path is quoted.
                target = str(staging / table).replace("'", "''")
                row = con.execute(
                    f"COPY ({select(table, where)}) TO '{target}' (FORMAT parquet, COMPRESSION zstd, "
                    f"PARTITION_BY ({PARTITION}), FILENAME_PATTERN 'part-{{i}}', OVERWRITE_OR_IGNORE true)",
                    window,
                ).fetchone()
                report.rows[table] = int(row[0]) if row else 0
                if step:
                    step(table)
            columns = data_dictionary(con)
        for table in QUERIES:
            _swap_partitions(staging, out, table, since, until)
        write_dictionary(out, columns, report)
        if step:
            step("dictionary")
    except OSError as exc:
        raise ExportError(f"cannot write to {out}: {exc.strerror or exc}") from None
    except duckdb.IOException as exc:
        raise ExportError(f"cannot write to {out}: {str(exc).splitlines()[0]}") from None
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    report.seconds = time.perf_counter() - started
    return report


def write_dictionary(out: Path, columns: list[Column], report: ExportReport) -> None:
    """DATA_DICTIONARY.md and data_dictionary.json (columns, and what the last export wrote) in `out`."""
    (out / DICTIONARY_MD).write_text(dictionary_markdown(columns), encoding="utf-8")
    manifest = {
        "partitioning": f"hive, {PARTITION}=YYYY-MM-DD (publication date, {TIMEZONE})",
        "last_export": {"since": report.since.isoformat(), "until": report.until.isoformat(), "rows": report.rows},
        "tables": {
            table: [{"name": c.name, "type": c.type, "description": c.description}
                    for c in columns if c.table == table]
            for table in QUERIES
        },
    }
    (out / DICTIONARY_JSON).write_text(json.dumps(manifest, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
