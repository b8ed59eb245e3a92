"""Burst-detection benchmark: synthetic bursts injected into real per-category hourly counts.

Background: hourly item counts per `category` of ../shared/data/timeline (real VnExpress, Thanh Niên
and Tuổi Trẻ items, zero-filled). Into each series, bursts are injected at random times, at least
`--spacing` days apart and after three weeks of history: Poisson extra counts with a fast rise and a
slower decay, whose peak is `strength` x max(sqrt(level), 1) extra items an hour, `level` being the
series' mean over the week before the burst (so a burst is measured in units of the noise).

An event is detected when an alert falls inside it; its delay is the hours from its start to that
alert. Alerts outside every injected burst count as false (some are real news spikes: the same
background is given to every method). Compared in the same run with a naive detector: a z-score of
each hour against the mean and standard deviation of the previous week, alerting whenever z >= 3,
and the same naive detector with z raised until it alerts no more often than the detector on the
clean (uninjected) backgrounds.

Run: `.venv/bin/python -m bench.eval_trends [--seeds 5] [--json]` (needs ../shared; exits 0 with a
message when it is absent).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from pipelines.trends.counts import hourly_counts
from pipelines.trends.detector import DetectorConfig, score_series
from pipelines.trends.synthetic import Burst, inject, spaced_starts

ROOT = Path(__file__).resolve().parents[1]
TIMELINE = Path("data/timeline/rss_timeline_2025_2026.jsonl.gz")
WEEK = 24 * 7
STRENGTHS = (2.0, 4.0, 8.0)
LENGTHS = (3, 6, 12)
Z_GRID = tuple(float(z) for z in np.arange(3.0, 30.01, 0.25))


def category_counts(path: Path) -> dict[str, pd.Series]:
    """Hourly item counts per category of the timeline file, zero-filled, in Vietnamese time."""
    frame = pd.read_json(path, lines=True, dtype=False)[["category", "published"]]
    return hourly_counts(frame["published"], frame["category"])


def naive_zscore(values: np.ndarray, window: int = WEEK, z: float = 3.0) -> np.ndarray:
    """Alert wherever the value is z standard deviations above the previous `window` steps' mean."""
    past = pd.Series(values).shift(1).rolling(window, min_periods=window)
    mean = past.mean().to_numpy()
    std = np.maximum(past.std().to_numpy(), 0.5)  # a floor: an all-zero week has no spread at all
    with np.errstate(invalid="ignore"):
        return np.nan_to_num((values - mean) / std, nan=0.0) >= z


@dataclass
class Tally:
    """Events, detections, delays and alerts of one method."""

    events: int = 0
    detected: int = 0
    delays: list[int] = field(default_factory=list)
    alerts: int = 0
    true_alerts: int = 0
    false_alerts: int = 0
    weeks: float = 0.0
    by_strength: dict[float, list[int]] = field(default_factory=dict)

    def add(self, alerts: np.ndarray, bursts: list[Burst], strengths: list[float], weeks: float) -> None:
        """Score one series' alerts against its injected bursts."""
        inside = np.zeros(len(alerts), dtype=bool)
        for burst, strength in zip(bursts, strengths, strict=True):
            inside[burst.start: burst.start + burst.length] = True
            hits = np.flatnonzero(alerts[burst.start: burst.start + burst.length])
            self.events += 1
            counts = self.by_strength.setdefault(strength, [0, 0])
            counts[0] += 1
            if len(hits):
                self.detected += 1
                counts[1] += 1
                self.delays.append(int(hits[0]))
        self.alerts += int(alerts.sum())
        self.true_alerts += int((alerts & inside).sum())
        self.false_alerts += int((alerts & ~inside).sum())
        self.weeks += weeks

    def summary(self) -> dict[str, float]:
        """Recall, precision, delays and false alerts a series-week."""
        delays = np.asarray(self.delays, dtype=float)
        out = {
            "events": self.events,
            "recall": self.detected / max(self.events, 1),
            "precision": self.true_alerts / max(self.alerts, 1),
            "delay_median_h": float(np.median(delays)) if len(delays) else float("nan"),
            "delay_p90_h": float(np.percentile(delays, 90)) if len(delays) else float("nan"),
            "false_alerts_per_series_week": self.false_alerts / max(self.weeks, 1e-9),
        }
        for strength, (n, hit) in sorted(self.by_strength.items()):
            out[f"recall_strength_{strength:g}"] = hit / max(n, 1)
        return out


