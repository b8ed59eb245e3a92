"""Pure core of narrative grouping: a new document joins a near-duplicate's or a similar story's narrative.

A narrative is represented by the centroid of its members' TF-IDF vectors in the working set (the
batch and the already-placed documents within the window around it). A document joins the active
narrative whose centroid it is closest to, or the narrative of one very similar member; otherwise it
opens a narrative. After the batch, narratives whose centroids have become close merge: the older id
is kept and the other is reported in `merged`, so callers can record where it went.
"""

from __future__ import annotations

import hashlib
from collections.abc import Collection
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import scipy.sparse as sp

from pipelines.narratives.features import doc_text, tfidf, top_terms

ASSIGN_COLUMNS = ["document_id", "narrative_id", "duplicate_of", "similarity", "key_terms"]


@dataclass(frozen=True)
class AssignConfig:
    """Thresholds of narrative grouping (window as a pandas duration; similarities are TF-IDF cosines)."""

    window: str = "72h"  # a document joins only narratives with a member this close in time
    duplicate_similarity: float = 0.8  # a near-duplicate / syndicated copy of one member
    join_similarity: float = 0.2  # cosine with a narrative's centroid to join it
    pair_similarity: float = 0.3  # cosine with a single member to join its narrative
    member_similarity: float = 0.22  # joining by centroid also needs one member at least this close ...
    member_growth: float = 0.02  # ... plus this much per doubling of the narrative (big ones turn generic)
    merge_similarity: float = 0.3  # centroid cosine at which two overlapping narratives become one
    rejoin_margin: float = 0.2  # a part split off a narrative merges back only this far above the merge bar

    def __post_init__(self) -> None:
        pd.Timedelta(self.window)
        for name in ("duplicate_similarity", "join_similarity", "pair_similarity", "member_similarity",
                     "merge_similarity"):
            if not 0.0 < getattr(self, name) <= 1.0:
                raise ValueError(f"{name} must be in (0, 1], got {getattr(self, name)}")


@dataclass
class Assignment:
    """Placed batch documents (ASSIGN_COLUMNS) and the narratives merged into others (old id -> kept id)."""

    members: pd.DataFrame
    merged: dict[str, str] = field(default_factory=dict)


def narrative_id(first_document_id: str) -> str:
    """Stable narrative id, derived from the document that opened it."""
    return "nar-" + hashlib.sha1(first_document_id.encode("utf-8")).hexdigest()[:16]


class _Narratives:
    """Working state of the narratives of one batch: ids, time spans and centroid norms (growable arrays)."""

    def __init__(self, ids: list[str], first: np.ndarray, last: np.ndarray, norm2: np.ndarray, size: np.ndarray,
                 extra: int) -> None:
        n = len(ids)
        self.ids = list(ids)
        self.first = np.concatenate([first, np.zeros(extra, dtype=np.int64)])
        self.last = np.concatenate([last, np.zeros(extra, dtype=np.int64)])
        self.norm2 = np.concatenate([norm2, np.zeros(extra)])
        self.size = np.concatenate([size, np.zeros(extra)])
        self.n = n

    def open(self, nid: str, t: int) -> int:
        """A new narrative's code."""
        code = self.n
        self.ids.append(nid)
        self.first[code] = self.last[code] = t
        self.size[code] = 1.0
        self.norm2[code] = 1.0
        self.n += 1
        return code


def _one_hot(codes: np.ndarray, n: int) -> sp.csr_matrix:
    """Narrative x document membership matrix of the placed documents (code -1 = unplaced)."""
    rows = np.flatnonzero(codes >= 0)
    return sp.csr_matrix((np.ones(len(rows), dtype=np.float32), (codes[rows], rows)), shape=(n, len(codes)))


