"""Debounced alert decisions: one alert per burst, hysteresis and a cooldown."""

from __future__ import annotations

import numpy as np


def debounce(
    scores: np.ndarray,
    values: np.ndarray,
    expected: np.ndarray,
    evidence: np.ndarray,
    threshold: float,
    release: float,
    min_count: float,
    cooldown: int,
    warmup: int,
) -> np.ndarray:
    """Alert once an episode where the score crosses `threshold`, the window total >= min_count and
    the value exceeds its expectation.

    An episode ends when the value falls back to its expected level, or when the score has stayed
    below `release` for `cooldown` steps (a lasting shift the baseline has absorbed); a new alert
    also needs `cooldown` steps since the previous one, and none is raised in the first `warmup` steps.
    """
    n = len(scores)
    alerts = np.zeros(n, dtype=bool)
    in_episode = False
    quiet = 0
    last = -(10**12)
    score_list = scores.tolist()
    value_list = values.tolist()
    expected_list = expected.tolist()
    evidence_list = np.nan_to_num(evidence, nan=0.0).tolist()
    for i in range(warmup, n):
        s = score_list[i]
        if in_episode:
            quiet = quiet + 1 if s < release else 0
            # NaN compares False: a missing value neither ends nor extends the burst.
            if value_list[i] <= expected_list[i] or quiet >= cooldown:
                in_episode = False
        # The step itself must exceed its expectation: a window's excess may lie in earlier steps only.
        ready = not in_episode and i - last >= cooldown and value_list[i] > expected_list[i]
        if ready and s >= threshold and evidence_list[i] >= min_count:
            alerts[i] = True
            in_episode = True
            quiet = 0
            last = i
    return alerts
