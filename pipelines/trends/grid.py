"""Regular time grids: check a series' timestamps, infer its step and lay out the grid it lives on."""

from __future__ import annotations

import pandas as pd
from pandas.tseries.frequencies import to_offset
from pandas.tseries.offsets import Tick

MAX_GRID = 2_000_000  # timestamps; a finer grid means the step was mis-inferred or the data is too fine


def infer_step(index: pd.DatetimeIndex) -> pd.DateOffset:
    """The regular step of a sorted index: its own freq, pandas' inference, else the smallest gap."""
    if index.freq is not None:
        return to_offset(index.freq)
    if len(index) < 2:
        raise ValueError("cannot infer the frequency of a series with fewer than 2 timestamps")
    if len(index) >= 3:
        with pd.option_context("future.infer_freq_returns_offset", True):
            inferred = pd.infer_freq(index)
        if inferred is not None:
            return to_offset(inferred)
    # With gaps pandas infers nothing; the smallest gap is the step when every gap is a multiple of it.
    deltas = index[1:] - index[:-1]
    return to_offset(pd.Timedelta(deltas.min()))


def check_index(index: pd.Index) -> pd.DatetimeIndex:
    """The index as a DatetimeIndex, sorted and without duplicates, or ValueError saying why not."""
    if not isinstance(index, pd.DatetimeIndex):
        raise ValueError("the series must be indexed by timestamps (a DatetimeIndex)")
    if index.hasnans:
        raise ValueError("the series has missing timestamps (NaT)")
    if index.has_duplicates:
        first = index[index.duplicated()][0]
        raise ValueError(f"the series has duplicate timestamps (first: {first.isoformat()})")
    if not index.is_monotonic_increasing:
        raise ValueError("the series' timestamps are not in increasing order")
    return index


def regular_grid(index: pd.DatetimeIndex, step: pd.DateOffset) -> pd.DatetimeIndex:
    """The regular grid from the first to the last timestamp; ValueError if the index is off the grid."""
    if isinstance(step, Tick) and (index[-1] - index[0]) / pd.Timedelta(step) > MAX_GRID:
        raise ValueError(f"a grid of step {step.freqstr} from {index[0].isoformat()} to "
                         f"{index[-1].isoformat()} would exceed {MAX_GRID:,} timestamps; "
                         "aggregate the series to a coarser step first")
    grid = pd.date_range(index[0], index[-1], freq=step)
    if len(grid) == 0 or grid[-1] != index[-1] or not index.isin(grid).all():
        off = index[~index.isin(grid)]
        where = off[0].isoformat() if len(off) else index[-1].isoformat()
        raise ValueError(f"irregular series: timestamps are not on a regular grid of step {step.freqstr} "
                         f"(first off-grid timestamp: {where})")
    return grid

