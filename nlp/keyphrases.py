"""Cheap keyphrases from word-segmented Vietnamese: noun-phrase-ish n-grams ranked by TF-IDF.

The term table (gazetteer/idf.tsv.gz: term, document frequency, usual part of speech) is derived
from a sample of the press timeline in ../shared, segmented and tagged by underthesea, and rebuilt
with ``python -m nlp.keyphrases --build ../shared``. At run time no tagger runs: a token's usual
part of speech comes from the table, so verbs ("yêu cầu", "tăng cường") split phrases for free.
"""

from __future__ import annotations

import argparse
import gzip
import json
import math
import random
import re
import unicodedata
from collections import Counter
from collections.abc import Iterable, Iterator
from functools import cache, lru_cache
from pathlib import Path
from typing import NamedTuple

GAZETTEER = Path(__file__).parent / "gazetteer"
IDF_FILE = GAZETTEER / "idf.tsv.gz"
STOPWORDS_FILE = GAZETTEER / "stopwords_vi.txt"
TIMELINE = Path("data/timeline/rss_timeline_2025_2026.jsonl.gz")

MAX_TERMS = 50_000
MIN_DF = 3
MAX_N = 3
# A one-syllable single word ("giá", "bán") is rarely a topic on its own.
SINGLE_SYLLABLE_WEIGHT = 0.5
# A content token is letters and digits with inner spaces or hyphens, and at least one letter.
_WORDLIKE = re.compile(r"(?=.*[^\W\d_])[^\W_]+(?:[ -][^\W_]+)*")
# Coarse parts of speech kept in the table; only nouns and adjectives make up a keyphrase.
_NOUN, _ADJ, _VERB, _OTHER = "N", "A", "V", "X"
_CONTENT = {_NOUN, _ADJ}


def _norm(token: str) -> str:
    """Token as a table key: NFC, lower case, syllables joined by single spaces."""
    return " ".join(unicodedata.normalize("NFC", token).replace("_", " ").lower().split())


@cache
def _stopwords() -> frozenset[str]:
    lines = STOPWORDS_FILE.read_text(encoding="utf-8").splitlines()
    return frozenset(_norm(w) for w in lines if w.strip() and not w.startswith("#"))


class _Terms(NamedTuple):
    idf: dict[str, float]
    tag: dict[str, str]
    unknown_idf: float  # terms the table lacks are as rare as the rarest kept


@cache
def _terms() -> _Terms:
    """The shipped term table."""
    idf: dict[str, float] = {}
    tag: dict[str, str] = {}
    with gzip.open(IDF_FILE, "rt", encoding="utf-8") as fh:
        n_docs = int(fh.readline().split("\t")[1])
        for line in fh:
            term, df, pos = line.rstrip("\n").split("\t")
            idf[term] = math.log(n_docs / int(df))
            tag[term] = pos
    return _Terms(idf, tag, math.log(n_docs / MIN_DF))


def _chunks(tokens: list[str], tags: dict[str, str]) -> Iterator[list[tuple[str, str]]]:
    """Runs of (shown form, key) noun or adjective tokens, split at anything else.

    A token the table lacks counts as a noun: rare tokens are mostly names.
    """
    run: list[tuple[str, str]] = []
    for token in tokens:
        item = _content_token(token) if tags is _terms().tag else _content_token_in(token, tags)
        if item is None:
            if run:
                yield run
            run = []
        else:
            run.append(item)
    if run:
        yield run


@lru_cache(maxsize=200_000)
def _content_token(token: str) -> tuple[str, str] | None:
    """(shown form, key) of a token that may belong to a keyphrase, by the shipped table; else None.

    Cached: the same few thousand tokens make up most texts, and annotation calls this per token.
    """
    return _content_token_in(token, _terms().tag)


def _content_token_in(token: str, tags: dict[str, str]) -> tuple[str, str] | None:
    key = _norm(token)
    # Single letters are units or initials ("9h", "U.16"), never a phrase's word.
    if len(key) < 2 or key in _stopwords() or not _WORDLIKE.fullmatch(key) or tags.get(key, _NOUN) not in _CONTENT:
        return None
    return " ".join(token.replace("_", " ").split()), key


