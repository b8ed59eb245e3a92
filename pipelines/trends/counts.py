"""Regular count series from timestamped items: what the detector scores."""

from __future__ import annotations

import pandas as pd


def hourly_counts(
    stamps: pd.Series, keys: pd.Series, freq: str = "h", tz: str = "Asia/Ho_Chi_Minh"
) -> dict[str, pd.Series]:
    """Items per key and period, zero-filled from each key's first to its last item (local time)."""
    local = pd.to_datetime(stamps, utc=True, format="ISO8601").dt.tz_convert(tz)
    frame = pd.DataFrame({"key": keys.to_numpy(), "period": local.dt.floor(freq).to_numpy()}).dropna()
    out = {}
    for key, group in frame.groupby("key"):
        counts = group.groupby("period").size().astype(float)
        grid = pd.date_range(counts.index.min(), counts.index.max(), freq=freq)
        out[str(key)] = counts.reindex(grid, fill_value=0.0)
    return out
