"""Burst detector on the real press timeline (../shared): a sane alert rate on per-category hourly counts."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from pipelines.trends.counts import hourly_counts
from pipelines.trends.detector import score_series

pytestmark = pytest.mark.shared


def test_real_category_series_raise_few_alerts(shared_dir: Path) -> None:
    path = shared_dir / "data" / "timeline" / "rss_timeline_2025_2026.jsonl.gz"
    if not path.is_file():
        pytest.skip(f"{path} not found")
    frame = pd.read_json(path, lines=True, dtype=False)[["category", "published"]]
    series = hourly_counts(frame["published"], frame["category"])
    assert len(series) >= 3
    total_alerts = total_weeks = 0.0
    for category, counts in series.items():
        out = score_series(counts)
        weeks = len(counts) / (24 * 7)
        rate = out["alert"].sum() / weeks
        # Real news does spike, so some alerts are right; an alert storm is not.
        assert rate <= 0.5, f"{category}: {rate:.2f} alerts a week"
        total_alerts += out["alert"].sum()
        total_weeks += weeks
        # Every alert stands on a value above its baseline (no alert on a quiet hour).
        alerts = out[out["alert"]]
        assert (alerts["value"] > alerts["expected"]).all()
    assert total_alerts / total_weeks <= 0.25
