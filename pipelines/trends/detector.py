"""Score a time series for bursts: seasonal count baseline, negative-binomial tail score, debounced alerts."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from pandas.tseries.frequencies import to_offset
from pandas.tseries.offsets import Tick

from pipelines.trends.baseline import BaselineParams, Season, fit_baseline
from pipelines.trends.debounce import debounce
from pipelines.trends.grid import check_index, infer_step, regular_grid
from pipelines.trends.tail import surprise_score, window_tail

COLUMNS = ["value", "expected", "score", "alert"]


@dataclass(frozen=True)
class DetectorConfig:
    """How sensitive the detector is and how fast its baseline adapts (durations as pandas strings)."""

    threshold: float = 0.5  # score for an alert; score = -log10(tail p) / score_scale
    release: float = 0.25  # an episode ends when the score falls below this
    min_count: float = 3.0  # no alert when the tested window holds fewer items, however surprising
    score_scale: float = 7.0
    cooldown: str = "12h"  # minimum time between two alerts of one series
    warmup: str = "7D"  # no alert before this much history
    fast_halflife: str = "1D"
    slow_halflife: str = "14D"
    season_halflife: str = "28D"
    dispersion_halflife: str = "28D"
    guard: str = "3h"  # a step's baseline ignores this much of the latest history (bursts' first hours)
    windows: tuple[int, ...] = (2, 3)  # trailing windows, in steps, whose totals are tested
    seasonal: bool = True
    freq: str | None = None  # the series' step; inferred from the index when None
    gap_fill: float | None = 0.0  # value for missing timestamps (0 for counts); None = unobserved

    def __post_init__(self) -> None:
        if not 0.0 < self.threshold <= 1.0:
            raise ValueError(f"threshold must be in (0, 1], got {self.threshold}")
        if not 0.0 <= self.release <= self.threshold:
            raise ValueError(f"release must be in [0, threshold], got {self.release}")
        if self.score_scale <= 0:
            raise ValueError(f"score_scale must be positive, got {self.score_scale}")
        if self.freq is not None:
            try:
                to_offset(self.freq)
            except ValueError:
                raise ValueError(f"freq must be a pandas frequency such as 'h', 'D' or 'MS', "
                                 f"got {self.freq!r}") from None
        if not self.windows or min(self.windows) < 1:
            raise ValueError(f"windows must be positive step counts, got {self.windows}")
        for name in ("cooldown", "warmup", "guard", "fast_halflife", "slow_halflife", "season_halflife",
                     "dispersion_halflife"):
            try:
                pd.Timedelta(getattr(self, name))
            except ValueError as exc:
                raise ValueError(f"{name} must be a duration such as '12h' or '7D': {exc}") from None


def _step_length(step: pd.DateOffset) -> pd.Timedelta:
    """Nominal length of a step (calendar offsets such as months by their average span)."""
    if isinstance(step, Tick):
        return pd.Timedelta(step)
    start = pd.Timestamp("2001-01-01")
    return (start + 12 * step - start) / 12


def _steps(duration: str, step_len: pd.Timedelta, floor: float) -> float:
    """A duration in steps, at least `floor`."""
    return max(pd.Timedelta(duration) / step_len, floor)


def _seasons(grid: pd.DatetimeIndex, step: pd.DateOffset, enabled: bool) -> list[Season]:
    """Hour-of-day and day-of-week cycles that the step can resolve (wall-clock time of the index)."""
    if not enabled or not isinstance(step, Tick):
        return []
    length = pd.Timedelta(step)
    day, week = pd.Timedelta("1D"), pd.Timedelta("7D")
    seasons = []
    if length < day:
        seasons.append(Season(np.asarray(grid.hour, dtype=np.int64), 24, max(round(day / length), 1)))
    if length < week:
        seasons.append(Season(np.asarray(grid.day_of_week, dtype=np.int64), 7, max(round(week / length), 1)))
    return seasons


def score_series(values: pd.Series, config: DetectorConfig = DetectorConfig()) -> pd.DataFrame:  # noqa: B008
    """Causal burst scores of a regular series: value, expected, score in [0, 1], alert."""
    index = check_index(values.index)
    out_index = index
    if len(index) == 0:
        empty = {c: np.empty(0) for c in COLUMNS[:3]} | {"alert": np.empty(0, dtype=bool)}
        return pd.DataFrame(empty, index=index)
    x = pd.to_numeric(values, errors="coerce").astype(float)
    if (x < 0).any():
        raise ValueError("values must be non-negative (counts or other non-negative measures)")
    if len(index) == 1:
        grid = index
        step = to_offset(config.freq or "1h")
    else:
        step = to_offset(config.freq) if config.freq else infer_step(index)
        grid = regular_grid(index, step)
    full = x.reindex(grid)
    if config.gap_fill is not None and len(grid) != len(index):
        missing = ~grid.isin(index)
        full[missing] = config.gap_fill
    arr = full.to_numpy(dtype=float)
    step_len = _step_length(step)
    params = BaselineParams(
        fast_halflife=_steps(config.fast_halflife, step_len, 2.0),
        slow_halflife=_steps(config.slow_halflife, step_len, 8.0),
        season_halflife=_steps(config.season_halflife, step_len, 8.0),
        dispersion_halflife=_steps(config.dispersion_halflife, step_len, 8.0),
        guard=int(_steps(config.guard, step_len, 0.0)),
    )
    expected, alpha = fit_baseline(arr, _seasons(grid, step, config.seasonal), params)
    p_values, evidence = window_tail(arr, expected, alpha, config.windows)
    scores = surprise_score(p_values, config.score_scale)
    warmup = int(np.ceil(_steps(config.warmup, step_len, 8.0)))
    scores[:warmup] = 0.0
    # A window still holds the last burst's counts for len(window) - 1 steps: no re-alert on them.
    cooldown = max(int(np.ceil(_steps(config.cooldown, step_len, 1.0))), max(config.windows))
    alerts = debounce(scores, arr, expected, evidence, config.threshold, config.release, config.min_count,
                      cooldown, warmup)
    frame = pd.DataFrame({"value": arr, "expected": expected, "score": scores, "alert": alerts}, index=grid)
    return frame.loc[out_index] if len(grid) != len(out_index) else frame
