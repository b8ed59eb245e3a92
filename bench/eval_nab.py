"""Numenta Anomaly Benchmark (NAB) standard-profile score of `radar trends score`'s detector.

Give it a NAB checkout (data/<category>/<name>.csv with `timestamp,value`, and
labels/combined_windows.json); the corpus cannot be downloaded here, so without one it says so and
exits 2. Every series goes through the code path of `radar trends score` (read_series, the grid
check, score_series); its debounced alerts are the detections NAB scores.

NAB's published scoring, implemented here from its description (Lavin & Ahmad 2015, and the NAB
README / whitepaper):
- the first 15 % of each file (at most 750 rows) is probationary: not scored, free for learning;
- a detection inside a labelled window scores A_TP * S(y) / S(-1) with y = -(right - i + 1) / width
  (y = -1 at the window's left edge) and S(y) = 2 / (1 + e^(5y)) - 1 (S = -1 once y >= 3);
  only a window's best detection counts, and a window without one costs -A_FN;
- a detection outside every window scores A_FP * S(y) with y its distance past the end of the
  previous window, in units of that window's width minus one (before any window: S = -1);
- the raw score is normalised against the null detector (no detections: -A_FN per window) and the
  perfect one (a detection at every window's left edge: +A_TP per window): 100 (raw - null) / (perfect - null);
- the threshold is the one that maximises the corpus score (NAB optimises it over the corpus too).
Standard profile: A_TP = 1, A_FP = 0.11, A_FN = 1.

Run: `make eval-nab NAB_DIR=/path/to/NAB` or `.venv/bin/python -m bench.eval_nab --nab-dir DIR [--json]`.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
from pandas.tseries.frequencies import to_offset

from pipelines.cli_trends import read_series
from pipelines.trends.detector import DetectorConfig, score_series
from pipelines.trends.grid import infer_step, regular_grid

PROBATION = 0.15
PROBATION_CAP = 750  # rows: 15 % of 5000
THRESHOLDS = tuple(round(t, 3) for t in np.arange(0.1, 1.0001, 0.05))


@dataclass(frozen=True)
class Profile:
    """NAB application profile: weights of true positives, false positives and false negatives."""

    a_tp: float = 1.0
    a_fp: float = 0.11
    a_fn: float = 1.0


STANDARD = Profile()


def scaled_sigmoid(y: float) -> float:
    """NAB's S(y) = 2 / (1 + e^(5y)) - 1, and -1 from y = 3 on (a detection far past a window)."""
    return -1.0 if y >= 3.0 else 2.0 / (1.0 + math.exp(5.0 * y)) - 1.0


def probation_length(n: int) -> int:
    """Rows at the start of a file that are not scored."""
    return int(min(math.floor(PROBATION * n), PROBATION_CAP))


@dataclass(frozen=True)
class Prepared:
    """One file ready for scoring: each row's sweep score, its window (-1 outside), which rows count."""

    sweep: np.ndarray
    window: np.ndarray
    scored: np.ndarray
    n_windows: int  # windows with at least one scored row


def prepare(n: int, windows: list[tuple[int, int]], profile: Profile = STANDARD) -> Prepared:
    """Sweep scores of every row of a file of n rows with windows given as inclusive row ranges, in order."""
    sweep = np.zeros(n)
    window = np.full(n, -1, dtype=np.int64)
    top = scaled_sigmoid(-1.0)
    for k, (left, right) in enumerate(windows):
        width = right - left + 1
        for i in range(left, right + 1):
            sweep[i] = scaled_sigmoid(-(right - i + 1) / width) * profile.a_tp / top
            window[i] = k
    prev: tuple[int, int] | None = None
    spans = iter(windows)
    upcoming = next(spans, None)
    for i in range(n):
        while upcoming is not None and i > upcoming[1]:
            prev, upcoming = upcoming, next(spans, None)
        if window[i] >= 0:
            continue
        # Distance past the previous window in its (width - 1); before any window, "far": S = -1.
        y = 3.0 if prev is None else abs(prev[1] - i) / max(prev[1] - prev[0], 1)
        sweep[i] = scaled_sigmoid(y) * profile.a_fp
    scored = np.arange(n) >= probation_length(n)
    counted = {int(w) for w in window[scored] if w >= 0}
    return Prepared(sweep, window, scored, len(counted))