def keyphrases(tokens: list[str], k: int = 5) -> list[str]:
    """The k best keyphrases of a word-segmented text ('_' or spaces inside words), best first."""
    terms = _terms()
    counts: Counter[tuple[str, ...]] = Counter()
    shown: dict[tuple[str, ...], str] = {}
    for run in _chunks(tokens, terms.tag):
        forms = [form for form, _ in run]
        keys = [key for _, key in run]
        for i, head in enumerate(keys):
            if terms.tag.get(head, _NOUN) != _NOUN:
                continue  # a phrase opens with its head noun: "bệnh viện quá tải"
            for n in range(1, min(MAX_N, len(keys) - i) + 1):
                gram = tuple(keys[i : i + n])
                counts[gram] += 1
                if gram not in shown:  # the first occurrence names the phrase
                    shown[gram] = " ".join(forms[i : i + n])

    def score(gram: tuple[str, ...]) -> float:
        weight = SINGLE_SYLLABLE_WEIGHT if len(gram) == 1 and " " not in gram[0] else 1.0
        return counts[gram] * weight * sum(terms.idf.get(t, terms.unknown_idf) for t in gram)

    picked: list[tuple[str, ...]] = []
    for gram in sorted(counts, key=lambda g: (-score(g), shown[g])):
        # Skip a phrase sharing a word with one already picked: "Bộ Y tế" and "Y tế", or
        # "giá vàng miếng" and "vàng miếng SJC", say the same thing.
        if any(set(p) & set(gram) for p in picked):
            continue
        picked.append(gram)
        if len(picked) == k:
            break
    return [shown[g] for g in picked]


def _coarse(tag: str) -> str:
    """underthesea's tag set folded to noun (N, Np, Nc, Nu, Ny, Nb), verb, adjective, other."""
    if tag.startswith("N"):
        return _NOUN
    return {"V": _VERB, "A": _ADJ}.get(tag, _OTHER)


class TermStats(NamedTuple):
    """Document frequencies and part-of-speech counts of a tagged corpus."""

    df: Counter[str]
    pos: dict[str, Counter[str]]
    n_docs: int


def term_stats(docs: Iterable[list[tuple[str, str]]]) -> TermStats:
    """Document frequency and tag counts of every word-like, non-stopword token."""
    stop = _stopwords()
    df: Counter[str] = Counter()
    pos: dict[str, Counter[str]] = {}
    n = 0
    for tagged in docs:
        n += 1
        seen: set[str] = set()
        for token, tag in tagged:
            key = _norm(token)
            if key in stop or not _WORDLIKE.fullmatch(key):
                continue
            seen.add(key)
            pos.setdefault(key, Counter())[_coarse(tag)] += 1
        df.update(seen)
    return TermStats(df, pos, n)


def _timeline_texts(shared_dir: Path, sample: int, seed: int) -> list[str]:
    with gzip.open(shared_dir / TIMELINE, "rt", encoding="utf-8") as fh:
        rows = [json.loads(line) for line in fh if line.strip()]
    texts = [unicodedata.normalize("NFC", f"{r['title']}. {r.get('summary', '')}") for r in rows]
    random.Random(seed).shuffle(texts)
    return texts[:sample]


def _tag(text: str) -> list[tuple[str, str]]:
    from underthesea import pos_tag  # heavy import, only needed when building

    return [(str(w), str(t)) for w, t in pos_tag(text)]


def build_idf(shared_dir: Path, out: Path = IDF_FILE, sample: int = 40_000, seed: int = 0) -> int:
    """Write the term table from a sample of timeline items; returns the number of terms kept."""
    from multiprocessing import Pool

    texts = _timeline_texts(shared_dir, sample, seed)
    with Pool() as pool:
        stats = term_stats(pool.imap(_tag, texts, chunksize=200))
    kept = [(t, c) for t, c in stats.df.most_common() if c >= MIN_DF][:MAX_TERMS]
    with gzip.open(out, "wt", encoding="utf-8", compresslevel=9) as fh:
        # Header: the document count; terms are sorted so rebuilds diff cleanly.
        fh.write(f"#docs\t{stats.n_docs}\n")
        for term, df in sorted(kept):
            fh.write(f"{term}\t{df}\t{stats.pos[term].most_common(1)[0][0]}\n")
    return len(kept)


def main(argv: list[str] | None = None) -> int:
    """Command line: rebuild the shipped IDF table from ../shared."""
    parser = argparse.ArgumentParser(prog="python -m nlp.keyphrases", description=__doc__)
    parser.add_argument("--build", metavar="SHARED_DIR", type=Path, required=True,
                        help="folder holding data/timeline/rss_timeline_2025_2026.jsonl.gz")
    parser.add_argument("--sample", type=int, default=40_000, help="timeline items to read")
    parser.add_argument("--out", type=Path, default=IDF_FILE)
    args = parser.parse_args(argv)
    if not (args.build / TIMELINE).is_file():
        parser.error(f"no timeline at {args.build / TIMELINE}")
    kept = build_idf(args.build, args.out, args.sample)
    print(f"wrote {kept} terms to {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
