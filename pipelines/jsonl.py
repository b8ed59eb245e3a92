"""Reading JSON Lines files (plain or gzip) one record at a time, keeping bad lines as errors."""

from __future__ import annotations

import gzip
import io
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any, TextIO


def open_text(path: Path) -> TextIO:
    """Open a plain or gzip-compressed text file as UTF-8 (bad bytes replaced, never fatal)."""
    raw = path.open("rb")
    head = raw.peek(2)[:2] if hasattr(raw, "peek") else b""
    if head == b"\x1f\x8b":
        return io.TextIOWrapper(gzip.GzipFile(fileobj=raw), encoding="utf-8", errors="replace")
    return io.TextIOWrapper(raw, encoding="utf-8-sig", errors="replace")


def read_jsonl(path: Path) -> Iterator[tuple[int, dict[str, Any] | None, str | None]]:
    """Yield (line number, object or None, error or None) for every non-blank line."""
    if not path.exists():
        raise FileNotFoundError(f"no such file: {path}")
    with open_text(path) as fh:
        lineno = 0
        try:
            for lineno, line in enumerate(fh, start=1):  # noqa: B007 - lineno used after the loop
                if not line.strip():
                    continue
                try:
                    obj = json.loads(line)
                except json.JSONDecodeError as exc:
                    yield lineno, None, f"invalid JSON ({exc.msg})"
                    continue
                if not isinstance(obj, dict):
                    yield lineno, None, "not a JSON object"
                    continue
                yield lineno, obj, None
        except (EOFError, gzip.BadGzipFile, OSError) as exc:
            # A truncated .gz still gives every complete line before the damage.
            yield lineno + 1, None, f"unreadable file after this line ({exc})"
