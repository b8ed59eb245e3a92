"""Do real events appear among the top 20 of `radar trends emerging` within 24 h of their onset?

Events are storms and floods of 2025 that we identified in ../shared/data/timeline and label here by
a keyword pattern and a search period. Onset: the first hour at which 5 items matching the pattern
were published within the trailing 24 h (the moment the press is clearly on the story). A
narrative *is* the event when at least half of its documents up to that hour match the pattern.

The warehouse is built the way `radar process` builds it: timeline items from 2025-08-07 to
2025-12-01 stored as documents, annotated by the shipped models, placed in narratives by
`update_narratives`. It is kept at --db and reused (every step is incremental).

Run: `.venv/bin/python -m bench.eval_emerging [--db PATH] [--json]` (needs ../shared; exits 0 with a
message when it is absent).
"""

from __future__ import annotations

import argparse
import gzip
import json
import re
import sys
import time
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import pandas as pd

from pipelines.narratives.emerging import EmergingConfig, score_narratives
from pipelines.narratives.step import update_narratives
from pipelines.process import annotation_frame, document_text
from warehouse.db import TIMEZONE, open_reader, open_writer
from warehouse.records import Document
from warehouse.write import write_annotations, write_documents

ROOT = Path(__file__).resolve().parents[1]
TIMELINE = Path("data/timeline/rss_timeline_2025_2026.jsonl.gz")
START, END = "2025-08-07", "2025-12-01"
TOP = 20
HORIZON = 24  # hours after onset


@dataclass(frozen=True)
class RealEvent:
    """A labelled real event: name, pattern on title + summary (lower case), period to look for its onset in."""

    name: str
    pattern: str
    since: str
    until: str


EVENTS = [
    RealEvent("Bão Kajiki (bão số 5)", r"kajiki|bão số 5\b", "2025-08-20", "2025-08-28"),
    RealEvent("Bão Ragasa (bão số 9)", r"ragasa|bão số 9\b", "2025-09-17", "2025-09-26"),
    RealEvent("Bão Bualoi (bão số 10)", r"bualoi|bão số 10\b", "2025-09-23", "2025-10-01"),
    RealEvent("Bão Matmo (bão số 11)", r"matmo|bão số 11\b", "2025-10-01", "2025-10-07"),
    RealEvent("Lũ lịch sử Huế - Đà Nẵng", r"(lũ|ngập).*(huế|đà nẵng)|(huế|đà nẵng).*(lũ|ngập)", "2025-10-24",
              "2025-10-31"),
    RealEvent("Bão Kalmaegi (bão số 13)", r"kalmaegi|bão số 13\b", "2025-11-01", "2025-11-08"),
    RealEvent("Lũ Khánh Hòa - Đắk Lắk - Gia Lai", r"(lũ|ngập).*(khánh hòa|đắk lắk|gia lai)|(khánh hòa|đắk lắk|gia lai)"
              r".*(lũ|ngập)", "2025-11-15", "2025-11-24"),
    RealEvent("Bão Koto (bão số 15)", r"koto|bão số 15\b", "2025-11-23", "2025-11-30"),
]


def load_items(shared: Path) -> list[dict[str, str]]:
    """Timeline items published in [START, END)."""
    out = []
    with gzip.open(shared / TIMELINE, "rt", encoding="utf-8") as fh:
        for line in fh:
            item = json.loads(line)
            if START <= item["published"][:10] < END:
                out.append(item)
    return out


def build(db: Path, items: list[dict[str, str]]) -> dict[str, float]:
    """Store, annotate and place the items (only what is not done yet); seconds per step."""
    from nlp.annotate import Annotator

    docs = [Document(url=i["link"], source=i["source"].split(" - ")[0], title=i["title"], text=i.get("summary") or "",
                     published_at=datetime.fromisoformat(i["published"]), extra={"category": i.get("category")})
            for i in items]
    seconds: dict[str, float] = {}
    started = time.perf_counter()
    with open_writer(db) as con:
        write_documents(con, docs)
        pending = con.execute("SELECT d.id, coalesce(d.title, ''), coalesce(d.text, '') FROM documents d "
                              "ANTI JOIN annotations a ON a.document_id = d.id").fetchall()
    seconds["store"] = time.perf_counter() - started
    started = time.perf_counter()
    if pending:
        annotator = Annotator.load()
        for lo in range(0, len(pending), 5000):
            chunk = pending[lo : lo + 5000]
            notes = annotator.annotate([document_text(t, x) for _, t, x in chunk])
            with open_writer(db) as con:
                write_annotations(con, annotation_frame([r[0] for r in chunk], notes, annotator.model_version))
    seconds["annotate"] = time.perf_counter() - started
    started = time.perf_counter()
    report = update_narratives(db)
    seconds["narratives"] = time.perf_counter() - started
    seconds["documents_placed"] = report.documents
    return seconds