def _merges(matrix: sp.csr_matrix, codes: np.ndarray, state: _Narratives, touched: np.ndarray,
            window: int, config: AssignConfig, first_seen: dict[str, int],
            apart: Collection[tuple[str, str]] = ()) -> dict[int, int]:
    """Narrative code -> code it merges into: touched narratives whose centroid is close to an overlapping one.

    The bar rises with the bigger narrative's size, as joining's does: big centroids turn generic, and
    merging is how a running theme (a tournament, a season of exams) would swallow every story near it.
    `apart` pairs (a narrative and the part split off it) never end up in one narrative, directly or through
    a third, unless their own centroids have come clearly closer than the merge bar (no split/merge flapping).
    """
    n = state.n
    centroids = _one_hot(codes, n) @ matrix
    norms = np.sqrt(np.asarray(centroids.multiply(centroids).sum(axis=1)).ravel())
    centroids = sp.diags(1.0 / np.maximum(norms, 1e-12)) @ centroids
    sims = (centroids[touched] @ centroids.T).toarray()
    first, last = state.first[:n], state.last[:n]
    parent = list(range(n))
    code_of = {nid: c for c, nid in enumerate(state.ids[:n])}
    blocked = [(code_of[a], code_of[b]) for a, b in apart if a in code_of and b in code_of
               and float(centroids[code_of[a]].multiply(centroids[code_of[b]]).sum())
               < config.merge_similarity + config.rejoin_margin]

    def root(a: int) -> int:
        while parent[a] != a:
            parent[a] = parent[parent[a]]
            a = parent[a]
        return a

    # The older narrative (by first sighting, then id) is the one that keeps its id.
    age = [(first_seen.get(state.ids[c], int(first[c])), state.ids[c]) for c in range(n)]
    for row, a in enumerate(touched.tolist()):
        close = np.flatnonzero(sims[row] >= config.merge_similarity)
        for b in close.tolist():
            if b == a or first[a] > last[b] + window or first[b] > last[a] + window:
                continue
            bigger = max(state.size[a], state.size[b], 1.0)
            if sims[row, b] < config.merge_similarity + config.member_growth * np.log2(bigger):
                continue
            ra, rb = root(a), root(b)
            if any({root(x), root(y)} == {ra, rb} for x, y in blocked):
                continue
            if ra != rb:
                keep, drop = (ra, rb) if age[ra] <= age[rb] else (rb, ra)
                parent[drop] = keep
    return {c: root(c) for c in range(n) if root(c) != c}


def _closest(cos: np.ndarray, near_sims: np.ndarray, codes: np.ndarray, size: np.ndarray,
             config: AssignConfig) -> int:
    """The narrative of highest centroid cosine above the join threshold that also has a close member, or -1."""
    # A big narrative's centroid turns generic ("đội tuyển", "việt nam"); a close member keeps a document
    # from joining a broad theme on vocabulary alone.
    for code in np.argsort(-cos)[:3].tolist():
        if cos[code] < config.join_similarity:
            break
        floor = config.member_similarity + config.member_growth * np.log2(max(size[code], 1.0))
        if near_sims[codes == code].max(initial=-1.0) >= floor:
            return int(code)
    return -1