def file_score(prepared: Prepared, detections: np.ndarray, profile: Profile = STANDARD) -> tuple[float, int, int, int]:
    """Raw NAB score of a file's detections, and its true positives (windows hit), false positives, misses."""
    hits = detections & prepared.scored
    best: dict[int, float] = {}
    fp_score, fp = 0.0, 0
    for i in np.flatnonzero(hits).tolist():
        w = int(prepared.window[i])
        if w < 0:
            fp_score += float(prepared.sweep[i])
            fp += 1
        else:
            best[w] = max(best.get(w, -math.inf), float(prepared.sweep[i]))
    counted = {int(w) for w in prepared.window[prepared.scored] if w >= 0}
    tp = sum(1 for w in counted if w in best)
    missed = len(counted) - tp
    return sum(best[w] for w in counted if w in best) - profile.a_fn * missed + fp_score, tp, fp, missed


def normalised(raw: float, n_windows: int, profile: Profile = STANDARD) -> float:
    """100 (raw - null) / (perfect - null): the null detector scores 0, the perfect one 100."""
    null, perfect = -profile.a_fn * n_windows, profile.a_tp * n_windows
    return 100.0 * (raw - null) / (perfect - null) if perfect > null else 0.0


def window_rows(index: pd.DatetimeIndex, windows: list[list[str]]) -> list[tuple[int, int]]:
    """Inclusive row ranges of labelled windows (first row at or after the start, last at or before the end)."""
    out = []
    for start, end in windows:
        left = int(index.searchsorted(pd.Timestamp(start), side="left"))
        right = int(index.searchsorted(pd.Timestamp(end), side="right")) - 1
        if left <= right:
            out.append((left, right))
    return out


def on_grid(series: pd.Series) -> tuple[pd.Series, np.ndarray]:
    """The series on a regular grid (irregular files snapped to their usual step, values averaged per step),
    and each original row's grid position."""
    index = pd.DatetimeIndex(series.index)
    step = infer_step(index)
    try:
        regular_grid(index, step)
        return series, np.arange(len(series))
    except ValueError:
        gaps = pd.Series(index[1:] - index[:-1])
        step = to_offset(gaps.mode().iloc[0])
    snapped = index.floor(step)
    grid = pd.date_range(snapped[0], snapped[-1], freq=step)
    values = series.groupby(snapped).mean().reindex(grid)
    return values, grid.get_indexer(snapped)


def nab_config(n_rows: int, step: pd.Timedelta, threshold: float) -> DetectorConfig:
    """The detector as `radar trends score` runs it, with NAB's free probationary period as warm-up."""
    warmup = step * max(probation_length(n_rows), 1)
    return DetectorConfig(threshold=threshold, release=min(DetectorConfig().release, threshold), min_count=0.0,
                          warmup=f"{int(warmup.total_seconds())}s", gap_fill=None)


def detect(series: pd.Series, thresholds: tuple[float, ...]) -> dict[float, np.ndarray]:
    """Detections (alerts) on the original rows at each threshold."""
    values, position = on_grid(series)
    lowest = float(values.min())
    if lowest < 0:
        values = values - lowest  # the count model needs non-negative values
    step = pd.Timedelta(to_offset(infer_step(pd.DatetimeIndex(values.index))))
    # An alert on a grid step lands on the first original row of that step.
    first = pd.Series(np.arange(len(series))).groupby(position).first()
    out = {}
    for threshold in thresholds:
        alerts = score_series(values, nab_config(len(series), step, threshold))["alert"].to_numpy(dtype=bool)
        flags = np.zeros(len(series), dtype=bool)
        flags[first[first.index.isin(np.flatnonzero(alerts))].to_numpy()] = True
        out[threshold] = flags
    return out