def onset(items: list[dict[str, str]], event: RealEvent, need: int = 5) -> pd.Timestamp | None:
    """First time at which `need` matching items fell within the trailing 24 h, in the event's period."""
    pattern = re.compile(event.pattern)
    times = sorted(pd.Timestamp(i["published"]) for i in items
                   if event.since <= i["published"][:10] <= event.until
                   and pattern.search(f"{i['title']} {i.get('summary') or ''}".lower()))
    for k in range(need - 1, len(times)):
        if times[k] - times[k - need + 1] <= pd.Timedelta("24h"):
            return times[k]
    return None


def is_event(db: Path, narrative_ids: list[str], at: pd.Timestamp, pattern: re.Pattern[str]) -> list[bool]:
    """Whether each narrative is the event: half its documents up to `at` match the pattern."""
    with open_reader(db) as con:
        rows = con.execute(
            "SELECT m.narrative_id, lower(coalesce(d.title, '') || ' ' || coalesce(d.text, '')) "
            "FROM narrative_members m JOIN documents d ON d.id = m.document_id "
            "WHERE m.narrative_id IN (SELECT unnest(?)) "
            "AND d.published_at <= ?::TIMESTAMPTZ", [narrative_ids, at]).fetchall()
    hits: dict[str, list[bool]] = {}
    for nid, text in rows:
        hits.setdefault(nid, []).append(bool(pattern.search(text)))
    return [bool(hits.get(n)) and sum(hits[n]) * 2 >= len(hits[n]) for n in narrative_ids]


def _members(db: Path, since: pd.Timestamp, until: pd.Timestamp) -> tuple[pd.DataFrame, pd.Series]:
    """Narrative members published in (since, until] and every document time there (one read)."""
    with open_reader(db) as con:
        members = con.execute(
            "SELECT m.narrative_id, d.id AS document_id, d.title, d.source, d.kind, d.published_at AS time, "
            "a.sentiment, a.topic, m.places, m.legal_refs, m.key_terms, m.duplicate_of "
            "FROM narrative_members m JOIN documents d ON d.id = m.document_id "
            "LEFT JOIN annotations a ON a.document_id = d.id "
            "WHERE d.published_at > ?::TIMESTAMPTZ AND d.published_at <= ?::TIMESTAMPTZ", [since, until]).df()
        times = con.execute("SELECT published_at FROM documents WHERE published_at > ?::TIMESTAMPTZ "
                            "AND published_at <= ?::TIMESTAMPTZ", [since, until]).df()["published_at"]
    members["time"] = pd.to_datetime(members["time"], utc=True).dt.tz_convert(TIMEZONE)
    return members, pd.to_datetime(times, utc=True).dt.tz_convert(TIMEZONE)


def evaluate(db: Path, items: list[dict[str, str]], negative: bool) -> list[dict[str, object]]:
    """For each event: onset, the first hour it is in the top 20 (or None), its rank and label then.

    The ranking is `radar trends emerging`'s (score_narratives on the same members query), run
    hour by hour on one read of the event's period instead of one warehouse read per hour.
    """
    config = EmergingConfig()
    window, lookback = pd.Timedelta(config.window), pd.Timedelta(config.lookback)
    rows = []
    for event in EVENTS:
        start = onset(items, event)
        found: dict[str, object] = {"event": event.name, "onset": start.isoformat() if start else None,
                                    "delay_h": None, "rank": None, "label": None}
        if start is not None:
            pattern = re.compile(event.pattern)
            first = start.ceil("h")
            members, times = _members(db, first - window - lookback, first + pd.Timedelta(hours=HORIZON))
            for hour in range(HORIZON + 1):
                at = first + pd.Timedelta(hours=hour)
                if at - start > pd.Timedelta(hours=HORIZON):
                    break  # strictly within 24 h of the onset
                recent = int(((times > at - window) & (times <= at)).sum())
                past = int(((times > at - window - lookback) & (times <= at - window)).sum())
                ranked = score_narratives(members, at, recent, past, config, negative=negative, top=TOP)
                if ranked.empty:
                    continue
                flags = is_event(db, ranked["narrative_id"].tolist(), at, pattern)
                if any(flags):
                    k = flags.index(True)
                    found.update(delay_h=round((at - start).total_seconds() / 3600, 1), rank=k + 1,
                                 label=str(ranked["label"].iloc[k]))
                    break
        rows.append(found)
    return rows


WATCHED_KEYWORDS = ("bão", "giá vàng", "học phí", "sáp nhập")


