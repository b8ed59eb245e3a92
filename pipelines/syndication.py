"""Syndicated stories: near-identical articles carried by several outlets, grouped (all copies kept).

Each press document is checked once: its MinHash signature (the narrative step's shingles and
MinHash, `pipelines.narratives.features.minhash`) is stored in `document_syndication`, and MinHash
LSH finds the already-checked documents of *other* outlets published within two days whose
estimated shingle Jaccard is at least 0.6. The copy joins that document's `syndication_group`
(opened on the earlier copy when it had none). Documents under 40 words are not compared: feed
summaries and captions are too short to tell a copy from a look-alike.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
from datasketch import LeanMinHash, MinHashLSH

from pipelines.narratives.features import NUM_PERM, minhash, words
from warehouse.db import open_writer
from warehouse.write import staged

JACCARD = 0.6  # as the narrative step's near-duplicate threshold
WINDOW = timedelta(hours=48)
MIN_WORDS = 40
BATCH = 2000
SEED = 7  # the seed of pipelines.narratives.features.minhash
SCHEME = "affine32"  # its permutation scheme (datasketch 2 default): values fit 32 bits
GROUP_COLUMNS = ["document_id", "syndication_group", "similarity"]


def signature(title: str, text: str) -> np.ndarray | None:
    """MinHash values of a document (uint32), or None when it is too short to compare."""
    if len(words(text)) < MIN_WORDS:
        return None
    return minhash(title, text).hashvalues.astype(np.uint32)


def group_id(document_id: str) -> str:
    """Stable group id, from the copy the group was opened on."""
    return "syn-" + hashlib.sha1(document_id.encode("utf-8")).hexdigest()[:16]


def _lean(values: np.ndarray) -> LeanMinHash:
    # Only LSH banding reads these values; the scheme is the one datasketch's MinHash uses by default.
    return LeanMinHash(seed=SEED, hashvalues=values.astype(np.uint64), scheme=SCHEME)


@dataclass(frozen=True)
class Marked:
    """The result of grouping a batch: group rows of the batch, and context documents newly grouped."""

    batch: pd.DataFrame  # document_id, syndication_group, similarity (None when not a copy)
    opened: pd.DataFrame  # document_id, syndication_group of earlier copies given a group now


def group_copies(context: pd.DataFrame, batch: pd.DataFrame, jaccard: float = JACCARD) -> Marked:
    """Place each batch document (id, source, time, sig) with its best earlier copy from another outlet.

    Context rows also carry their `syndication_group` (None when they have none yet); batch rows are
    placed in time order, so a batch document may join a group another batch document opened.
    """
    fresh = batch.assign(new=True, syndication_group=None)
    docs = pd.concat([context.assign(new=False), fresh], ignore_index=True) if len(context) else fresh
    docs = docs.sort_values(["new", "time", "id"], kind="stable").reset_index(drop=True)
    times = pd.to_datetime(docs["time"], utc=True)
    # NULL groups may come back as None or NaN: only strings are groups.
    groups: list[str | None] = [g if isinstance(g, str) else None for g in docs["syndication_group"]]
    sources, ids, sigs = docs["source"].tolist(), docs["id"].astype(str).tolist(), docs["sig"].tolist()
    lsh = MinHashLSH(threshold=jaccard, num_perm=NUM_PERM)
    rows: list[tuple[str, str | None, float | None]] = []
    opened: dict[str, str | None] = {}
    for i, is_new in enumerate(docs["new"].tolist()):
        sig = sigs[i]
        if sig is None:
            if is_new:
                rows.append((ids[i], None, None))
            continue
        lean = _lean(sig)
        if is_new:
            matches = []
            for j in lsh.query(lean):
                if sources[j] != sources[i] and abs(times[j] - times[i]) <= WINDOW:
                    score = float(np.mean(sigs[j] == sig))
                    if score >= jaccard:
                        matches.append((score, j))
            # Best match first; ties to the earliest copy.
            matches.sort(key=lambda m: (-m[0], times[m[1]], ids[m[1]]))
            group = next((groups[j] for _, j in matches if groups[j]), None)
            if matches and group is None:
                group = group_id(ids[min((j for _, j in matches), key=lambda j: (times[j], ids[j]))])
            # Every copy matched joins: the group does not depend on which copy was crawled first.
            for _, j in matches:
                if groups[j] is None:
                    groups[j] = opened[ids[j]] = group
            groups[i] = group
            rows.append((ids[i], group, round(matches[0][0], 4) if matches else None))
        lsh.insert(i, lean, check_duplication=False)
    # A batch document that a later one pulled into a group is reported with its batch row.
    out = pd.DataFrame(rows, columns=GROUP_COLUMNS)
    pairs = zip(out["document_id"], out["syndication_group"], strict=True)
    out["syndication_group"] = [opened.get(d, g) for d, g in pairs]
    batch_ids = set(out["document_id"])
    earlier = pd.DataFrame(
        [(k, v) for k, v in opened.items() if k not in batch_ids], columns=["document_id", "syndication_group"]
    )
    return Marked(out, earlier)


def _unchecked(con: duckdb.DuckDBPyConnection, limit: int) -> pd.DataFrame:
    return con.execute(
        "SELECT d.id, d.source, coalesce(d.published_at, d.fetched_at, d.ingested_at) AS time, "
        "coalesce(d.title, '') AS title, coalesce(d.text, '') AS text "
        "FROM documents d ANTI JOIN document_syndication s ON s.document_id = d.id "
        "WHERE d.kind = 'press' ORDER BY time, d.id LIMIT ?",
        [limit],
    ).df()


def _context(con: duckdb.DuckDBPyConnection, start: pd.Timestamp, end: pd.Timestamp) -> pd.DataFrame:
    frame = con.execute(
        "SELECT d.id, d.source, coalesce(d.published_at, d.fetched_at, d.ingested_at) AS time, "
        "s.syndication_group, s.signature FROM document_syndication s JOIN documents d ON d.id = s.document_id "
        "WHERE s.signature IS NOT NULL AND coalesce(d.published_at, d.fetched_at, d.ingested_at) BETWEEN ? AND ?",
        [start - WINDOW, end + WINDOW],
    ).df()
    frame["sig"] = [np.frombuffer(bytes(b), dtype=np.uint32) for b in frame.pop("signature")]
    return frame


def mark_batch(con: duckdb.DuckDBPyConnection, batch_size: int = BATCH) -> tuple[int, int]:
    """Check up to `batch_size` press documents not checked yet; return (checked, copies found)."""
    batch = _unchecked(con, batch_size)
    if batch.empty:
        return 0, 0
    batch["sig"] = [signature(t, x) for t, x in zip(batch["title"], batch["text"], strict=True)]
    times = pd.to_datetime(batch["time"], utc=True)
    marked = group_copies(_context(con, times.min(), times.max()), batch[["id", "source", "time", "sig"]])
    blobs = {i: (s.tobytes() if s is not None else None) for i, s in zip(batch["id"], batch["sig"], strict=True)}
    rows = marked.batch.assign(signature=marked.batch["document_id"].map(blobs))
    with staged(con, "syndication_rows", rows):
        con.execute(
            "INSERT OR REPLACE INTO document_syndication (document_id, syndication_group, similarity, signature) "
            "SELECT document_id, syndication_group, similarity, signature FROM syndication_rows"
        )
    if not marked.opened.empty:
        with staged(con, "syndication_opened", marked.opened):
            con.execute(
                "UPDATE document_syndication SET syndication_group = o.syndication_group "
                "FROM syndication_opened o WHERE document_syndication.document_id = o.document_id"
            )
    return len(batch), int(marked.batch["similarity"].notna().sum())


def mark_syndication(
    db: Path | str,
    *,
    batch_size: int = BATCH,
    lock_timeout: float = 60.0,
    progress: Callable[[int], None] | None = None,
) -> tuple[int, int]:
    """Check every press document not checked yet, a batch per connection; return (checked, copies)."""
    checked = copies = 0
    while True:
        # A connection per batch: the dashboard and the crawler get the warehouse in between.
        with open_writer(db, timeout=lock_timeout) as con:
            n, found = mark_batch(con, batch_size)
        if not n:
            return checked, copies
        checked, copies = checked + n, copies + found
        if progress:
            progress(n)
