"""The trend benchmark's own arithmetic: bursts, matching of alerts to events, the naive baseline."""

from __future__ import annotations

import numpy as np

from bench.eval_trends import WEEK, Tally, make_bursts, naive_zscore


def test_tally_counts_recall_precision_delay_and_false_alerts() -> None:
    rng = np.random.default_rng(0)
    counts = rng.poisson(2.0, 20 * WEEK).astype(float)
    bursts, strengths = make_bursts(counts, rng, 8 * 24)
    assert len(bursts) >= 5 and all(b.start >= 3 * WEEK for b in bursts)
    gaps = np.diff([b.start for b in bursts])
    assert (gaps >= 8 * 24).all()
    alerts = np.zeros(len(counts), dtype=bool)
    for b in bursts[1:]:
        alerts[b.start + 1] = True  # every burst but the first, one hour late
    alerts[5] = True  # one false alert
    tally = Tally()
    tally.add(alerts, bursts, strengths, len(counts) / WEEK)
    summary = tally.summary()
    assert summary["recall"] == (len(bursts) - 1) / len(bursts)
    assert summary["precision"] == (len(bursts) - 1) / len(bursts)
    assert summary["delay_median_h"] == 1.0
    assert summary["false_alerts_per_series_week"] == 1 / 20


def test_naive_zscore_fires_on_a_spike_after_a_full_week() -> None:
    rng = np.random.default_rng(1)
    counts = rng.poisson(5.0, 3 * WEEK).astype(float)
    counts[WEEK - 1] = 100.0  # inside the first week: no history yet, no verdict
    counts[2 * WEEK] = 100.0
    alerts = naive_zscore(counts)
    assert alerts[2 * WEEK] and not alerts[WEEK - 1]
