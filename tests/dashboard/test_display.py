"""Pure display helpers and the translation table."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pandas as pd
import pytest

from dashboard import display
from dashboard.i18n import DEFAULT_LANG, LANGS, TEXTS, current_lang, tr

TZ = display.TZ


def test_default_range_ends_on_the_newest_document_not_today() -> None:
    first = datetime(2024, 1, 1, 8, tzinfo=TZ)
    last = datetime(2025, 3, 15, 23, 30, tzinfo=TZ)
    assert display.default_range(first, last) == (date(2025, 2, 14), date(2025, 3, 15))


def test_default_range_does_not_start_before_the_data() -> None:
    first = datetime(2025, 3, 10, 8, tzinfo=TZ)
    last = datetime(2025, 3, 15, tzinfo=TZ)
    assert display.default_range(first, last) == (date(2025, 3, 10), date(2025, 3, 15))


def test_local_date_uses_the_warehouse_time_zone() -> None:
    late_utc = datetime.fromisoformat("2025-03-14T20:00:00+00:00")  # 03:00 on the 15th in Hà Nội
    assert display.local_date(late_utc) == date(2025, 3, 15)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ((date(2025, 3, 1), date(2025, 3, 5)), (date(2025, 3, 1), date(2025, 3, 5))),
        ((date(2025, 3, 5), date(2025, 3, 1)), (date(2025, 3, 1), date(2025, 3, 5))),
        ((date(2025, 3, 3),), (date(2025, 3, 3), date(2025, 3, 3))),  # mid-selection
        (date(2025, 3, 4), (date(2025, 3, 4), date(2025, 3, 4))),
        ((), (date(2020, 1, 1), date(2020, 1, 2))),
        (None, (date(2020, 1, 1), date(2020, 1, 2))),
    ],
)
def test_normalise_range(value: object, expected: tuple[date, date]) -> None:
    assert display.normalise_range(value, (date(2020, 1, 1), date(2020, 1, 2))) == expected


def test_window_is_half_open_and_local() -> None:
    start, end = display.window(date(2025, 3, 1), date(2025, 3, 1))
    assert start == datetime(2025, 3, 1, tzinfo=TZ)
    assert end - start == timedelta(days=1)
    assert start.utcoffset() == timedelta(hours=7)


def test_auto_grain() -> None:
    assert display.auto_grain(date(2025, 3, 1), date(2025, 3, 3)) == "hour"
    assert display.auto_grain(date(2025, 3, 1), date(2025, 3, 4)) == "day"


def test_topic_labels_fall_back_to_the_slug() -> None:
    names = pd.DataFrame({"slug": ["y-te"], "name_vi": ["Y tế – Sức khỏe"], "name_en": ["health"]})
    assert display.label("y-te", display.topic_labels(names, "vi")) == "Y tế – Sức khỏe"
    assert display.label("y-te", display.topic_labels(names, "en")) == "health"
    assert display.label("theo-doi-moi", display.topic_labels(names, "vi")) == "theo-doi-moi"


def test_lump_minor_keeps_the_largest_and_sums_the_rest() -> None:
    frame = pd.DataFrame(
        {"bucket": [1, 1, 1, 2], "key": ["a", "b", "c", "c"], "n_documents": [5, 1, 2, 2]}
    )
    out = display.lump_minor(frame, "key", "n_documents", 2, "khác")
    assert out.groupby("key")["n_documents"].sum().to_dict() == {"a": 5, "c": 4, "khác": 1}
    assert out["n_documents"].sum() == frame["n_documents"].sum()
    assert display.lump_minor(frame, "key", "n_documents", 3, "khác") is frame


def test_by_sentiment_orders_and_translates() -> None:
    frame = pd.DataFrame(
        {"bucket": [1, 1, 1], "key": ["positive", "negative", "mixed"], "n_documents": [1, 2, 3]}
    )
    out = display.by_sentiment(frame, "key", "en")
    assert list(out["key"]) == ["Negative", "Positive", "mixed"]


def test_growth_display_marks_new_topics() -> None:
    frame = pd.DataFrame(
        {"topic": ["y-te", "moi"], "last_24h": [6, 3], "baseline": [2.0, 0.0], "growth": [3.0, None]}
    )
    out = display.growth_display(frame, "vi", {"y-te": "Y tế"})
    assert list(out.columns) == [tr(k, "vi") for k in ("topic", "last_24h", "baseline", "growth", "link")]
    assert list(out.iloc[:, 4]) == ["topic?topic=y-te", "topic?topic=moi"]
    assert list(out.iloc[:, 0]) == ["Y tế", "moi"]
    assert list(out.iloc[:, 3]) == ["3.0×", "mới"]


def test_negative_shift_display() -> None:
    frame = pd.DataFrame(
        {"topic": ["y-te", "moi"], "last_24h": [5, 3], "negative_share": [0.6, 1.0],
         "prior_share": [0.2, None], "shift": [0.4, 1.0]}
    )
    out = display.negative_shift_display(frame, "en", {"y-te": "health"})
    assert out.values.tolist() == [
        ["health", 5, "60%", "20%", "+40", "topic?topic=y-te"],
        ["moi", 3, "100%", "–", "+100", "topic?topic=moi"],
    ]


def test_display_frames_accept_no_rows() -> None:
    spikes = pd.DataFrame(columns=["hour", "topic", "n_documents", "expected", "score", "alert"])
    assert display.spikes_display(spikes, "vi", {}).empty
    growth = pd.DataFrame(columns=["topic", "last_24h", "baseline", "growth"])
    assert display.growth_display(growth, "en", {}).empty
    turning = pd.DataFrame(columns=["topic", "last_24h", "negative_share", "prior_share", "shift"])
    assert display.negative_shift_display(turning, "vi", {}).empty


def test_markdown_link_escapes_titles_and_refuses_other_schemes() -> None:
    assert display.markdown_link("Giá [vàng] *tăng*", "https://a.vn/x") == (
        "[Giá \\[vàng\\] \\*tăng\\*](<https://a.vn/x>)"
    )
    assert display.markdown_link("Bẫy", "javascript:alert(1)") == "Bẫy"
    assert display.markdown_link("", "https://a.vn/y") == "[https://a.vn/y](<https://a.vn/y>)"


def test_document_lines() -> None:
    frame = pd.DataFrame(
        {
            "published_at": [datetime(2025, 3, 15, 9, 5, tzinfo=TZ)], "source": ["tuoitre"],
            "title": ["Tin A"], "url": ["https://t.vn/a"], "sentiment": ["negative"],
        }
    )
    expected = "- [Tin A](<https://t.vn/a>) — tuoitre · 15/03/2025 09:05 · Tiêu cực"
    assert display.document_lines(frame, "vi") == expected


def test_document_lines_without_a_title_show_the_url() -> None:
    frame = pd.DataFrame(
        {
            "published_at": [datetime(2025, 3, 15, 9, 5, tzinfo=TZ)], "source": ["fb"],
            "title": [None], "url": ["https://t.vn/b"], "sentiment": ["neutral"],
        }
    )
    assert display.document_lines(frame, "en").startswith("- [https://t.vn/b](<https://t.vn/b>) — fb")


def test_formats() -> None:
    assert display.format_count(1234567, "vi") == "1.234.567"
    assert display.format_count(1234567, "en") == "1,234,567"
    assert display.format_share(0.125) == "12%"
    assert display.format_share(None) == "–"
    assert display.format_period(date(2025, 3, 1), date(2025, 3, 9), "vi") == "01/03/2025 – 09/03/2025"


def test_every_label_exists_in_every_language() -> None:
    for key, entry in TEXTS.items():
        assert set(entry) == set(LANGS), key
        assert all(entry[lang].strip() for lang in LANGS), key


def test_tr_and_current_lang() -> None:
    assert tr("matches", "en", n=3) == "3 matches"
    assert tr("no-such-key", "vi") == "no-such-key"
    assert current_lang({}) == DEFAULT_LANG == "vi"
    assert current_lang({"lang": "en"}) == "en"
    assert current_lang({"lang": "fr"}) == "vi"


def test_parquet_bytes() -> None:
    frame = pd.DataFrame({"a": [1, 2], "b": ["x", "y"]})
    data = display.parquet_bytes(frame)
    assert data is not None and data[:4] == b"PAR1"
    assert display.parquet_bytes(pd.DataFrame({"mixed": [1, "a", {"k": 1}]})) is None
