"""Spikes of the count series beyond topics: per place, agency (entity), legal reference and keyword watch (pure)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import numpy as np
import pandas as pd

from pipelines.trends.detector import DetectorConfig, score_series

SERIES_KINDS = ("place", "entity", "legal_ref", "keyword")
SPIKE_COLUMNS = ["hour", "kind", "key", "n_documents", "expected", "score", "alert"]
LOCAL = "Asia/Ho_Chi_Minh"
KEEP_SCORE = 0.25  # quieter hours are not stored: the counts themselves are a query away
MIN_TOTAL = 5  # a key named fewer times in all is not worth a series


def _keys(value: Any) -> list[str]:
    return [str(v) for v in value] if value is not None and not isinstance(value, float | str) else []


def keyed_counts(hours: pd.Series, keys: Iterable[Any]) -> pd.DataFrame:
    """Hourly documents per key, from each document's hour and its list of keys: hour, key, n."""
    rows = [(h, k) for h, ks in zip(hours, keys, strict=True) for k in dict.fromkeys(_keys(ks))]
    if not rows:
        return pd.DataFrame(columns=["hour", "key", "n"])
    frame = pd.DataFrame(rows, columns=["hour", "key"])
    return frame.groupby(["hour", "key"]).size().rename("n").reset_index()


def score_keyed(counts: pd.DataFrame, kind: str, since: pd.Timestamp | None, *, min_total: int = MIN_TOTAL,
                span: tuple[pd.Timestamp, pd.Timestamp] | None = None,
                config: DetectorConfig = DetectorConfig()) -> pd.DataFrame:  # noqa: B008
    """Score every key's hourly series (zero-filled over `span`, by default the counts' own, in local time for
    the seasons); keep rows from `since` on that alert or score at least KEEP_SCORE."""
    if kind not in SERIES_KINDS:
        raise ValueError(f"kind must be one of {', '.join(SERIES_KINDS)}, not {kind!r}")
    if counts.empty:
        return pd.DataFrame(columns=SPIKE_COLUMNS)
    hours = pd.to_datetime(counts["hour"], utc=True).dt.tz_convert(LOCAL).dt.floor("h")
    counts = counts.assign(hour=hours)
    lo, hi = (hours.min(), hours.max()) if span is None else (
        min(pd.Timestamp(span[0]).tz_convert(LOCAL).floor("h"), hours.min()),
        max(pd.Timestamp(span[1]).tz_convert(LOCAL).floor("h"), hours.max()))
    grid = pd.date_range(lo, hi, freq="h")
    totals = counts.groupby("key")["n"].sum()
    frames = []
    for key, group in counts[counts["key"].isin(totals[totals >= min_total].index)].groupby("key"):
        series = group.groupby("hour")["n"].sum().reindex(grid, fill_value=0).astype(float)
        scored = score_series(series, config)
        keep = (scored["score"] >= KEEP_SCORE) | scored["alert"]
        if since is not None:
            keep &= scored.index >= pd.Timestamp(since).floor("h")
        kept = scored[keep]
        if kept.empty:
            continue
        frames.append(pd.DataFrame({
            "hour": kept.index, "kind": kind, "key": str(key),
            "n_documents": kept["value"].astype(int).to_numpy(),
            "expected": np.round(kept["expected"].to_numpy(dtype=float), 4),
            "score": np.round(kept["score"].to_numpy(dtype=float), 4),
            "alert": kept["alert"].to_numpy(dtype=bool),
        }))
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=SPIKE_COLUMNS)
