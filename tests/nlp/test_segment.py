"""Word segmentation: underthesea CRF, cached and batched."""

from __future__ import annotations

from nlp.segment import segment, segment_batch, word_count


def test_segment_joins_syllables_of_words() -> None:
    out = segment("Bác sĩ bây giờ có thể thản nhiên báo tin bệnh nhân bị ung thư")
    assert "bác_sĩ" in out.lower().split()
    assert "bệnh_nhân" in out.split()


def test_empty_and_cache() -> None:
    assert segment("") == ""
    assert segment("   ") == ""
    text = "Quốc hội thông qua luật đất đai sửa đổi"
    before = segment.cache_info().hits
    assert segment(text) == segment(text)
    assert segment.cache_info().hits > before


def test_batch_keeps_order_and_reports_progress() -> None:
    texts = [f"Người dân số {i} đi làm" for i in range(7)]
    seen: list[int] = []
    out = segment_batch(texts, progress=seen.append, chunk=3)
    assert out == [segment(t) for t in texts]
    assert seen == [3, 3, 1]


def test_word_count_ignores_punctuation() -> None:
    assert word_count("Bác_sĩ khám bệnh_nhân .") == 3
    assert word_count("") == 0
