"""Keyphrases on token lists written for these tests, with the shipped term table."""

from __future__ import annotations

import gzip
from collections import Counter
from pathlib import Path

import pytest

from nlp.keyphrases import IDF_FILE, keyphrases, main, term_stats

# "Dengue cases rise in Hà Nội; the Ministry of Health asks hospitals to prepare": segmented by hand.
TOKENS = [
    "Bộ",
    "Y_tế",
    "yêu_cầu",
    "các",
    "bệnh_viện",
    "chuẩn_bị",
    "giường",
    "bệnh",
    "cho",
    "bệnh_nhân",
    "sốt_xuất_huyết",
    ".",
    "Số",
    "ca",
    "sốt_xuất_huyết",
    "tại",
    "Hà_Nội",
    "tăng",
    "mạnh",
    ",",
    "nhiều",
    "bệnh_viện",
    "quá_tải",
    "vì",
    "sốt_xuất_huyết",
    ".",
]


def test_spaces_or_underscores_give_the_same_phrases() -> None:
    spaced = [t.replace("_", " ") for t in TOKENS]
    assert keyphrases(TOKENS) == keyphrases(spaced)


def test_repeated_rare_noun_phrase_ranks_first() -> None:
    phrases = keyphrases(TOKENS, k=5)
    assert 1 <= len(phrases) <= 5
    assert phrases[0] == "sốt xuất huyết"
    assert "bệnh viện quá tải" in phrases  # a noun with its adjective
    assert "Hà Nội" in keyphrases(TOKENS, k=10)


def test_phrases_hold_no_verbs_stopwords_or_punctuation() -> None:
    joined = " | ".join(keyphrases(TOKENS, k=10))
    for word in ("yêu cầu", "chuẩn bị", "tại", "các", "vì", ".", ","):
        assert f" {word} " not in f" {joined} ", word


def test_phrases_share_no_word() -> None:
    phrases = keyphrases(TOKENS, k=10)
    words = [w for p in phrases for w in p.lower().split()]
    assert "bệnh viện" not in phrases  # already inside "bệnh viện quá tải"
    assert len(phrases) == len(set(phrases))
    assert words.count("tế") <= 1


def test_empty_and_function_words_only() -> None:
    assert keyphrases([]) == []
    assert keyphrases(["và", "của", ",", "2025", "h", "9"]) == []


def test_term_stats_counts_documents_and_tags() -> None:
    docs = [
        [("Bộ", "N"), ("Y tế", "N"), ("yêu cầu", "V"), ("!", "CH"), ("của", "E")],
        [("Y tế", "N"), ("y tế", "N"), ("2025", "M")],
    ]
    stats = term_stats(docs)
    assert stats.n_docs == 2
    assert stats.df == Counter({"y tế": 2, "bộ": 1, "yêu cầu": 1})
    assert stats.pos["y tế"] == Counter({"N": 3})
    assert stats.pos["yêu cầu"] == Counter({"V": 1})


def test_shipped_table_is_small_and_well_formed() -> None:
    assert IDF_FILE.stat().st_size < 2_000_000
    with gzip.open(IDF_FILE, "rt", encoding="utf-8") as fh:
        assert fh.readline().startswith("#docs\t")
        rows = [line.rstrip("\n").split("\t") for line in fh]
    assert 5_000 < len(rows) <= 50_000
    assert all(len(r) == 3 and int(r[1]) >= 3 and r[2] in {"N", "A", "V", "X"} for r in rows)


def test_build_refuses_a_folder_without_the_timeline(tmp_path: Path) -> None:
    with pytest.raises(SystemExit) as err:
        main(["--build", str(tmp_path), "--out", str(tmp_path / "idf.tsv.gz")])
    assert err.value.code == 2
