"""Text features of a document for grouping: word shingles with MinHash, and TF-IDF term vectors."""

from __future__ import annotations

import gzip
import re
import unicodedata
from collections.abc import Sequence
from functools import cache
from pathlib import Path

import numpy as np
import scipy.sparse as sp
from datasketch import MinHash
from sklearn.feature_extraction.text import TfidfVectorizer

# The keyphrase term table nlp ships (term, document frequency, usual part of speech).
TERM_TABLE = Path(__file__).resolve().parents[2] / "nlp" / "gazetteer" / "idf.tsv.gz"
NUM_PERM = 64
SHINGLE = 3
_WORD = re.compile(r"[^\W_]+", re.UNICODE)


def words(text: str) -> list[str]:
    """Lower-case NFC syllables and numbers of a text, in order."""
    return _WORD.findall(unicodedata.normalize("NFC", text).lower())


def doc_text(title: str, text: str) -> str:
    """What a document is grouped on: the title twice (headlines carry the story), then the body."""
    return f"{title} . {title} . {text}"


def shingles(tokens: Sequence[str], size: int = SHINGLE) -> set[bytes]:
    """Overlapping word n-grams, encoded for hashing; a text shorter than n is one shingle."""
    if len(tokens) < size:
        return {" ".join(tokens).encode("utf-8")}
    return {" ".join(tokens[i : i + size]).encode("utf-8") for i in range(len(tokens) - size + 1)}


def minhash(title: str, text: str) -> MinHash:
    """MinHash of a document's title and body shingles (titles once: copies share bodies too)."""
    m = MinHash(num_perm=NUM_PERM, seed=7)
    m.update_batch(list(shingles(words(f"{title} {text}"))))
    return m


def tfidf(texts: Sequence[str]) -> tuple[sp.csr_matrix, np.ndarray]:
    """L2-normalised TF-IDF vectors (syllable 1-2-grams) of the texts and the vocabulary."""
    vectorizer = TfidfVectorizer(tokenizer=words, lowercase=False, token_pattern=None, ngram_range=(1, 2),
                                 sublinear_tf=True, min_df=1, dtype=np.float32)
    matrix = vectorizer.fit_transform(texts)
    return sp.csr_matrix(matrix), vectorizer.get_feature_names_out()


STOPWORDS = TERM_TABLE.with_name("stopwords_vi.txt")


@cache
def _noise() -> frozenset[str]:
    """Function words (nlp's keyphrase stop list) and calendar words that never make a key term."""
    lines = STOPWORDS.read_text(encoding="utf-8").splitlines()
    words = {w.strip().lower() for w in lines if w.strip() and not w.startswith("#") and " " not in w.strip()}
    return frozenset(words | {"năm", "ngày", "tháng", "giờ", "sáng", "chiều", "tối", "hôm", "nay"})


@cache
def known_phrases() -> frozenset[str]:
    """Multi-syllable nouns and adjectives of the shipped term table: bigrams that are real words."""
    with gzip.open(TERM_TABLE, "rt", encoding="utf-8") as fh:
        next(fh)
        rows = (line.rstrip("\n").split("\t") for line in fh)
        return frozenset(r[0] for r in rows if len(r) == 3 and " " in r[0] and r[2] in ("N", "A"))


def without_parts(terms: Sequence[str]) -> list[str]:
    """Terms in order, each single syllable replaced by the best-ranked two-syllable term of the list
    that holds it ("hài" -> "hài cốt"), without repeats or single letters."""
    holder: dict[str, str] = {}
    for t in terms:
        if " " in t:
            for part in t.split():
                holder.setdefault(part, t)
    out = [holder.get(t, t) for t in terms if len(t) > 1]
    return list(dict.fromkeys(out))


def noise_free(matrix: sp.csr_matrix, vocab: np.ndarray) -> sp.csr_matrix:
    """The matrix without the columns of terms holding a function word or a bare number."""
    keep = [j for j, term in enumerate(vocab) if not any(p in _noise() or p.isdigit() for p in str(term).split())]
    return sp.csr_matrix(matrix[:, keep])


def top_terms(matrix: sp.csr_matrix, vocab: np.ndarray, row: int, k: int = 5) -> list[str]:
    """The k heaviest terms of one row, skipping function words, bare numbers and halves of chosen words."""
    start, end = matrix.indptr[row], matrix.indptr[row + 1]
    idx, weights = matrix.indices[start:end], matrix.data[start:end]
    out: list[str] = []
    for j in idx[np.argsort(-weights, kind="stable")]:
        term = str(vocab[j])
        parts = term.split()
        # A syllable bigram across a word boundary ("đá công") is noise unless the table knows it.
        if any(p in _noise() or p.isdigit() for p in parts) or (len(parts) > 1 and term not in known_phrases()):
            continue
        out.append(term)
        if len(out) == 2 * k:
            break
    return without_parts(out)[:k]
