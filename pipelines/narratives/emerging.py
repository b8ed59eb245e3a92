"""Pure emerging(-negative) score of narratives at a time: growth x spread (x negativity), with an explanation."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from pipelines.narratives.forecast import forecast_counts, total_interval
from pipelines.narratives.summary import summarise

RESULT_COLUMNS = ["narrative_id", "label", "key_terms", "score", "negative_score", "growth", "negativity", "spread",
                  "recent", "expected", "sources", "kinds", "topics", "places", "agencies", "legal_refs", "first_seen",
                  "document_ids", "explanation", "forecast"]


@dataclass(frozen=True)
class EmergingConfig:
    """Windows and weights of the emerging score (durations as pandas strings)."""

    window: str = "24h"  # the recent window whose volume is tested
    lookback: str = "7D"  # the narrative's own past before the window
    crossover_bonus: float = 1.5  # press and social both carry it
    score_half: float = 6.0  # raw value that maps to score 0.5
    samples: int = 5

    def __post_init__(self) -> None:
        for name in ("window", "lookback"):
            if pd.Timedelta(getattr(self, name)) <= pd.Timedelta(0):
                raise ValueError(f"{name} must be a positive duration such as '24h', got {getattr(self, name)!r}")


def _bounded(raw: float, half: float) -> float:
    """Map a non-negative raw score to [0, 1), `half` to 0.5."""
    return raw / (raw + half) if raw > 0 else 0.0


def growth(recent: int, past: int, ratio: float, global_factor: float) -> tuple[float, float]:
    """Growth factor log2((recent + 1) / (expected + 1)) >= 0, and the expected recent count.

    expected is the narrative's own past rate scaled to the window (ratio = window / lookback)
    and to the overall volume change (global_factor), so a busy news day does not lift everyone.
    """
    expected = past * ratio * global_factor
    return max(math.log2((recent + 1.0) / (expected + 1.0)), 0.0), expected


def spread(sources: int, kinds: set[str], bonus: float) -> float:
    """1 + ln(distinct sources), times a bonus when both press and social (or comments) carry it."""
    crossover = "press" in kinds and bool(kinds & {"social", "comment"})
    return (1.0 + math.log(max(sources, 1))) * (bonus if crossover else 1.0)


def negativity(sentiments: pd.Series) -> float:
    """Share of negative documents, shrunk towards 0 by one pseudo-document (a single post is weak evidence)."""
    return float((sentiments == "negative").sum()) / (len(sentiments) + 1.0)


def hourly_volume(times: pd.Series, at: pd.Timestamp) -> pd.Series:
    """Hourly document counts from the first document's hour to the hour holding `at`, zeros included."""
    hours = pd.to_datetime(times).dt.floor("h")
    counts = hours.value_counts().sort_index().astype(float)
    end = at.tz_convert(counts.index.tz) if at.tzinfo is not None and counts.index.tz is not None else at
    return counts.reindex(pd.date_range(counts.index.min(), end.floor("h"), freq="h"), fill_value=0.0)


def forecast_of(times: pd.Series, at: pd.Timestamp, profile: np.ndarray | None) -> dict[str, Any]:
    """The next 24 h of a narrative's volume: expected total with an 80 % interval, and hour by hour."""
    hourly = forecast_counts(hourly_volume(times, at), profile)
    total, lower, upper = total_interval(hourly)
    return {"expected": round(total, 2), "lower": lower, "upper": upper, "coverage": 0.8,
            "hourly": [{"hour": h.isoformat(), "expected": float(e), "lower": int(lo), "upper": int(hi)}
                       for h, e, lo, hi in zip(hourly["hour"], hourly["expected"], hourly["lower"], hourly["upper"],
                                               strict=True)]}


def score_narratives(members: pd.DataFrame, at: pd.Timestamp, global_recent: int, global_past: int,
                     config: EmergingConfig = EmergingConfig(), *, negative: bool = False,  # noqa: B008
                     top: int = 20, profile: np.ndarray | None = None) -> pd.DataFrame:
    """Rank narratives with a member in the window ending at `at`; members only up to `at` are seen (causal).

    members: narrative_id, document_id, title, source, kind, time, sentiment, topic, places, legal_refs,
    key_terms, duplicate_of (agencies optional). global_recent / global_past: all documents in the window / the
    lookback. profile: the hour-of-day rhythm (24 factors) the volume forecast follows.
    """
    window, lookback = pd.Timedelta(config.window), pd.Timedelta(config.lookback)
    members = members[members["time"] <= at]
    start = at - window
    active = members.loc[members["time"] > start, "narrative_id"].unique()
    ratio = window / lookback
    global_factor = (global_recent + 1.0) / (global_past * ratio + 1.0)
    rows: list[dict[str, Any]] = []
    for nid, group in members[members["narrative_id"].isin(active)].groupby("narrative_id", sort=False):
        recent = group[group["time"] > start]
        past = int(((group["time"] > start - lookback) & (group["time"] <= start)).sum())
        g, expected = growth(len(recent), past, ratio, global_factor)
        s = spread(recent["source"].nunique(), set(recent["kind"]), config.crossover_bonus)
        neg = negativity(recent["sentiment"])
        raw = g * s * (neg if negative else 1.0)
        rows.append({"narrative_id": nid, "raw": raw, "growth": g, "spread": s, "negativity": neg,
                     "recent": len(recent), "past": past, "expected": expected})
    if not rows:
        return pd.DataFrame(columns=RESULT_COLUMNS)
    ranked = pd.DataFrame(rows).sort_values(["raw", "recent", "narrative_id"], ascending=[False, False, True])
    ranked = ranked[ranked["raw"] > 0].head(top)
    out = []
    for row in ranked.itertuples(index=False):
        group = members[members["narrative_id"] == row.narrative_id]
        summary = summarise(str(row.narrative_id), group.to_dict(orient="records"))
        recent = group[group["time"] > start].sort_values(["time", "document_id"])
        originals = recent[recent["duplicate_of"].isna()]
        samples = pd.concat([originals, recent[recent["duplicate_of"].notna()]])["document_id"].head(config.samples)
        kinds = sorted(set(recent["kind"]))
        explanation = (
            f"{row.recent} documents in {config.window} against {row.expected:.1f} expected "
            f"({row.past} in the {config.lookback} before, overall volume x{global_factor:.2f}); "
            f"{row.negativity:.0%} negative; {recent['source'].nunique()} sources ({', '.join(kinds)})"
        )
        out.append({
            "narrative_id": row.narrative_id, "label": summary["label"], "key_terms": summary["key_terms"],
            "score": round(_bounded(float(row.growth * row.spread), config.score_half), 4),
            "negative_score": round(_bounded(float(row.growth * row.spread * row.negativity), config.score_half), 4),
            "growth": round(float(row.growth), 3),
            "negativity": round(float(row.negativity), 3), "spread": round(float(row.spread), 3),
            "recent": int(row.recent), "expected": round(float(row.expected), 2),
            "sources": sorted(set(recent["source"])), "kinds": kinds, "topics": summary["topics"],
            "places": summary["places"], "agencies": summary["agencies"], "legal_refs": summary["legal_refs"],
            "first_seen": summary["first_seen"], "document_ids": samples.tolist(), "explanation": explanation,
            "forecast": forecast_of(group["time"], at, profile),
        })
    return pd.DataFrame(out, columns=RESULT_COLUMNS)