def make_bursts(
    counts: np.ndarray, rng: np.random.Generator, spacing: int
) -> tuple[list[Burst], list[float]]:
    """Random bursts of random strength and length, spaced apart, after three weeks of history."""
    bursts, strengths = [], []
    for start in spaced_starts(len(counts) - 24, len(counts), spacing, 3 * WEEK, rng):
        strength = float(rng.choice(STRENGTHS))
        length = int(rng.choice(LENGTHS))
        level = float(counts[start - WEEK: start].mean())
        bursts.append(Burst(start, length, strength * max(np.sqrt(level), 1.0)))
        strengths.append(strength)
    return bursts, strengths


Method = Callable[[pd.Series], np.ndarray]


def matched_z(series: dict[str, pd.Series], target_rate: float) -> float:
    """The smallest z whose naive alerts on the clean backgrounds are no more frequent than target_rate."""
    weeks = sum(len(s) for s in series.values()) / WEEK
    for z in Z_GRID:
        if sum(int(naive_zscore(s.to_numpy(), z=z).sum()) for s in series.values()) / weeks <= target_rate:
            return z
    return Z_GRID[-1]


def evaluate(series: dict[str, pd.Series], seeds: int, spacing_days: int, config: DetectorConfig) -> dict:
    """Every method on every series and seed, plus each method's alert rate on the clean backgrounds."""
    weeks = sum(len(s) for s in series.values()) / WEEK
    clean_rate = sum(int(score_series(s, config)["alert"].sum()) for s in series.values()) / weeks
    z = matched_z(series, clean_rate)
    methods: dict[str, Method] = {
        "detector": lambda s: score_series(s, config)["alert"].to_numpy(),
        "naive z>=3": lambda s: naive_zscore(s.to_numpy()),
        f"naive z>={z:g} (same clean alert rate)": lambda s: naive_zscore(s.to_numpy(), z=z),
    }
    tallies = {name: Tally() for name in methods}
    clean = {name: sum(int(m(s).sum()) for s in series.values()) / weeks for name, m in methods.items()}
    seconds = 0.0
    for name, counts in series.items():
        values = counts.to_numpy()
        for seed in range(seeds):
            rng = np.random.default_rng([seed, sum(map(ord, name))])
            bursts, strengths = make_bursts(values, rng, spacing_days * 24)
            injected = pd.Series(inject(values, bursts, rng), index=counts.index)
            for method, run in methods.items():
                started = time.perf_counter()
                alerts = run(injected)
                if method == "detector":
                    seconds += time.perf_counter() - started
                tallies[method].add(alerts, bursts, strengths, len(values) / WEEK)
    return {
        "series": {name: {"hours": len(s), "mean_per_hour": round(float(s.mean()), 3)}
                   for name, s in series.items()},
        "methods": {name: t.summary() | {"clean_alerts_per_series_week": clean[name]}
                    for name, t in tallies.items()},
        "detector_seconds_per_10k_hours": seconds / max(sum(map(len, series.values())) * seeds, 1) * 1e4,
    }


def markdown(result: dict) -> str:
    """The comparison as a Markdown table, one column a method."""
    methods = result["methods"]
    names = list(methods)
    lines = ["| metric | " + " | ".join(names) + " |", "|---" * (len(names) + 1) + "|"]
    for key in methods[names[0]]:
        cells = [f"{methods[n][key]:.3f}" if key != "events" else str(methods[n][key]) for n in names]
        lines.append(f"| {key} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark and print a table (or JSON)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--shared", type=Path, default=ROOT.parent / "shared")
    parser.add_argument("--seeds", type=int, default=5)
    parser.add_argument("--spacing", type=int, default=8, help="days between injected bursts")
    parser.add_argument("--threshold", type=float, default=DetectorConfig().threshold)
    parser.add_argument("--windows", default=",".join(map(str, DetectorConfig().windows)),
                        help="trailing windows in hours, comma-separated")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    path = args.shared / TIMELINE
    if not path.is_file():
        print(f"eval_trends: {path} not found (a fresh clone has no ../shared); nothing to do")
        return 0
    windows = tuple(int(w) for w in args.windows.split(","))
    config = DetectorConfig(threshold=args.threshold, release=min(DetectorConfig().release, args.threshold),
                            windows=windows)
    result = evaluate(category_counts(path), args.seeds, args.spacing, config)
    if args.json:
        print(json.dumps(result, indent=2))
    else:
        for name, info in result["series"].items():
            print(f"- {name}: {info['hours']} hours, {info['mean_per_hour']} items/hour")
        print(markdown(result))
        print(f"detector time: {result['detector_seconds_per_10k_hours']:.3f} s per 10,000 hours")
    return 0


if __name__ == "__main__":
    sys.exit(main())
