"""`radar process`: annotate new documents, place them in narratives, refresh hourly aggregates and score spikes
(topics, places, agencies, legal references, watched keywords)."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any, Protocol

import pandas as pd

from nlp.taxonomy import load_taxonomy
from pipelines.narratives.step import store_forecasts, update_narratives
from pipelines.trends.detector import score_series
from pipelines.trends.series import SPIKE_COLUMNS, keyed_counts, score_keyed
from warehouse.db import open_writer
from warehouse.search import build_search_index, index_is_stale
from warehouse.write import (
    ANNOTATION_COLUMNS,
    refresh_hourly_aggregates,
    replace_topic_spikes,
    staged,
    upsert_topics,
    write_annotations,
)

log = logging.getLogger(__name__)

PENDING_SQL = """
    SELECT d.id, coalesce(d.title, '') AS title, coalesce(d.text, '') AS text, d.published_at
    FROM documents d ANTI JOIN annotations a ON a.document_id = d.id
    ORDER BY d.published_at NULLS LAST, d.id
    LIMIT ?
"""


_TIME = "coalesce(d.published_at, d.fetched_at, d.ingested_at)"
MEMBER_KEYS_SQL = f"""
    SELECT date_trunc('hour', {_TIME}) AS hour, m.places, m.agencies, m.legal_refs
    FROM narrative_members m JOIN documents d ON d.id = m.document_id
    WHERE ?::TIMESTAMPTZ IS NULL OR {_TIME} >= ?::TIMESTAMPTZ
"""
# History read before the first hour to rescore: the baseline's slow level and seasons (half-lives
# 14 and 28 days) are learnt well within it, and a warehouse of years is not re-read every run.
SERIES_HISTORY = pd.Timedelta("60D")
WATCHED_KEYWORDS_SQL = """
    SELECT DISTINCT lower(trim(target)) FROM alert_subscriptions
    WHERE what = 'keyword' AND NOT paused AND coalesce(trim(target), '') <> ''
"""
# Whole words only: a keyword never matches inside a longer word (RE2's \pL is any letter).
KEYWORD_COUNTS_SQL = f"""
    SELECT date_trunc('hour', {_TIME}) AS hour, ? AS key, count(*)::INTEGER AS n FROM documents d
    WHERE (?::TIMESTAMPTZ IS NULL OR {_TIME} >= ?::TIMESTAMPTZ)
      AND regexp_matches(lower(coalesce(d.title, '') || ' ' || coalesce(d.text, '')), ?)
    GROUP BY ALL
"""


def keyword_pattern(keyword: str) -> str:
    """RE2 pattern of a keyword as whole words, for DuckDB's regexp_matches."""
    escaped = "".join(c if c.isalnum() or c == " " else "\\" + c for c in keyword.lower())
    return f"(^|[^\\pL\\pN]){escaped}([^\\pL\\pN]|$)"


def score_entity_spikes(con: Any, since: datetime | None) -> pd.DataFrame:
    """Spikes of the place, agency, legal-reference and watched-keyword series (rows of series_spikes) from
    `since` on, scored on the 60 days before it and after (everything when `since` is None)."""
    history = pd.Timestamp(since) - SERIES_HISTORY if since is not None else None
    members = con.execute(MEMBER_KEYS_SQL, [history, history]).df()
    if members.empty:
        return pd.DataFrame(columns=SPIKE_COLUMNS)
    # Every series spans the whole stream: a key first named today has a quiet past, not none.
    hours = pd.to_datetime(members["hour"], utc=True)
    span = (hours.min(), hours.max())
    frames = []
    start = pd.Timestamp(since) if since is not None else None
    for kind, column in (("place", "places"), ("entity", "agencies"), ("legal_ref", "legal_refs")):
        frames.append(score_keyed(keyed_counts(members["hour"], members[column]), kind, start, span=span))
    keywords = [r[0] for r in con.execute(WATCHED_KEYWORDS_SQL).fetchall()]
    counts = [con.execute(KEYWORD_COUNTS_SQL, [k, history, history, keyword_pattern(k)]).df() for k in keywords]
    if counts:
        frames.append(score_keyed(pd.concat(counts, ignore_index=True), "keyword", start, min_total=1, span=span))
    frames = [f for f in frames if not f.empty]
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=SPIKE_COLUMNS)


