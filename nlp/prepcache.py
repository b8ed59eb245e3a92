"""Parallel, disk-cached text preparation for training runs (not used at annotation time)."""

from __future__ import annotations

import gzip
import hashlib
import json
import os
from collections.abc import Sequence
from multiprocessing import get_context
from pathlib import Path

import underthesea

from nlp import normalize
from nlp.features import prepare

ROOT = Path(__file__).resolve().parents[1]
#: Where training runs keep their segmentations; RADAR_NLP_CACHE overrides it.
CACHE_DIR = Path(os.environ.get("RADAR_NLP_CACHE", ROOT / "data" / "nlp-cache"))


def cache_for(data: Path) -> Path:
    """The cache file of a labelled input file: one per path, so reruns on it skip segmentation."""
    # Keyed by the resolved path, not the content: the cache maps text -> segmentation, so an
    # edited file still reuses every unchanged row and only segments the new ones.
    key = hashlib.sha256(str(data.resolve()).encode()).hexdigest()[:10]
    stem = "".join(ch if ch.isalnum() else "_" for ch in data.name.split(".")[0])[:40]
    return CACHE_DIR / f"file_{stem}_{key}.json.gz"


def _fingerprint() -> str:
    # Cached segmentations are only valid for the normaliser and segmenter that produced them.
    digest = hashlib.sha256(underthesea.__version__.encode())
    for path in (Path(normalize.__file__), normalize.TEENCODE_FILE):
        digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


def prepare_many(texts: Sequence[str], cache_file: Path | None = None, workers: int = 2) -> list[str]:
    """prepare() of every text, using up to `workers` processes and a JSON cache file."""
    cache: dict[str, str] = {}
    if cache_file is not None:
        cache_file = cache_file.with_name(f"{cache_file.name.split('.')[0]}-{_fingerprint()}.json.gz")
    if cache_file is not None and cache_file.is_file():
        with gzip.open(cache_file, "rt", encoding="utf-8") as fh:
            cache = json.load(fh)
    todo = sorted({t for t in texts if t not in cache})
    if todo:
        if workers > 1 and len(todo) > 2000:
            with get_context("fork").Pool(workers) as pool:
                done = pool.map(prepare, todo, chunksize=256)
        else:
            done = [prepare(t) for t in todo]
        cache.update(zip(todo, done, strict=True))
        if cache_file is not None:
            cache_file.parent.mkdir(parents=True, exist_ok=True)
            with gzip.open(cache_file, "wt", encoding="utf-8") as fh:
                json.dump(cache, fh, ensure_ascii=False)
    return [cache[t] for t in texts]