def assign_batch(context: pd.DataFrame, batch: pd.DataFrame,
                 config: AssignConfig = AssignConfig(),  # noqa: B008
                 apart: Collection[tuple[str, str]] = ()) -> Assignment:
    """Narrative of every batch document, given already-assigned context documents near in time.

    Both frames have id, time, title, text; context also narrative_id (and optionally first_seen, the
    narrative's first sighting, which decides the kept id of a merge). Batch rows are placed in time
    order, so a later batch document may join a narrative an earlier one opened. `apart`: pairs of narrative
    ids kept from merging (a split part and its parent).
    """
    if batch.empty:
        return Assignment(pd.DataFrame(columns=ASSIGN_COLUMNS))
    batch = batch.sort_values(["time", "id"], kind="stable")
    docs = pd.concat([context.assign(new=False), batch.assign(new=True, narrative_id=None)], ignore_index=True)
    titles, texts = docs["title"].fillna("").tolist(), docs["text"].fillna("").tolist()
    matrix, vocab = tfidf([doc_text(t, x) for t, x in zip(titles, texts, strict=True)])
    times = pd.to_datetime(docs["time"], utc=True).to_numpy(dtype="datetime64[ns]").astype(np.int64)
    window = pd.Timedelta(config.window).value
    ids = docs["id"].tolist()
    n_ctx = len(context)
    ctx_codes, ctx_ids = pd.factorize(docs["narrative_id"].iloc[:n_ctx], sort=True)
    codes = np.full(len(docs), -1, dtype=np.int64)
    codes[:n_ctx] = ctx_codes
    first_seen: dict[str, int] = {}
    if n_ctx and "first_seen" in context.columns:
        seen = pd.to_datetime(context["first_seen"], utc=True).to_numpy(dtype="datetime64[ns]").astype(np.int64)
        first_seen = dict(zip(context["narrative_id"], seen.tolist(), strict=True))
    n0 = len(ctx_ids)
    if n0:
        ctx_matrix = _one_hot(codes[:n_ctx], n0) @ matrix[:n_ctx]
        norm2 = np.asarray(ctx_matrix.multiply(ctx_matrix).sum(axis=1), dtype=float).ravel()
        span = pd.DataFrame({"c": ctx_codes, "t": times[:n_ctx]}).groupby("c")["t"].agg(["min", "max"])
        first, last = span["min"].to_numpy(np.int64), span["max"].to_numpy(np.int64)
        size = np.bincount(ctx_codes, minlength=n0).astype(float)
    else:
        norm2, first, last = np.zeros(0), np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
        size = np.zeros(0)
    state = _Narratives([str(c) for c in ctx_ids], first, last, norm2, size, len(batch))
    new_rows = np.arange(n_ctx, len(docs))
    sims = (matrix[new_rows] @ matrix.T).toarray()
    out = []
    for k, i in enumerate(new_rows.tolist()):
        s, t = sims[k], times[i]
        placed = codes >= 0
        near = placed & (np.abs(times - t) <= window)
        duplicate_of, similarity, owner = None, 1.0, -1
        if near.any():
            near_sims = np.where(near, s, -1.0)
            j = int(near_sims.argmax())
            n = state.n
            # Cosine with each narrative's centroid: members' similarities summed, over the centroid's norm.
            agg = np.bincount(codes[placed], weights=s[placed], minlength=n)
            active = (state.last[:n] >= t - window) & (state.first[:n] <= t + window)
            cos = np.where(active, agg / np.sqrt(np.maximum(state.norm2[:n], 1e-12)), 0.0)
            best = _closest(cos, near_sims, codes, state.size, config)
            if near_sims[j] >= config.duplicate_similarity:
                owner, duplicate_of, similarity = int(codes[j]), ids[j], float(near_sims[j])
            elif best >= 0:
                owner, similarity = best, float(cos[best])
            elif near_sims[j] >= config.pair_similarity:
                owner, similarity = int(codes[j]), float(near_sims[j])
            if owner >= 0:
                state.norm2[owner] += 2.0 * agg[owner] + 1.0
                state.size[owner] += 1.0
                state.last[owner] = max(state.last[owner], t)
                state.first[owner] = min(state.first[owner], t)
        if owner < 0:
            owner = state.open(narrative_id(ids[i]), t)
        codes[i] = owner
        out.append([ids[i], owner, duplicate_of, round(similarity, 4), top_terms(matrix, vocab, i)])
    touched = np.unique(codes[n_ctx:])
    merges = _merges(matrix, codes, state, touched, window, config, first_seen, apart)
    for row in out:
        row[1] = state.ids[merges.get(row[1], row[1])]
    merged = {state.ids[a]: state.ids[b] for a, b in merges.items()}
    return Assignment(pd.DataFrame(out, columns=ASSIGN_COLUMNS), merged)


def assign(context: pd.DataFrame, batch: pd.DataFrame, config: AssignConfig = AssignConfig()) -> pd.DataFrame:  # noqa: B008
    """Placed batch documents only (see `assign_batch`)."""
    return assign_batch(context, batch, config).members
