"""Pure core of narrative splitting: a narrative whose members are two clearly different stories becomes two.

Conservative by design: a wrong split shatters a real story in front of an analyst, a missed one only
leaves a broad narrative broad. A narrative is split only when 2-means on its members' TF-IDF vectors
finds two parts that each hold several original documents, whose centroids are far apart (well below
the similarity at which narratives join or merge, so the parts do not re-merge), and in which no member
sits closer, on average, to the other part.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

import numpy as np
import pandas as pd
import scipy.sparse as sp

from pipelines.narratives.features import doc_text, noise_free, tfidf

SPLIT_COLUMNS = ["narrative_id", "split_from", "n_moved", "similarity", "silhouette", "document_ids"]


@dataclass(frozen=True)
class SplitConfig:
    """Thresholds of splitting (similarities are TF-IDF cosines fitted on the narrative's own members)."""

    min_members: int = 6  # narratives smaller than this are never split
    min_part: int = 3  # each part holds at least this many original (non-copy) documents
    max_similarity: float = 0.14  # the parts' centroid cosine must stay below this (join needs 0.2, merge 0.3)
    min_silhouette: float = 0.15  # mean silhouette (cosine distance) of the two parts
    iterations: int = 20  # 2-means rounds (it settles in a few)

    def __post_init__(self) -> None:
        if self.min_part < 1 or self.min_members < 2 * self.min_part:
            raise ValueError("need min_part >= 1 and min_members >= 2 * min_part")
        if not 0.0 <= self.max_similarity < 1.0:
            raise ValueError(f"max_similarity must be in [0, 1), got {self.max_similarity}")


def split_id(parent: str, first_document_id: str) -> str:
    """Stable id of the part split off a narrative (never one a document could have opened)."""
    key = f"split:{parent}:{first_document_id}"
    return "nar-" + hashlib.sha1(key.encode("utf-8")).hexdigest()[:16]


def _normalised(matrix: sp.csr_matrix) -> np.ndarray:
    dense = np.asarray(matrix.toarray(), dtype=np.float64)
    norms = np.linalg.norm(dense, axis=1, keepdims=True)
    return dense / np.maximum(norms, 1e-12)


def two_means(x: np.ndarray, iterations: int = 20) -> np.ndarray:
    """Labels 0/1 of spherical 2-means on unit rows, seeded deterministically from the two most distant members."""
    centroid = x.sum(axis=0)
    # The member least like the whole, then the member least like it: a fixed, reproducible start.
    a = int(np.argmin(x @ centroid))
    b = int(np.argmin(x @ x[a]))
    centres = np.stack([x[a], x[b]])
    labels = np.zeros(len(x), dtype=np.int64)
    for _ in range(iterations):
        new = np.argmax(x @ centres.T, axis=1)
        if not new.any() or new.all():
            return new
        if np.array_equal(new, labels):
            break
        labels = new
        centres = np.stack([x[labels == k].sum(axis=0) for k in (0, 1)])
        centres /= np.maximum(np.linalg.norm(centres, axis=1, keepdims=True), 1e-12)
    return labels


def silhouette(x: np.ndarray, labels: np.ndarray) -> np.ndarray:
    """Per-member silhouette with cosine distance (both parts non-empty)."""
    dist = 1.0 - np.clip(x @ x.T, -1.0, 1.0)
    out = np.zeros(len(x))
    for k in (0, 1):
        own, other = labels == k, labels != k
        n_own = own.sum()
        a = dist[np.ix_(own, own)].sum(axis=1) / max(n_own - 1, 1)
        b = dist[np.ix_(own, other)].mean(axis=1)
        out[own] = np.where(n_own > 1, (b - a) / np.maximum(np.maximum(a, b), 1e-12), 0.0)
    return out


def propose_split(members: pd.DataFrame, config: SplitConfig = SplitConfig()) -> tuple[list[str], float, float] | None:  # noqa: B008
    """Document ids of the smaller part if one narrative's members are two well-separated stories, else None.

    `members` has document_id, time, title, text, duplicate_of. Copies are left out of the clustering
    (they would count one story several times) and follow their original. Returns (moved ids, centroid
    cosine of the parts, mean silhouette).
    """
    if len(members) < config.min_members:
        return None
    ids = set(members["document_id"])
    copy = members["duplicate_of"].notna() & members["duplicate_of"].isin(ids)
    originals = members[~copy].sort_values(["time", "document_id"], kind="stable")
    if len(originals) < 2 * config.min_part:
        return None
    texts = [doc_text(t or "", x or "") for t, x in zip(originals["title"], originals["text"], strict=True)]
    try:
        matrix, vocab = tfidf(texts)
    except ValueError:  # no words at all (emoji-only posts): nothing to tell apart
        return None
    # Function words are dense in a handful of documents' own TF-IDF and would make any two parts look alike.
    x = _normalised(noise_free(matrix, vocab))
    labels = two_means(x, config.iterations)
    sizes = np.bincount(labels, minlength=2)
    if sizes.min() < config.min_part:
        return None
    centres = np.stack([x[labels == k].sum(axis=0) for k in (0, 1)])
    centres /= np.maximum(np.linalg.norm(centres, axis=1, keepdims=True), 1e-12)
    cross = float(centres[0] @ centres[1])
    if cross >= config.max_similarity:
        return None
    scores = silhouette(x, labels)
    # Every member must sit on its own side: one that is closer to the other part is a bridge, and a
    # bridge means the two are one developing story.
    if scores.mean() < config.min_silhouette or scores.min() <= 0.0:
        return None
    # The smaller part moves; on a tie, the part that starts later (the older story keeps the id).
    order = originals["document_id"].tolist()
    first = {k: order.index(originals["document_id"].iloc[int(np.flatnonzero(labels == k)[0])]) for k in (0, 1)}
    small = int(np.argmin(sizes)) if sizes[0] != sizes[1] else max((0, 1), key=lambda k: first[k])
    moved = set(originals["document_id"].iloc[np.flatnonzero(labels == small)])
    # Copies follow their original (chains of copies too).
    parent_of = dict(zip(members.loc[copy, "document_id"], members.loc[copy, "duplicate_of"], strict=True))
    for doc in parent_of:
        root, seen = doc, set()
        while root in parent_of and root not in seen:
            seen.add(root)
            root = parent_of[root]
        if root in moved:
            moved.add(doc)
    moved_ids = [d for d in members.sort_values(["time", "document_id"])["document_id"] if d in moved]
    return moved_ids, round(cross, 4), round(float(scores.mean()), 4)


def split_narratives(members: pd.DataFrame, config: SplitConfig = SplitConfig()) -> pd.DataFrame:  # noqa: B008
    """One row (SPLIT_COLUMNS) per narrative of `members` (with narrative_id) that splits: the new narrative's id,
    its parent (which keeps its id and the larger part), how many members move, and which."""
    rows = []
    for parent, group in members.groupby("narrative_id", sort=True):
        found = propose_split(group, config)
        if found is None:
            continue
        moved, cross, score = found
        rows.append([split_id(str(parent), moved[0]), str(parent), len(moved), cross, score, moved])
    return pd.DataFrame(rows, columns=SPLIT_COLUMNS)
