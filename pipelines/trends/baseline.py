"""A causal, robust, seasonal baseline for counts: what each step is expected to hold, from the past only.

Model: expected = level x hour-of-day factor x day-of-week factor, with
- two levels (deseasonalised rates), exponentially weighted with a fast and a slow half-life; the
  expected value uses the larger, so a holiday lull (Tết) pulls the fast level down without making
  the return to normal look like a burst, while a lasting rise is absorbed by the fast level;
- seasonal factors as exponentially weighted ratios of sums (observed / expected-without-this-factor),
  shrunk towards 1 by a prior of a few counts so that sparse series do not learn noise;
- every update uses the value winsorised at expected + clip_sd standard deviations, so a burst
  barely moves the baseline it is measured against, except that an excess recurring one cycle
  later (the same hour the next day) teaches the seasonal factor unclipped, so a new schedule is learnt;
- a guard band: step t's expected value uses steps up to t - 1 - guard, so the first hours of a
  burst do not raise the baseline that its next hours are compared with;
- the negative-binomial overdispersion alpha (variance = mu + alpha mu^2) estimated by moments of
  tightly winsorised past residuals, exponentially weighted.
Row t's expected value and alpha are computed before row t is seen, so the baseline is causal.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class BaselineParams:
    """Half-lives and guard in steps, and the robustness constants of the baseline."""

    fast_halflife: float
    slow_halflife: float
    season_halflife: float
    dispersion_halflife: float
    guard: int = 0
    clip_sd: float = 3.0
    dispersion_clip_sd: float = 2.5
    season_prior: float = 2.0
    min_expected: float = 0.05
    alpha_prior: float = 0.2
    alpha_min: float = 0.01
    alpha_max: float = 3.0


@dataclass(frozen=True)
class Season:
    """One seasonal cycle: the slot of every step (0..n_slots-1) and the cycle's length in steps."""

    codes: np.ndarray
    n_slots: int
    period: int


def _decay(halflife_steps: float) -> float:
    """Per-step weight kept by an exponential average with this half-life."""
    return 0.5 ** (1.0 / max(halflife_steps, 1e-9))


def fit_baseline(
    values: np.ndarray, seasons: list[Season], params: BaselineParams
) -> tuple[np.ndarray, np.ndarray]:
    """Expected value and overdispersion alpha for every step, each from strictly earlier steps."""
    n = len(values)
    expected = [params.min_expected] * n
    alphas = [params.alpha_prior] * n
    levels = [math.nan] * n
    factors = [[1.0] * n for _ in seasons]  # factors[m][i]: season m's factor used at step i
    above = [False] * n  # whether each step's value exceeded its winsorising cap
    d_fast = _decay(params.fast_halflife)
    d_slow = _decay(params.slow_halflife)
    d_disp = _decay(params.dispersion_halflife)
    # A slot is seen once every n_slots steps on average, so its per-observation decay is steeper.
    d_seas = [_decay(params.season_halflife / s.n_slots) for s in seasons]
    codes = [s.codes.tolist() for s in seasons]
    periods = [s.period for s in seasons]
    num = [[0.0] * s.n_slots for s in seasons]
    den = [[0.0] * s.n_slots for s in seasons]
    k = params.season_prior
    f_num = f_den = s_num = s_den = 0.0
    r_num = r_den = 0.0
    xs = values.tolist()
    learnt = 0
    # The first days' residuals mostly measure the untrained baseline, so dispersion waits for them.
    dispersion_start = 2.0 * params.fast_halflife
    n_seasons = len(seasons)
    for i in range(n):
        j = i - 1 - params.guard
        x = xs[j] if j >= 0 else math.nan
        if x == x:  # step j is observed (NaN teaches nothing): fold it into the state
            mu_j, level_j = expected[j], levels[j]
            fac_j = [factors[m][j] for m in range(n_seasons)]
            if level_j == level_j:
                sd = math.sqrt(mu_j + alphas[j] * mu_j * mu_j)
                raw = x
                x = min(x, mu_j + params.clip_sd * sd)
                above[j] = raw > x
                if learnt >= dispersion_start:
                    # Moments of a tighter winsorised value: a burst must not teach that bursts are normal.
                    dev = min(abs(raw - mu_j), params.dispersion_clip_sd * sd)
                    r_num = d_disp * r_num + dev * dev - mu_j
                    r_den = d_disp * r_den + mu_j * mu_j
                season_j = math.prod(fac_j)
                for m in range(n_seasons):
                    slot = codes[m][j]
                    # An excess that recurs one cycle later (same hour yesterday) is a schedule, not
                    # a burst: the seasonal factor learns it unclipped.
                    back = j - periods[m]
                    teach = raw if above[j] and back >= 0 and above[back] else x
                    num[m][slot] = d_seas[m] * num[m][slot] + teach
                    den[m][slot] = d_seas[m] * den[m][slot] + max(level_j, 0.0) * season_j / fac_j[m]
            else:
                season_j = math.prod(fac_j)
            learnt += 1
            f_num = d_fast * f_num + x
            f_den = d_fast * f_den + season_j
            s_num = d_slow * s_num + x
            s_den = d_slow * s_den + season_j
        season_i = 1.0
        for m in range(n_seasons):
            slot = codes[m][i]
            factors[m][i] = (num[m][slot] + k) / (den[m][slot] + k)
            season_i *= factors[m][i]
        if f_den > 0.0:
            level = max(f_num / f_den, s_num / s_den)
            levels[i] = level
            expected[i] = max(level * season_i, params.min_expected)
        if r_den > 0.0:
            alphas[i] = min(max(r_num / r_den, params.alpha_min), params.alpha_max)
    return np.asarray(expected, dtype=float), np.asarray(alphas, dtype=float)
