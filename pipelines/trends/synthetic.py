"""Synthetic count series with known bursts, for tests and benchmarks (seeded, pure)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd


@dataclass(frozen=True)
class Burst:
    """An injected event: first step, length in steps, and extra counts expected at its peak."""

    start: int
    length: int
    peak: float


def seasonal_rate(
    index: pd.DatetimeIndex, base: float, daily: float = 0.6, weekly: float = 0.3
) -> np.ndarray:
    """Expected counts per step with a daytime peak and quieter weekends (wall-clock time of the index)."""
    hour = np.asarray(index.hour, dtype=float)
    day_shape = 1.0 + daily * np.sin(2 * np.pi * (hour - 9.0) / 24.0)
    weekend = np.asarray(index.day_of_week, dtype=float) >= 5
    return base * day_shape * np.where(weekend, 1.0 - weekly, 1.0)


def sample_counts(rate: np.ndarray, rng: np.random.Generator, alpha: float = 0.0) -> np.ndarray:
    """Poisson (alpha = 0) or negative-binomial counts with variance rate + alpha rate^2."""
    if alpha <= 0:
        return rng.poisson(rate).astype(float)
    gamma = rng.gamma(shape=1.0 / alpha, scale=alpha * rate)
    return rng.poisson(gamma).astype(float)


def burst_profile(length: int) -> np.ndarray:
    """Relative intensity over a burst: a fast rise to the peak, then a slower decay."""
    rise = max(1, length // 4)
    up = np.linspace(1.0 / rise, 1.0, rise)
    down = np.exp(-np.arange(1, length - rise + 1) * 2.5 / max(length - rise, 1))
    return np.concatenate([up, down])[:length]


def inject(counts: np.ndarray, bursts: list[Burst], rng: np.random.Generator) -> np.ndarray:
    """Counts plus Poisson extra counts drawn from each burst's profile."""
    out = counts.astype(float).copy()
    for b in bursts:
        end = min(b.start + b.length, len(out))
        extra = rng.poisson(b.peak * burst_profile(b.length)[: end - b.start])
        out[b.start:end] += extra
    return out


def spaced_starts(n: int, count: int, gap: int, first: int, rng: np.random.Generator) -> list[int]:
    """Up to `count` random start steps in [first, n - gap), at least `gap` steps apart."""
    # Slots of 1.5 gaps, each start jittered within the slot's first half gap: neighbours stay >= gap apart.
    width = gap + gap // 2
    slots = max((n - first - gap) // width, 0)
    chosen = sorted(rng.choice(slots, size=min(count, slots), replace=False)) if slots else []
    return [first + int(s) * width + int(rng.integers(0, max(gap // 2, 1))) for s in chosen]