def evaluate(nab_dir: Path, profile: Profile = STANDARD, thresholds: tuple[float, ...] = THRESHOLDS,
             progress: bool = True) -> dict[str, object]:
    """Score every file of the corpus at every threshold; report the best threshold's normalised score."""
    labels = json.loads((nab_dir / "labels" / "combined_windows.json").read_text(encoding="utf-8"))
    files = sorted(p for p in (nab_dir / "data").glob("*/*.csv"))
    totals: dict[float, list[float]] = {t: [0.0, 0.0, 0.0, 0.0] for t in thresholds}
    n_windows = 0
    per_file: dict[str, dict[float, float]] = {}
    started = time.perf_counter()
    for k, path in enumerate(files, start=1):
        key = f"{path.parent.name}/{path.name}"
        series = read_series(path)
        prepared = prepare(len(series), window_rows(pd.DatetimeIndex(series.index), labels.get(key, [])), profile)
        n_windows += prepared.n_windows
        per_file[key] = {}
        for t, flags in detect(series, thresholds).items():
            raw, tp, fp, fn = file_score(prepared, flags, profile)
            per_file[key][t] = raw
            acc = totals[t]
            acc[0] += raw
            acc[1] += tp
            acc[2] += fp
            acc[3] += fn
        if progress:
            print(f"\r[{k}/{len(files)}] {key[:60]:<60}", end="", file=sys.stderr, flush=True)
    if progress:
        print(file=sys.stderr)
    best = max(thresholds, key=lambda t: (totals[t][0], -t))
    raw = float(totals[best][0])
    tp, fp, fn = (int(v) for v in totals[best][1:])
    return {"files": len(files), "windows": n_windows, "threshold": best, "raw": round(raw, 3),
            "score": round(normalised(raw, n_windows, profile), 1), "tp": tp, "fp": fp, "fn": fn,
            "by_threshold": {str(t): round(normalised(v[0], n_windows, profile), 1) for t, v in totals.items()},
            "seconds": round(time.perf_counter() - started, 1)}


REFERENCE = [("Perfect", 100.0), ("ARTime", 74.9), ("HTM (Numenta)", 70.5), ("Skyline", 58.2),
             ("Twitter ADVec", 47.1), ("Windowed Gaussian", 39.6), ("Null", 0.0)]


def main(argv: list[str] | None = None) -> int:
    """CLI: the NAB standard-profile score of our detector, against the published scoreboard."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--nab-dir", type=Path, default=None, help="a NAB checkout (data/, labels/)")
    parser.add_argument("--json", action="store_true", help="print the result as JSON")
    args = parser.parse_args(argv)
    nab = args.nab_dir
    if nab is None or not (nab / "labels" / "combined_windows.json").is_file() or not (nab / "data").is_dir():
        print("eval-nab: cần thư mục NAB / needs a NAB checkout with data/ and labels/combined_windows.json: "
              "make eval-nab NAB_DIR=/path/to/NAB", file=sys.stderr)
        return 2
    result = evaluate(nab, STANDARD, THRESHOLDS, progress=not args.json)
    if args.json:
        print(json.dumps(result, ensure_ascii=False, indent=2))
        return 0
    print(f"NAB standard profile, {result['files']} files, {result['windows']} windows, "
          f"threshold {result['threshold']} (optimised on the corpus), {result['seconds']} s")
    rows = sorted([*REFERENCE, ("radar trends score", float(result["score"]))],  # type: ignore[arg-type]
                  key=lambda r: -r[1])
    for name, value in rows:
        print(f"  {name:<22} {value:6.1f}")
    print(f"  detections: {result['tp']} windows hit, {result['fp']} false positives, {result['fn']} missed")
    return 0

if __name__ == "__main__":
    sys.exit(main())
