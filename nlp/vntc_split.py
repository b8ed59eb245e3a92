"""Write a stratified train/held-out split of VNTC as JSON Lines, to check the recipe via the CLI.

Usage: python -m nlp.vntc_split [--shared ../shared] [--out data/vntc] [--test-share 0.2]
then:  radar nlp train --task vntc --data data/vntc/train.jsonl --out data/vntc/model
       radar nlp evaluate --model data/vntc/model --data data/vntc/test.jsonl
Only the train split of VNTC is shared, so its held-out part stands in for the test set.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
from pathlib import Path

from nlp.corpora import jsonl

ROOT = Path(__file__).resolve().parents[1]


def split(rows: list[dict[str, object]], test_share: float, seed: int) -> tuple[list[int], list[int]]:
    """Indices of train and test rows, stratified by label."""
    by_label: dict[str, list[int]] = {}
    for i, row in enumerate(rows):
        by_label.setdefault(str(row["label"]), []).append(i)
    rng = random.Random(seed)
    train, test = [], []
    for label in sorted(by_label):
        items = by_label[label]
        rng.shuffle(items)
        cut = round(len(items) * test_share)
        test += items[:cut]
        train += items[cut:]
    return sorted(train), sorted(test)


def main(argv: list[str] | None = None) -> int:
    """Write train.jsonl and test.jsonl ({"text", "label"}) under --out."""
    parser = argparse.ArgumentParser(prog="python -m nlp.vntc_split", description=__doc__)
    parser.add_argument("--shared", type=Path, default=ROOT.parent / "shared")
    parser.add_argument("--out", type=Path, default=ROOT / "data" / "vntc")
    parser.add_argument("--test-share", type=float, default=0.2)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    source = args.shared / "data/topics/vntc_train.jsonl.gz"
    if not source.is_file():
        print(f"vntc_split: {source} not found", file=sys.stderr)
        return 2
    rows = list(jsonl(source))
    train, test = split(rows, args.test_share, args.seed)
    args.out.mkdir(parents=True, exist_ok=True)
    for name, idx in (("train", train), ("test", test)):
        with (args.out / f"{name}.jsonl").open("w", encoding="utf-8") as fh:
            for i in idx:
                fh.write(json.dumps({"text": rows[i]["text"], "label": rows[i]["label"]}, ensure_ascii=False) + "\n")
    print(f"vntc_split: {len(train)} train, {len(test)} test rows in {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