def replace_series_spikes(con: Any, spikes: pd.DataFrame, since: datetime | None) -> int:
    """Replace the stored series spikes from `since` on (all of them when None) in one transaction."""
    with staged(con, "incoming_series_spikes", spikes[SPIKE_COLUMNS]):
        if since is None:
            con.execute("DELETE FROM series_spikes")
        else:
            con.execute("DELETE FROM series_spikes WHERE hour >= ?", [pd.Timestamp(since).floor("h")])
        con.execute(f"INSERT OR REPLACE INTO series_spikes ({', '.join(SPIKE_COLUMNS)}) "
                    f"SELECT {', '.join(SPIKE_COLUMNS)} FROM incoming_series_spikes")
    return len(spikes)


class AnnotatorLike(Protocol):
    """What `process` needs of an annotator (nlp.annotate.Annotator in production)."""

    model_version: str

    def annotate(self, texts: list[str], progress: Callable[[int], None] | None = None) -> list[dict[str, Any]]:
        """One annotation dict per text."""
        ...


@dataclass
class ProcessReport:
    """What a process run did."""

    annotated: int = 0
    seconds_annotating: float = 0.0
    aggregate_rows: int = 0
    spike_rows: int = 0
    series_spike_rows: int = 0
    alerts: int = 0
    indexed: int = 0
    narrated: int = 0
    narratives_opened: int = 0
    narratives_merged: int = 0
    narratives_split: int = 0
    forecasts: int = 0
    seconds_narratives: float = 0.0
    seconds_spikes: float = 0.0

    @property
    def docs_per_second(self) -> float:
        """Annotation throughput."""
        return self.annotated / self.seconds_annotating if self.seconds_annotating else 0.0


def document_text(title: str, text: str) -> str:
    """The text a document is annotated on: its title, then its body or summary."""
    title, text = title.strip(), text.strip()
    if title and text and not title.endswith((".", "!", "?", ":")):
        return f"{title}. {text}"
    return f"{title} {text}".strip()


def annotation_frame(ids: list[str], annotations: list[dict[str, Any]], model_version: str) -> pd.DataFrame:
    """Shape annotator output as rows of the `annotations` table."""
    frame = pd.DataFrame(annotations)
    frame.insert(0, "document_id", ids)
    frame["model_version"] = model_version
    return frame[ANNOTATION_COLUMNS]


def hourly_topic_counts(con: Any) -> pd.DataFrame:
    """Hourly document counts per topic over all source kinds and sentiments."""
    return con.execute(
        "SELECT hour, topic, sum(n_documents)::INTEGER AS n FROM hourly_aggregates GROUP BY ALL ORDER BY hour"
    ).df()


def score_topic_spikes(counts: pd.DataFrame, since: datetime | None) -> pd.DataFrame:
    """Score every topic's hourly series (gaps filled with 0); keep rows from `since` on."""
    frames = []
    if counts.empty:
        return pd.DataFrame(columns=["hour", "topic", "n_documents", "expected", "score", "alert"])
    # Vietnam time, so the detector's hour-of-day and day-of-week seasons follow local days.
    counts["hour"] = pd.to_datetime(counts["hour"], utc=True).dt.tz_convert("Asia/Ho_Chi_Minh")
    full_index = pd.date_range(counts["hour"].min(), counts["hour"].max(), freq="h")
    for topic, group in counts.groupby("topic"):
        series = group.set_index("hour")["n"].reindex(full_index, fill_value=0).astype(float)
        scored = score_series(series)
        out = pd.DataFrame(
            {
                "hour": scored.index,
                "topic": topic,
                "n_documents": scored["value"].astype(int).to_numpy(),
                "expected": scored["expected"].astype(float).to_numpy(),
                "score": scored["score"].astype(float).to_numpy(),
                "alert": scored["alert"].astype(bool).to_numpy(),
            }
        )
        frames.append(out)
    result = pd.concat(frames, ignore_index=True)
    if since is not None:
        result = result[result["hour"] >= pd.Timestamp(since).floor("h")]
    return result


