"""Vietnamese word segmentation (underthesea CRF), batched and cached."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from functools import lru_cache

from underthesea import word_tokenize

from nlp.normalize import normalize

# Press feeds repeat titles and social comments repeat slogans: a bounded cache pays for itself.
CACHE_SIZE = 200_000


@lru_cache(maxsize=CACHE_SIZE)
def segment(text: str) -> str:
    """The text with the syllables of each word joined by "_" and words separated by spaces."""
    if not text.strip():
        return ""
    return str(word_tokenize(text, format="text"))


def prepare(text: str) -> str:
    """Normalised, segmented text: the one representation every model reads."""
    return segment(normalize(text))


def segment_batch(
    texts: Iterable[str], progress: Callable[[int], None] | None = None, chunk: int = 512
) -> list[str]:
    """Segment many texts in order; progress(n) after each chunk of n texts."""
    out: list[str] = []
    pending = 0
    for text in texts:
        out.append(segment(text))
        pending += 1
        if progress is not None and pending == chunk:
            progress(pending)
            pending = 0
    if progress is not None and pending:
        progress(pending)
    return out


def word_count(segmented: str) -> int:
    """Number of word tokens of a segmented text (punctuation excluded)."""
    return sum(1 for tok in segmented.split() if is_word(tok))


def is_word(token: str) -> bool:
    """Whether a token of segmented text is a word (holds a letter or digit), not punctuation."""
    # Checking the ends first settles almost every token without scanning it.
    return token[0].isalnum() or token[-1].isalnum() or any(ch.isalnum() for ch in token)


def cache_clear() -> None:
    """Forget cached segmentations (for benchmarks that must measure the cold path)."""
    segment.cache_clear()
