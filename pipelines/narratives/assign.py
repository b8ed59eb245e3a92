"""Pure core of narrative grouping: a new document joins a near-duplicate's or a similar story's narrative."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

import numpy as np
import pandas as pd
from datasketch import MinHashLSH

from pipelines.narratives.features import NUM_PERM, doc_text, minhash, tfidf, top_terms

ASSIGN_COLUMNS = ["document_id", "narrative_id", "duplicate_of", "similarity", "key_terms"]


@dataclass(frozen=True)
class AssignConfig:
    """Thresholds of narrative grouping (window as a pandas duration)."""

    window: str = "72h"  # a document joins only narratives with a member this close in time
    duplicate_jaccard: float = 0.6  # estimated shingle Jaccard of a near-duplicate / syndicated copy
    join_similarity: float = 0.3  # TF-IDF cosine (mean of the best two members) to join a story
    link_similarity: float = 0.15  # members below this do not count towards a narrative's score

    def __post_init__(self) -> None:
        pd.Timedelta(self.window)
        for name in ("duplicate_jaccard", "join_similarity", "link_similarity"):
            if not 0.0 < getattr(self, name) <= 1.0:
                raise ValueError(f"{name} must be in (0, 1], got {getattr(self, name)}")


def narrative_id(first_document_id: str) -> str:
    """Stable narrative id, derived from the document that opened it."""
    return "nar-" + hashlib.sha1(first_document_id.encode("utf-8")).hexdigest()[:16]


def _narrative_score(sims: np.ndarray, owners: np.ndarray) -> tuple[str | None, float]:
    """Best narrative among linked members: mean of each narrative's two highest similarities."""
    best, best_score = None, 0.0
    for owner in np.unique(owners):
        top = np.sort(sims[owners == owner])[-2:]
        score = float(top.mean()) if len(top) == 2 else float(top[0]) * 0.9  # one member: less evidence
        if score > best_score:
            best, best_score = str(owner), score
    return best, best_score


def assign(context: pd.DataFrame, batch: pd.DataFrame, config: AssignConfig = AssignConfig()) -> pd.DataFrame:  # noqa: B008
    """Narrative of every batch document, given already-assigned context documents near in time.

    Both frames have id, time, title, text; context also narrative_id. Batch rows are placed in
    time order, so a later batch document may join a narrative an earlier one opened.
    """
    if batch.empty:
        return pd.DataFrame(columns=ASSIGN_COLUMNS)
    batch = batch.sort_values(["time", "id"], kind="stable")
    docs = pd.concat([context.assign(new=False), batch.assign(new=True, narrative_id=None)], ignore_index=True)
    titles, texts = docs["title"].fillna("").tolist(), docs["text"].fillna("").tolist()
    matrix, vocab = tfidf([doc_text(t, x) for t, x in zip(titles, texts, strict=True)])
    times = pd.to_datetime(docs["time"], utc=True).to_numpy(dtype="datetime64[ns]").astype(np.int64)
    window = pd.Timedelta(config.window).value
    owner = docs["narrative_id"].to_numpy(dtype=object, copy=True)
    placed = ~docs["new"].to_numpy(dtype=bool, copy=True)
    ids = docs["id"].tolist()
    new_rows = np.flatnonzero(~placed)
    sims = (matrix[new_rows] @ matrix.T).toarray()
    lsh = MinHashLSH(threshold=config.duplicate_jaccard, num_perm=NUM_PERM)
    hashes = [minhash(t, x) for t, x in zip(titles, texts, strict=True)]
    for j in np.flatnonzero(placed):
        lsh.insert(j, hashes[j], check_duplication=False)
    out = []
    for k, i in enumerate(new_rows):
        near = np.abs(times - times[i]) <= window
        dup, dup_j = None, 0.0
        for j in lsh.query(hashes[i]):
            if near[j] and placed[j]:
                jac = hashes[i].jaccard(hashes[j])
                if jac >= config.duplicate_jaccard and jac > dup_j:
                    dup, dup_j = j, jac
        if dup is not None:
            owner[i], similarity, duplicate_of = owner[dup], dup_j, ids[dup]
        else:
            duplicate_of = None
            linked = np.flatnonzero(placed & near & (sims[k] >= config.link_similarity))
            best, score = _narrative_score(sims[k][linked], owner[linked]) if len(linked) else (None, 0.0)
            if best is not None and score >= config.join_similarity:
                owner[i], similarity = best, score
            else:
                owner[i], similarity = narrative_id(ids[i]), 1.0
        placed[i] = True
        lsh.insert(i, hashes[i], check_duplication=False)
        out.append((ids[i], owner[i], duplicate_of, round(float(similarity), 4), top_terms(matrix, vocab, int(i))))
    return pd.DataFrame(out, columns=ASSIGN_COLUMNS)
