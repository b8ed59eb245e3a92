"""`radar run --every 10m`: crawl -> process -> detect -> notify in a loop, never two runs at once."""

from __future__ import annotations

import fcntl
import logging
import re
import signal
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from types import FrameType

from pipelines.errors import UserError

log = logging.getLogger(__name__)
UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


def parse_interval(text: str) -> float:
    """'10m' -> 600.0; accepts s, m, h, d."""
    match = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*([smhd])\s*", text)
    if not match or float(match.group(1)) <= 0:
        raise UserError(f"interval must look like 30s, 10m, 1h or 1d, not {text!r}")
    return float(match.group(1)) * UNITS[match.group(2)]


@contextmanager
def run_lock(db: Path) -> Iterator[Path]:
    """Hold an exclusive lock beside the warehouse for the whole run, or refuse at once."""
    path = db.with_name(db.name + ".run.lock")
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a+") as fh:
        try:
            # flock is released by the kernel when the process dies, so a crash never leaves a stale lock.
            fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError as exc:
            raise UserError(f"another 'radar run' is already working on {db} (lock {path})") from exc
        try:
            yield path
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


@dataclass
class Cycle:
    """What one pass did, step by step (failures are recorded, not raised)."""

    started: float
    results: dict[str, str] = field(default_factory=dict)
    failed: list[str] = field(default_factory=list)


Step = tuple[str, Callable[[], str]]


def run_cycle(steps: list[Step], stop: threading.Event) -> Cycle:
    """Run the steps in order; one failing step is logged and the next still runs."""
    cycle = Cycle(started=time.time())
    for name, step in steps:
        if stop.is_set():
            break
        try:
            cycle.results[name] = step()
        except UserError:
            raise
        except Exception as exc:  # one broken step (a source down, a full disk) must not end the loop
            log.exception("step %s failed", name)
            cycle.failed.append(name)
            cycle.results[name] = f"failed: {exc}"
    return cycle


@contextmanager
def stop_on_signals(stop: threading.Event) -> Iterator[None]:
    """SIGTERM and SIGINT set `stop`: the step in progress finishes and stores its items, then the loop ends."""

    def handler(signum: int, frame: FrameType | None) -> None:
        log.warning("signal %s: stopping after the current step", signum)
        stop.set()

    previous = {sig: signal.signal(sig, handler) for sig in (signal.SIGTERM, signal.SIGINT)}
    try:
        yield
    finally:
        for sig, old in previous.items():
            signal.signal(sig, old)


def run_loop(
    steps: list[Step],
    every_s: float,
    *,
    once: bool = False,
    stop: threading.Event | None = None,
    report: Callable[[Cycle], None] = lambda c: None,
) -> int:
    """Run cycles every `every_s` seconds (start to start) until stopped; return the cycle count."""
    stop = stop or threading.Event()
    cycles = 0
    while not stop.is_set():
        cycle = run_cycle(steps, stop)
        cycles += 1
        report(cycle)
        if once:
            break
        stop.wait(max(0.0, cycle.started + every_s - time.time()))
    return cycles