def process(
    db: Path,
    annotator: AnnotatorLike,
    *,
    batch_size: int = 2000,
    progress: Callable[[int, int], None] | None = None,
    lock_timeout: float = 60.0,
) -> ProcessReport:
    """Annotate every document without an annotation, then refresh aggregates and spikes.

    `progress(n, total)` is called as texts are annotated, with the number pending at the start.
    """
    report = ProcessReport()
    earliest: datetime | None = None
    with open_writer(db, timeout=lock_timeout) as con:
        taxonomy = pd.DataFrame([(t.slug, t.vi, t.en) for t in load_taxonomy()],
                                columns=["slug", "name_vi", "name_en"])
        upsert_topics(con, taxonomy)
        total = con.execute(
            "SELECT count(*) FROM documents d ANTI JOIN annotations a ON a.document_id = d.id"
        ).fetchone()[0]  # type: ignore[index]
    tick = (lambda n: progress(n, total)) if progress else None
    while True:
        # Fetch and write in short connections; annotate with none open, so readers get in.
        with open_writer(db, timeout=lock_timeout) as con:
            pending = con.execute(PENDING_SQL, [batch_size]).df()
        if pending.empty:
            break
        texts = [document_text(t, x) for t, x in zip(pending["title"], pending["text"], strict=True)]
        started = time.perf_counter()
        annotations = annotator.annotate(texts, progress=tick)
        report.seconds_annotating += time.perf_counter() - started
        frame = annotation_frame(pending["id"].tolist(), annotations, annotator.model_version)
        with open_writer(db, timeout=lock_timeout) as con:
            write_annotations(con, frame)
        report.annotated += len(frame)
        dated = pending["published_at"].dropna()
        if not dated.empty:
            first = dated.min().to_pydatetime()
            earliest = first if earliest is None else min(earliest, first)
    # Also places documents a crashed earlier run annotated but did not get to.
    started = time.perf_counter()
    narratives = update_narratives(db, lock_timeout=lock_timeout)
    report.narrated, report.narratives_opened = narratives.documents, narratives.opened
    report.narratives_merged, report.narratives_split = narratives.merged, narratives.split
    if narratives.documents:
        report.forecasts = store_forecasts(db, lock_timeout=lock_timeout)
    report.seconds_narratives = time.perf_counter() - started
    if report.annotated == 0:
        return report
    started = time.perf_counter()
    with open_writer(db, timeout=lock_timeout) as con:
        report.aggregate_rows = refresh_hourly_aggregates(con, since=earliest)
        spikes = score_topic_spikes(hourly_topic_counts(con), since=earliest)
        report.spike_rows = replace_topic_spikes(con, spikes)
        report.alerts = int(spikes["alert"].sum()) if not spikes.empty else 0
    with open_writer(db, timeout=lock_timeout) as con:
        series = score_entity_spikes(con, since=earliest)
        report.series_spike_rows = replace_series_spikes(con, series, since=earliest)
        report.alerts += int(series["alert"].sum()) if not series.empty else 0
    report.seconds_spikes = time.perf_counter() - started
    with open_writer(db, timeout=lock_timeout) as con:
        # The BM25 index is rebuilt whole, so only when enough new documents await it; search
        # still finds the rest through a plain scan until then.
        if index_is_stale(con):
            report.indexed = build_search_index(con)
    return report
