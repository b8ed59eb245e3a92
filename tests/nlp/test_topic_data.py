"""Topic training data: keyword matching on own sentences, label counts and overlap on ../shared."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from nlp.taxonomy import topic_slugs
from nlp.topic_data import (
    BAOMOI_MAP,
    VNTC_MAP,
    load_keywords,
    load_topic_eval,
    load_topic_examples,
    load_topic_training,
    match_keywords,
    weak_topic,
)


def test_keyword_file_covers_taxonomy() -> None:
    assert set(load_keywords().slugs) == set(topic_slugs())


def test_mappings_only_use_taxonomy_slugs() -> None:
    slugs = set(topic_slugs())
    for label in [*BAOMOI_MAP.values(), *VNTC_MAP.values()]:
        assert label.default is None or label.default in slugs
        assert set(label.refine) <= slugs


def test_match_is_whole_word_and_case_insensitive() -> None:
    assert "cao tốc" in match_keywords("Khánh thành CAO TỐC Bắc – Nam")["giao-thong"]
    # "bot" must not fire inside "robot"; "mỹ" must not fire inside "mỹ phẩm".
    assert "giao-thong" not in match_keywords("Robot lau nhà giá rẻ")
    assert "doi-ngoai" not in match_keywords("Thu hồi lô mỹ phẩm kém chất lượng")
    assert "doi-ngoai" in match_keywords("Tổng thống Mỹ thăm Hà Nội")


def test_weak_topic_needs_exactly_one_weak_slug() -> None:
    assert weak_topic("Khởi công đường cao tốc nối hai tỉnh miền Tây") == "giao-thong"
    assert weak_topic("Quốc hội thông qua nghị quyết sáp nhập tỉnh") == "chinh-tri"
    assert weak_topic("Tăng lương tối thiểu vùng từ đầu năm sau") == "lao-dong"
    # A foreign country vetoes the domestic reading of "Quốc hội".
    assert weak_topic("Quốc hội Mỹ bỏ phiếu ngân sách quốc phòng") is None
    # Two weak topics at once: no label rather than a guess.
    assert weak_topic("Học sinh bị xe tải tông trên quốc lộ") is None
    # Sport vetoes: a club named after a trade union is not labour news.
    assert weak_topic("Công đoàn Hải Phòng vào bán kết") is None
    assert weak_topic("Tân binh ghi bàn giúp Man United thắng") is None  # a signing, not a recruit
    assert weak_topic("Tân binh nhập ngũ đợt một") == "quoc-phong"
    assert weak_topic("Giá cổ phiếu ngân hàng tăng mạnh") is None  # kinh-te is not weak


@pytest.mark.shared
def test_shared_label_counts_and_no_overlap(shared_dir: Path) -> None:
    train = load_topic_examples(shared_dir)
    evals = load_topic_eval(shared_dir)
    counts = Counter(ex.slug for ex in train)
    assert set(counts) == set(topic_slugs())
    assert min(counts.values()) >= 500, counts
    assert len(train) > 100_000
    eval_counts = Counter(slug for _, slug in evals)
    assert set(eval_counts) == {"kinh-te", "van-hoa-the-thao", "khoa-hoc-cong-nghe", "doi-ngoai", "y-te"}
    assert min(eval_counts.values()) >= 50, eval_counts
    assert len(evals) > 1_500
    train_titles = {" ".join(ex.text.split(". ", 1)[0].lower().split()) for ex in train}
    eval_titles = {" ".join(t.split(". ", 1)[0].lower().split()) for t, _ in evals}
    assert not train_titles & eval_titles
    assert len({ex.text for ex in train}) == len(train)


@pytest.mark.shared
def test_shared_limit_per_label_is_deterministic(shared_dir: Path) -> None:
    a = load_topic_training(shared_dir, limit_per_label=300, seed=1)
    b = load_topic_training(shared_dir, limit_per_label=300, seed=1)
    assert a == b
    assert max(Counter(slug for _, slug in a).values()) == 300


@pytest.mark.shared
def test_shared_newest_60_days_stay_out_of_training(shared_dir: Path) -> None:
    import gzip
    import json
    import unicodedata
    from datetime import datetime, timedelta

    path = shared_dir / "data/timeline/rss_timeline_2025_2026.jsonl.gz"
    with gzip.open(path, "rt", encoding="utf-8") as fh:
        rows = [json.loads(line) for line in fh]
    newest = max(datetime.fromisoformat(r["published"]) for r in rows)
    recent = {
        unicodedata.normalize("NFC", f"{r['title'].strip()}. {r['summary'].strip()}")
        for r in rows
        if datetime.fromisoformat(r["published"]) > newest - timedelta(days=60)
    }
    assert len(recent) > 10_000
    assert not recent & {text for text, _ in load_topic_training(shared_dir)}
