"""Legal-document references on sentences written for these tests."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from nlp.legal import find_legal_refs


def _ids(text: str) -> list[str]:
    return [r.id for r in find_legal_refs(text)]


@pytest.mark.parametrize(
    ("text", "ref_id"),
    [
        ("Xử phạt theo Nghị định 168/2024/NĐ-CP từ đầu năm.", "nd-168-2024-nd-cp"),
        ("Nghị định số 168/2024/NĐ-CP có hiệu lực.", "nd-168-2024-nd-cp"),
        ("Nghị định 168/2024 về xử phạt giao thông.", "nd-168-2024-nd-cp"),  # only CP issues decrees
        ("Thực hiện Chỉ thị số 07/CT-TTg của Thủ tướng.", "ct-07-ct-ttg"),
        ("Chỉ thị 7/CT-TTg nói rõ.", "ct-07-ct-ttg"),
        ("Quyết định 407/QĐ-TTg phê duyệt đề án.", "qd-407-qd-ttg"),
        ("Quyết định số 1.234/QĐ-UBND của tỉnh.", "qd-1234-qd-ubnd"),
        ("Thông tư 12/2025/TT-BGDĐT sửa đổi quy chế thi.", "tt-12-2025-tt-bgddt"),
        ("Áp dụng Luật Đất đai 2024 cho hồ sơ mới.", "luat-dat-dai-2024"),
        ("Luật Đất đai số 31/2024/QH15 được thông qua.", "luat-dat-dai-2024"),
        ("Bộ luật Hình sự năm 2015 quy định tội này.", "bo-luat-hinh-su-2015"),
        ("Hiến pháp năm 2013 khẳng định quyền con người.", "hien-phap-2013"),
        ("Nghị quyết 57-NQ/TW về khoa học, công nghệ.", "nq-57-nq-tw"),
        ("Nghị quyết 18/2008/QH12 của Quốc hội.", "nq-18-2008-qh12"),
        ("Công văn 123/UBND-KT gửi các sở.", "cv-123-ubnd-kt"),
        ("Kết luận số 09-KL/TW của Bộ Chính trị.", "kl-09-kl-tw"),
        ("Thông tư liên tịch 01/2014/TTLT-BTC-BCA hết hiệu lực.", "ttlt-01-2014-ttlt-btc-bca"),
        ("Văn bản viện dẫn 31/2024/QH15 ở phần căn cứ.", "luat-31-2024-qh15"),
        ("Triển khai Nghị quyết 68 của Bộ Chính trị.", "nq-68"),
        ("Theo Luật Đất đai, người sử dụng đất có quyền.", "luat-dat-dai"),
        (
            "Vi phạm Luật Trật tự, an toàn giao thông đường bộ bị xử lý.",
            "luat-trat-tu-an-toan-giao-thong-duong-bo",
        ),
        (
            "Luật Phòng, chống tác hại của rượu, bia 2019 cấm lái xe khi uống rượu.",
            "luat-phong-chong-tac-hai-cua-ruou-bia-2019",
        ),
    ],
)
def test_reference_forms(text: str, ref_id: str) -> None:
    assert _ids(text) == [ref_id]


def test_parts_and_span() -> None:
    text = "Theo Thông tư 12/2025/TT-BGDĐT, học sinh được nghỉ."
    (ref,) = find_legal_refs(text)
    assert (ref.doc_type, ref.number, ref.year, ref.issuer) == ("Thông tư", "12", 2025, "BGDĐT")
    assert text[ref.start : ref.end] == ref.matched == "Thông tư 12/2025/TT-BGDĐT"
    (law,) = find_legal_refs("Luật Đất đai số 31/2024/QH15")
    assert (law.title, law.number, law.year, law.issuer) == ("Đất đai", "31", 2024, "QH15")


def test_two_laws_in_one_phrase_stay_apart() -> None:
    assert _ids("Luật Đất đai và Luật Nhà ở 2023 cùng sửa.") == ["luat-dat-dai", "luat-nha-o-2023"]


@pytest.mark.parametrize(
    "text",
    [
        "Ngày 12/3/2025 lúc 14:30, gọi 0912.345.678 hoặc 1900 1234.",
        "Việt Nam thắng 2-1, tỷ số hiệp một 1-0; mở cửa 24/7.",
        "Điểm thi 27/30, giá 1.234 đồng/kg, năm 2024.",
        "Ông đã quyết định 3 người đi trước; Quyết định 2 năm trước là đúng.",
        "Tuân thủ pháp luật Việt Nam 2024 là bắt buộc.",
        "Luật sư Nguyễn Văn A bào chữa; luật chơi mới của giải.",
        "Định luật 2 Newton; quy luật thị trường.",
    ],
)
def test_no_false_hits(text: str) -> None:
    assert find_legal_refs(text) == []


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="0123456789/.-:, +()", max_size=40))
def test_numbers_and_separators_alone_never_match(text: str) -> None:
    # Dates, times, phone numbers, scores and prices are all made of these characters.
    assert find_legal_refs(text) == []


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from([
    "Nghị định 168/2024/NĐ-CP", "ngày 1/7/2025", "Luật Đất đai 2024", "và", "giá 12.500 đồng",
    "Chỉ thị 07/CT-TTg", "tỷ số 3-1", "Nghị quyết 57-NQ/TW", ",", "theo",
]), max_size=8))
def test_spans_point_at_the_matched_text(words: list[str]) -> None:
    text = " ".join(words)
    refs = find_legal_refs(text)
    assert all(text[r.start : r.end] == r.matched for r in refs)
    assert len(refs) == sum(w[0].isupper() for w in words)