def alert_volume(db: Path, weeks: int = 2, step: str = "2h") -> pd.DataFrame:
    """Alerts each subscription would have received over the last `weeks` of a processed warehouse.

    One subscription per topic, per place and agency that has a stored series spike, per watched
    keyword, and one unfiltered emerging-negative subscription, all at the default sensitivity, cooldown
    and immediate mode; detection every `step` (spikes stay fresh 3 h, so none is skipped), planned with
    the same cooldowns as `radar run`. Returns subscription, what, target, alerts, alerts_per_week, titles.
    """
    from pipelines.alerts.events import detect_events
    from pipelines.alerts.model import Subscription
    from pipelines.alerts.plan import cooldown_target, plan
    from pipelines.narratives.query import newest_time
    from pipelines.process import replace_series_spikes, score_entity_spikes

    with open_writer(db) as con:
        con.execute("DELETE FROM alert_subscriptions WHERE id LIKE 'volume:%'")
        for k in WATCHED_KEYWORDS:
            con.execute("INSERT INTO alert_subscriptions (id, who, what, target, sensitivity, channels, mode, "
                        "cooldown_hours) VALUES (?, 'eval', 'keyword', ?, 0.5, ['json://h/x'], 'immediate', 12)",
                        [f"volume:{k}", k])
        replace_series_spikes(con, score_entity_spikes(con, None), None)
        topics = [r[0] for r in con.execute("SELECT slug FROM topics").fetchall()]
        keyed = con.execute("SELECT DISTINCT kind, key FROM series_spikes WHERE alert").fetchall()
    subs = [Subscription(id="neg", who="eval", what="emerging_negative", target=None, channels=("json://h/x",))]
    subs += [Subscription(id=f"topic:{t}", who="eval", what="topic", target=t, channels=("json://h/x",))
             for t in topics]
    subs += [Subscription(id=f"{kind}:{key}", who="eval", what=kind, target=key, channels=("json://h/x",))
             for kind, key in keyed if kind in ("place", "entity", "legal_ref", "keyword")]
    end = newest_time(db)
    if end is None:
        return pd.DataFrame()
    start = end - pd.Timedelta(days=7 * weeks)
    existing: set[str] = set()
    last: dict[tuple[str, str], datetime] = {}
    sent: dict[str, list[str]] = {s.id: [] for s in subs}
    for at in pd.date_range(start, end, freq=step):
        now = at.to_pydatetime()
        events = detect_events(db, at)
        targets = {e.id: cooldown_target(e) for e in events}
        result = plan(events, subs, {}, existing=existing, last_alerted=last, now=now)
        for row in result.outbox:
            if row["status"] == "pending":
                sent[row["subscription_id"]].append(f"{at:%m-%d %H:%M} {row['subject']}")
                last[(row["subscription_id"], targets[row["event_id"]])] = now
    return pd.DataFrame([{"subscription": s.id, "what": s.what, "target": s.target, "alerts": len(sent[s.id]),
                          "alerts_per_week": len(sent[s.id]) / weeks, "titles": sent[s.id]} for s in subs])


def main(argv: list[str] | None = None) -> int:
    """Build (or reuse) the warehouse, then report each event's detection."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path, default=ROOT.parent / "shared")
    parser.add_argument("--db", type=Path, default=Path("/tmp/radar-eval-emerging.duckdb"))
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--alert-volume", type=Path, default=None, metavar="DB",
                        help="instead: alerts per subscription per week at default sensitivity on a processed "
                             "warehouse (e.g. the demo's)")
    args = parser.parse_args(argv)
    if args.alert_volume is not None:
        volume = alert_volume(args.alert_volume)
        busy = volume[volume["alerts"] > 0].sort_values("alerts", ascending=False)
        print(f"{len(volume)} subscriptions, {int(volume['alerts'].sum())} alerts in 2 weeks; "
              f"max {volume['alerts_per_week'].max():.1f} a week, mean {volume['alerts_per_week'].mean():.2f}")
        for row in busy.itertuples(index=False):
            print(f"  {row.subscription:40} {row.alerts_per_week:4.1f}/week  " + " | ".join(row.titles)[:300])
        return 0
    if not (args.shared / TIMELINE).is_file():
        print(f"eval_emerging: {args.shared / TIMELINE} not found (../shared is absent); nothing to evaluate")
        return 0
    items = load_items(args.shared)
    seconds = build(args.db, items)
    print(f"warehouse {args.db}: {len(items)} items {START}..{END}; " +
          ", ".join(f"{k} {v:.0f}" for k, v in seconds.items()), file=sys.stderr)
    results = {mode: evaluate(args.db, items, negative=(mode == "negative")) for mode in ("emerging", "negative")}
    if args.json:
        print(json.dumps(results, ensure_ascii=False, indent=2))
        return 0
    for mode, rows in results.items():
        found = [r for r in rows if r["delay_h"] is not None]
        delays = sorted(float(r["delay_h"]) for r in found)  # type: ignore[arg-type]
        median = delays[len(delays) // 2] if delays else float("nan")
        print(f"\n{mode}: {len(found)}/{len(rows)} events in the top {TOP} within {HORIZON} h of onset; "
              f"median delay {median:.1f} h")
        print(f"{'event':36} {'onset':26} {'delay h':>7} {'rank':>4}  label")
        for r in rows:
            delay = "-" if r["delay_h"] is None else f"{r['delay_h']}"
            print(f"{r['event']:36} {str(r['onset']):26} {delay:>7} {str(r['rank'] or '-'):>4}  {r['label'] or ''}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
