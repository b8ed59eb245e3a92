"""A dashboard process for the served and browser tests: started, waited for, stopped."""

from __future__ import annotations

import socket
import subprocess
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


def free_port() -> int:
    """A TCP port nothing listens on."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def serving(command: list[str], url: str, log: Path, **popen: object) -> Iterator[subprocess.Popen[bytes]]:
    """Run `command` until its Streamlit health check at `url` answers; stop it when the block ends."""
    proc = subprocess.Popen(command, stdout=log.open("wb"), stderr=subprocess.STDOUT, **popen)  # type: ignore[call-overload]
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as r:
                    if r.read() == b"ok":
                        break
            except OSError as exc:
                if proc.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"dashboard did not start: {log.read_text()}") from exc
                time.sleep(0.3)
        yield proc
    finally:
        proc.terminate()
        proc.wait(timeout=20)
