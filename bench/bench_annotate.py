"""Docs/s of Annotator.annotate vs bare underthesea.word_tokenize on the same timeline items.

Usage: python bench/bench_annotate.py [--n 5000] [--shared ../shared]
Issue 4 asks for annotate >= 0.8x the speed of bare word segmentation.
"""

from __future__ import annotations

import argparse
import gzip
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

TARGET = 0.8
WARM = 1000


def load_texts(shared: Path, n: int) -> list[str]:
    """Title + summary of the first n timeline items."""
    from nlp.corpora import item_text

    texts = []
    with gzip.open(shared / "data/timeline/rss_timeline_2025_2026.jsonl.gz", "rt", encoding="utf-8") as fh:
        for line in fh:
            texts.append(item_text(json.loads(line)))
            if len(texts) >= n:
                break
    return texts


def main(argv: list[str] | None = None) -> int:
    """Print both rates and their ratio; exit 0 (a benchmark reports, it does not gate)."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--n", type=int, default=5000)
    parser.add_argument("--workers", type=int, default=None, help="segmentation processes (default: auto)")
    parser.add_argument("--shared", type=Path, default=ROOT.parent / "shared")
    args = parser.parse_args(argv)
    if not (args.shared / "data/timeline").is_dir():
        print(f"skipped: no timeline under {args.shared} (a fresh clone has no ../shared)")
        return 0
    from underthesea import word_tokenize

    from nlp.annotate import Annotator
    from nlp.segment import cache_clear

    loaded = load_texts(args.shared, args.n + WARM)
    texts, warm = loaded[: args.n], loaded[args.n :]
    annotator = Annotator.load(workers=args.workers)
    # Warm both paths (CRF model load, worker start-up) on texts outside the measured set:
    # the pipeline annotates tens of thousands of texts with one Annotator.
    annotator.annotate(warm)
    word_tokenize(warm[0])

    def bare_rate() -> float:
        started = time.perf_counter()
        for text in texts:
            word_tokenize(text)
        return len(texts) / (time.perf_counter() - started)

    # Bare segmentation is timed before and after, so that load drifting on a shared machine
    # does not favour either side.
    before = bare_rate()
    cache_clear()  # no segmentation reused from a cache in this process
    started = time.perf_counter()
    rows = annotator.annotate(texts)
    full = len(rows) / (time.perf_counter() - started)
    bare = (before + bare_rate()) / 2

    ratio = full / bare
    print(f"texts: {len(texts)}  model: {annotator.model_version}  workers: {annotator.workers}")
    print(f"underthesea.word_tokenize: {bare:8.1f} docs/s")
    print(f"Annotator.annotate:        {full:8.1f} docs/s")
    verdict = "meets" if ratio >= TARGET else "below"
    print(f"ratio: {ratio:.2f} ({verdict} the {TARGET}x target)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
