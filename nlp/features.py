"""Stateless text features shared by all classifiers: hashed word and character n-grams."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import asdict, dataclass
from typing import Any

import numpy as np
import scipy.sparse as sp
from sklearn.feature_extraction.text import HashingVectorizer
from sklearn.utils import murmurhash3_32

from nlp.normalize import strip_accents
from nlp.segment import is_word, prepare

__all__ = ["FeatureSpec", "featurize", "featurize_many", "prepare"]


@dataclass(frozen=True)
class FeatureSpec:
    """Which n-grams a model reads; models with equal specs share one feature matrix."""

    word_ngrams: tuple[int, int] = (1, 2)
    # Word n-grams again on the de-accented copy: matches text typed without diacritics.
    plain_ngrams: tuple[int, int] | None = (1, 2)
    char_ngrams: tuple[int, int] | None = (2, 4)
    n_features: int = 2**20

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form for meta.json."""
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> FeatureSpec:
        """Inverse of to_dict (lists from JSON become tuples)."""
        return cls(
            word_ngrams=_pair(data["word_ngrams"]) or (1, 2),
            plain_ngrams=_pair(data.get("plain_ngrams")),
            char_ngrams=_pair(data.get("char_ngrams")),
            n_features=int(data.get("n_features", 2**20)),
        )

    @property
    def width(self) -> int:
        """Number of columns of the feature matrix."""
        return self.n_features * (1 + (self.plain_ngrams is not None) + (self.char_ngrams is not None))


def _pair(value: Any) -> tuple[int, int] | None:
    return None if value is None else (int(value[0]), int(value[1]))


def _hasher(spec: FeatureSpec, analyzer: str, ngrams: tuple[int, int]) -> HashingVectorizer:
    return HashingVectorizer(
        analyzer=analyzer,
        ngram_range=ngrams,
        n_features=spec.n_features,
        alternate_sign=False,
        norm=None,
        lowercase=False,
        token_pattern=r"\S+",
        dtype=np.float32,
    )


# Words repeat across texts far more than texts do: the hashed character n-grams of each word are
# kept, so a text costs a few dictionary lookups instead of re-slicing and re-hashing every word.
_CHAR_CACHE_SIZE = 300_000
_char_cache: dict[tuple[tuple[int, int], int], dict[str, np.ndarray]] = {}


def _word_char_columns(word: str, ngrams: tuple[int, int], n_features: int) -> np.ndarray:
    """Columns of the char_wb n-grams of one word, exactly as HashingVectorizer(analyzer="char_wb")."""
    w = f" {word} "
    grams: list[str] = []
    for n in range(ngrams[0], ngrams[1] + 1):
        # Same enumeration as sklearn's _char_wb_ngrams: a word shorter than n counts once.
        grams.extend(w[i : i + n] for i in range(max(1, len(w) - n + 1)))
        if len(w) <= n:
            break
    hashes = np.fromiter((murmurhash3_32(g, seed=0) for g in grams), dtype=np.int64, count=len(grams))
    return (np.abs(hashes) % n_features).astype(np.int32)


def char_block(texts: list[str], ngrams: tuple[int, int], n_features: int) -> sp.csr_matrix:
    """Counts of hashed char_wb n-grams of whitespace-separated words, equal to HashingVectorizer's."""
    cache = _char_cache.setdefault((ngrams, n_features), {})
    chunks: list[np.ndarray] = []
    indptr = np.zeros(len(texts) + 1, dtype=np.int64)
    total = 0
    for row, text in enumerate(texts):
        for word in text.split():
            cols = cache.get(word)
            if cols is None:
                cols = _word_char_columns(word, ngrams, n_features)
                if len(cache) < _CHAR_CACHE_SIZE:
                    cache[word] = cols
            chunks.append(cols)
            total += len(cols)
        indptr[row + 1] = total
    indices = np.concatenate(chunks) if chunks else np.zeros(0, dtype=np.int32)
    x = sp.csr_matrix(
        (np.ones(len(indices), dtype=np.float32), indices, indptr), shape=(len(texts), n_features)
    )
    x.sum_duplicates()
    return x


def featurize(segmented: list[str], spec: FeatureSpec) -> sp.csr_matrix:
    """Raw n-gram counts of segmented texts (lower-cased; punctuation-only tokens dropped)."""
    return featurize_many(segmented, [spec])[spec]


def featurize_many(segmented: list[str], specs: Iterable[FeatureSpec]) -> dict[FeatureSpec, sp.csr_matrix]:
    """featurize() for several specs, computing each n-gram block shared by specs only once."""
    lowered = [" ".join(t for t in s.lower().split() if is_word(t)) for s in segmented]
    plain: list[str] = []
    blocks: dict[tuple[str, tuple[int, int], int], sp.csr_matrix] = {}

    def block(kind: str, ngrams: tuple[int, int], spec: FeatureSpec) -> sp.csr_matrix:
        key = (kind, ngrams, spec.n_features)
        if key not in blocks:
            if kind == "word":
                blocks[key] = _hasher(spec, "word", ngrams).transform(lowered)
            else:
                if not plain:
                    plain.extend(strip_accents(s) for s in lowered)
                if kind == "plain":
                    blocks[key] = _hasher(spec, "word", ngrams).transform(plain)
                else:
                    blocks[key] = char_block([s.replace("_", " ") for s in plain], ngrams, spec.n_features)
        return blocks[key]

    out = {}
    for spec in specs:
        parts = [block("word", spec.word_ngrams, spec)]
        if spec.plain_ngrams is not None:
            parts.append(block("plain", spec.plain_ngrams, spec))
        if spec.char_ngrams is not None:
            parts.append(block("char", spec.char_ngrams, spec))
        out[spec] = sp.hstack(parts, format="csr")
    return out
