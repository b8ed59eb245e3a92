"""Run every benchmark script in bench/ (`python -m bench [NAME…]`), one child process each."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).parent


def main(argv: list[str]) -> int:
    """Run the named benchmarks, or all of them; return non-zero if any failed."""
    scripts = sorted(HERE.glob("bench_*.py"))
    if argv:
        scripts = [s for s in scripts if any(name in s.stem for name in argv)]
    failed = 0
    for script in scripts:
        print(f"=== {script.stem}", flush=True)
        # A fresh process per benchmark: no warm caches or reactors carried from one to the next.
        failed += subprocess.call([sys.executable, str(script)]) != 0
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
