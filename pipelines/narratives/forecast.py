"""Pure 24 h volume forecast of a narrative: damped-trend smoothing of hourly counts, negative-binomial intervals.

Counts are deseasonalised by an hour-of-day profile (the overall press rhythm: little at night),
smoothed exponentially at two speeds whose ratio is the trend, damped (a story's growth does not go
on for ever) and applied in log space (a fading one does not go below zero); the interval is the
negative-binomial quantile around each hour's expectation, with an overdispersion estimated from
the narrative's own one-step errors and widened with the horizon (the level itself is uncertain).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats

FORECAST_COLUMNS = ["hour", "expected", "lower", "upper", "alpha"]
# Measured on held-out real narratives (bench/eval_emerging.py --forecast): with this floor the 80 %
# interval of a day's total covers about 80 % of the real totals.
TOTAL_ALPHA_FLOOR = 0.1
FLOOR = 0.02  # expected documents an hour of a narrative still alive


@dataclass(frozen=True)
class ForecastConfig:
    """Smoothing constants, damping, interval coverage and horizon (hours)."""

    horizon: int = 24
    fast_halflife: float = 4.0  # hours: the current level
    slow_halflife: float = 16.0  # hours: the level the trend is measured against
    damping: float = 0.9  # per hour: a trend fades within the day
    coverage: float = 0.8  # central interval
    alpha_prior: float = 0.5  # overdispersion before the narrative's own errors say otherwise
    alpha_growth: float = 0.03  # extra overdispersion per hour ahead

    def __post_init__(self) -> None:
        if self.horizon < 1:
            raise ValueError(f"horizon must be at least 1 hour, got {self.horizon}")
        if not 0.0 < self.coverage < 1.0:
            raise ValueError(f"coverage must be in (0, 1), got {self.coverage}")
        if not 0.0 < self.damping < 1.0:
            raise ValueError(f"damping must be in (0, 1), got {self.damping}")
        if not 0.0 < self.fast_halflife < self.slow_halflife:
            raise ValueError("half-lives must be positive, the fast one shorter than the slow one")


def hour_profile(hours: pd.DatetimeIndex, counts: np.ndarray) -> np.ndarray:
    """Hour-of-day factors (mean 1) of a volume series, lightly shrunk towards flat."""
    sums = np.bincount(np.asarray(hours.hour), weights=counts, minlength=24)
    n = np.bincount(np.asarray(hours.hour), minlength=24)
    rate = (sums + 1.0) / (n + 1.0)
    return rate / rate.mean()


def nb_interval(mu: np.ndarray, alpha: np.ndarray, coverage: float) -> tuple[np.ndarray, np.ndarray]:
    """Central negative-binomial interval (variance mu + alpha mu^2) of each expectation."""
    mu = np.maximum(mu, 1e-9)
    size = 1.0 / np.maximum(alpha, 1e-6)
    prob = size / (size + mu)
    tail = (1.0 - coverage) / 2.0
    return stats.nbinom.ppf(tail, size, prob), stats.nbinom.ppf(1.0 - tail, size, prob)


def forecast_counts(counts: pd.Series, profile: np.ndarray | None = None,
                    config: ForecastConfig = ForecastConfig()) -> pd.DataFrame:  # noqa: B008
    """Next `horizon` hours after a regular hourly count series: hour, expected, lower, upper."""
    if len(counts) == 0:
        return pd.DataFrame(columns=FORECAST_COLUMNS)
    index = pd.DatetimeIndex(counts.index)
    season = profile if profile is not None else np.ones(24)
    x = counts.to_numpy(dtype=float)
    s = np.maximum(season[np.asarray(index.hour)], 0.05)
    y = x / s
    fast, slow = 0.5 ** (1.0 / config.fast_halflife), 0.5 ** (1.0 / config.slow_halflife)
    short = long = y[0]
    err_num = err_den = 0.0
    for t in range(1, len(x)):
        mu = max(short * s[t], 1e-3)
        err_num += (x[t] - mu) ** 2 - mu
        err_den += mu * mu
        short = fast * short + (1 - fast) * y[t]
        long = slow * long + (1 - slow) * y[t]
    # Growth per hour from the short against the long average (centres about a half-life apart),
    # damped so that it fades within the day; in log space, so a fading story stays above zero.
    rate = np.log((short + FLOOR) / (long + FLOOR)) / max(config.slow_halflife - config.fast_halflife, 1.0)
    steps = np.arange(1, config.horizon + 1)
    growth = np.exp(rate * np.cumsum(config.damping ** steps))
    future = pd.date_range(index[-1] + pd.Timedelta("1h"), periods=config.horizon, freq="h")
    expected = np.maximum(short * growth, FLOOR) * np.maximum(season[np.asarray(future.hour)], 0.05)
    # Moments of the one-step errors, shrunk towards the prior by a few hours' worth of evidence.
    own = err_num / err_den if err_den > 0 else config.alpha_prior
    alpha0 = max((own * err_den + config.alpha_prior * 4.0) / (err_den + 4.0), 0.05)
    alphas = alpha0 + config.alpha_growth * steps
    lower, upper = nb_interval(expected, alphas, config.coverage)
    return pd.DataFrame({"hour": future, "expected": np.round(expected, 3), "lower": lower.astype(int),
                         "upper": upper.astype(int), "alpha": np.round(alphas, 4)})


def total_interval(forecast: pd.DataFrame, coverage: float = 0.8,
                   alpha_floor: float = TOTAL_ALPHA_FLOOR) -> tuple[float, int, int]:
    """Expected total over the forecast hours and a central interval for it.

    The hours' extra-Poisson parts come from one uncertain level, so they add up fully correlated:
    variance = sum(mu) + (sum(sqrt(alpha) mu))^2, matched to one negative binomial whose overdispersion
    is at least `alpha_floor` (whether a story lives on tomorrow is itself uncertain).
    """
    mu = forecast["expected"].to_numpy(dtype=float)
    total = float(mu.sum())
    if total <= 0:
        return 0.0, 0, 0
    extra = float((np.sqrt(forecast["alpha"].to_numpy(dtype=float)) * mu).sum()) ** 2
    lower, upper = nb_interval(np.array([total]), np.array([max(extra / total**2, alpha_floor)]), coverage)
    return total, int(lower[0]), int(upper[0])
