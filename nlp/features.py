"""Stateless text features shared by all classifiers: hashed word and character n-grams."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import asdict, dataclass
from typing import Any

import numpy as np
import scipy.sparse as sp
from sklearn.feature_extraction.text import HashingVectorizer

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
                    spaced = [s.replace("_", " ") for s in plain]
                    blocks[key] = _hasher(spec, "char_wb", ngrams).transform(spaced)
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
