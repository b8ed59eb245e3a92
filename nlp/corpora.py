"""Readers of the labelled sets in ../shared used to train and evaluate the shipped models."""

from __future__ import annotations

import csv
import gzip
import json
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Example:
    """One labelled text; key identifies it in its source (row index or item id)."""

    text: str
    label: str
    source: str
    key: str
    weight: float = 1.0


def _nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text or "").strip()


def _rows(path: Path) -> Iterator[tuple[int, dict[str, str]]]:
    with path.open(encoding="utf-8", newline="") as fh:
        yield from enumerate(csv.DictReader(fh))


def jsonl(path: Path) -> Iterator[dict[str, object]]:
    """Objects of a JSON Lines file, gzip or not."""
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rt", encoding="utf-8") as fh:
        for line in fh:
            if line.strip():
                yield json.loads(line)


def vsfc(shared: Path, split: str) -> list[Example]:
    """UIT-VSFC students' feedback, 3 classes."""
    path = shared / "data/sentiment/uit-vsfc" / f"{split}.csv"
    return [Example(_nfc(r["text"]), r["sentiment"], f"uit-vsfc/{split}", str(i)) for i, r in _rows(path)]


def vlsp2016(shared: Path) -> list[Example]:
    """VLSP 2016 official training data (tech-forum comments), 3 classes."""
    path = shared / "data/sentiment/vlsp2016/train_official_5100.csv"
    seen: set[str] = set()
    out = []
    for i, r in _rows(path):
        text = _nfc(r["text"])
        if text in seen:  # the third-party split duplicates some rows
            continue
        seen.add(text)
        out.append(Example(text, r["label"], "vlsp2016", str(i)))
    return out


def visfd(shared: Path, split: str) -> list[Example]:
    """UIT-ViSFD smartphone reviews, polarity from stars."""
    path = shared / "data/sentiment/uit-visfd" / f"{split}.csv"
    return [
        Example(_nfc(r["text"]), r["star_polarity"], f"uit-visfd/{split}", str(i))
        for i, r in _rows(path)
        if r["star_polarity"] in {"negative", "neutral", "positive"}
    ]


def aivivn(shared: Path, weight: float = 0.3) -> list[Example]:
    """AIVIVN 2019 e-commerce reviews (binary, noisy: down-weighted)."""
    path = shared / "data/sentiment/aivivn2019/train.csv"
    return [Example(_nfc(r["text"]), r["label"], "aivivn2019", r["id"], weight) for _, r in _rows(path)]


def vihsd(shared: Path, split: str) -> list[Example]:
    """ViHSD comments: clean / offensive / hate."""
    path = shared / "data/toxicity/vihsd" / f"{split}.csv"
    return [
        Example(_nfc(r["text"]), r["label"].strip().lower(), f"vihsd/{split}", str(i)) for i, r in _rows(path)
    ]


def timeline(shared: Path) -> Iterator[dict[str, object]]:
    """Items of the RSS timeline."""
    yield from jsonl(shared / "data/timeline/rss_timeline_2025_2026.jsonl.gz")


def item_text(item: dict[str, object]) -> str:
    """Title and summary of a press item, as the pipeline annotates it."""
    title = _nfc(str(item.get("title") or ""))
    summary = _nfc(str(item.get("summary") or item.get("text") or ""))
    if title and summary:
        return f"{title}. {summary}" if title[-1] not in ".?!…" else f"{title} {summary}"
    return title or summary
