"""Count-model tail probabilities over short windows, and the score derived from them."""

from __future__ import annotations

import numpy as np
from scipy import stats


def upper_tail(values: np.ndarray, expected: np.ndarray, alpha: np.ndarray) -> np.ndarray:
    """P(X >= value) for X negative-binomial with mean `expected` and variance mu + alpha*mu^2."""
    counts = np.floor(np.nan_to_num(values, nan=0.0) + 0.5)
    mu = np.maximum(expected, 1e-12)
    # alpha -> 0 is the Poisson limit; a tiny floor keeps the NB parameters finite.
    size = 1.0 / np.maximum(alpha, 1e-6)
    prob = size / (size + mu)
    p = stats.nbinom.sf(counts - 1.0, size, prob)
    p = np.where(counts <= 0, 1.0, p)
    return np.clip(np.asarray(p, dtype=float), 0.0, 1.0)


def _trailing_sum(a: np.ndarray, width: int) -> np.ndarray:
    """Sum of the last `width` entries up to and including each position (fewer at the start)."""
    c = np.concatenate([[0.0], np.cumsum(a)])
    lo = np.maximum(np.arange(1, len(a) + 1) - width, 0)
    return c[1:] - c[lo]


def window_tail(
    values: np.ndarray, expected: np.ndarray, alpha: np.ndarray, windows: tuple[int, ...]
) -> tuple[np.ndarray, np.ndarray]:
    """Smallest tail probability over trailing windows (Bonferroni-adjusted) and that window's total.

    A window's total is compared with the sum of its expected values; treating the steps as
    independent NB with the current alpha, the total has variance M + alpha * sum(mu^2), i.e. an NB
    with mean M and alpha * sum(mu^2) / M^2. Missing steps count neither value nor expectation.
    """
    observed = ~np.isnan(values)
    x = np.where(observed, values, 0.0)
    mu = np.where(observed, expected, 0.0)
    best_p = np.ones(len(values))
    best_total = np.zeros(len(values))
    for width in windows:
        total = _trailing_sum(x, width)
        mean = np.maximum(_trailing_sum(mu, width), 1e-12)
        alpha_w = alpha * _trailing_sum(mu * mu, width) / (mean * mean)
        p = upper_tail(total, mean, alpha_w)
        better = p < best_p
        best_p = np.where(better, p, best_p)
        best_total = np.where(better, total, best_total)
    best_p = np.minimum(best_p * len(windows), 1.0)
    best_p[~observed] = 1.0
    return best_p, best_total


def surprise_score(p_values: np.ndarray, scale: float) -> np.ndarray:
    """Map tail probabilities to [0, 1]: -log10(p) / scale, capped at 1 (p = 10^-scale scores 1)."""
    with np.errstate(divide="ignore"):
        surprise = -np.log10(np.maximum(p_values, 1e-300))
    return np.clip(surprise / scale, 0.0, 1.0) + 0.0  # + 0.0 turns -0.0 into 0.0
