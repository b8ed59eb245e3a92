"""Normalise and segment texts in worker processes: segmentation is most of annotation's cost."""

from __future__ import annotations

import atexit
import logging
import os
from collections.abc import Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from multiprocessing import get_context

from nlp.segment import prepare, segment

log = logging.getLogger(__name__)
# ProcessPoolExecutor, not multiprocessing.Pool: when workers cannot start (for instance when
# `__main__` is a script that cannot be re-imported, as inside Streamlit), Pool respawns them
# forever and the caller hangs; the executor reports BrokenProcessPool and we go on in-process.
_POOLS: dict[int, ProcessPoolExecutor] = {}
_broken = False


def _warm() -> None:
    # Load the CRF model once per worker, before the first real text arrives.
    segment("Khởi động mô hình tách từ.")


def default_workers() -> int:
    """Worker processes to use: the cores when they are idle (at most 4), else 1."""
    cores = os.cpu_count() or 1
    # On a busy machine extra processes only add hand-over costs: measured 0.58x vs 0.72x of bare
    # segmentation speed at load 10 on 2 cores, against 0.85x vs 0.63x with a core to spare.
    # The caller's own work counts in the load average, hence the half-core margin.
    if _broken or cores < 2 or os.getloadavg()[0] > cores - 0.5:
        return 1
    return min(cores, 4)


def _pool(workers: int) -> ProcessPoolExecutor:
    if workers not in _POOLS:
        # forkserver, not fork: the caller may hold threads (DuckDB) that must not be forked.
        _POOLS[workers] = ProcessPoolExecutor(workers, mp_context=get_context("forkserver"), initializer=_warm)
    return _POOLS[workers]


def prepare_stream(texts: Sequence[str], workers: int) -> Iterator[str]:
    """prepare() of each text, in order, computed by `workers` processes (in-process if they fail)."""
    global _broken
    done = 0
    if workers > 1 and not _broken:
        try:
            for result in _pool(workers).map(prepare, texts, chunksize=32):
                yield result
                done += 1
            return
        except BrokenProcessPool as exc:
            log.warning("segmentation workers failed (%s); continuing in this process", exc)
            _broken = True
            _POOLS.pop(workers).shutdown(wait=False, cancel_futures=True)
    yield from (prepare(t) for t in texts[done:])


@atexit.register
def shutdown() -> None:
    """Stop the worker processes (also run at interpreter exit)."""
    while _POOLS:
        _, pool = _POOLS.popitem()
        pool.shutdown(wait=True, cancel_futures=True)
