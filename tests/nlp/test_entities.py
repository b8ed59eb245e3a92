"""Places and agencies: the gazetteers' shape and matching on sentences written for these tests."""

from __future__ import annotations

import time
import tomllib
import unicodedata

from nlp.entities import GAZETTEER, find_agencies, find_places, fold_tones
from nlp.taxonomy import topic_slugs


def _slugs(text: str) -> list[str]:
    return [p.slug for p in find_places(text)]


def test_gazetteer_has_34_units_6_cities_63_former_provinces() -> None:
    data = tomllib.loads((GAZETTEER / "provinces.toml").read_text(encoding="utf-8"))
    units = data["unit"]
    assert len(units) == 34
    assert len({u["slug"] for u in units}) == 34
    cities = {u["slug"] for u in units if u["kind"] == "thanh-pho"}
    assert cities == {"ha-noi", "ho-chi-minh", "hai-phong", "da-nang", "hue", "can-tho"}
    former = [f["name"] for u in units for f in u["former"]]
    assert len(former) == len(set(former)) == 63


def test_agency_topics_are_taxonomy_slugs() -> None:
    data = tomllib.loads((GAZETTEER / "agencies.toml").read_text(encoding="utf-8"))
    slugs = set(topic_slugs())
    for agency in data["agency"]:
        assert agency["topics"] and set(agency["topics"]) <= slugs, agency["slug"]


def test_every_new_unit_and_former_province_is_found_by_name() -> None:
    data = tomllib.loads((GAZETTEER / "provinces.toml").read_text(encoding="utf-8"))
    for unit in data["unit"]:
        for former in unit["former"]:
            found = find_places(f"Đoàn công tác đến {former['name']} hôm qua.")
            assert [p.slug for p in found] == [unit["slug"]], former["name"]


def test_former_province_maps_to_new_unit_and_keeps_its_name() -> None:
    (place,) = find_places("Mưa lớn kéo dài ở tỉnh Thái Bình cũ.")
    assert (place.slug, place.name, place.former, place.matched) == (
        "hung-yen",
        "Hưng Yên",
        "Thái Bình",
        "Thái Bình",
    )
    text = "Bà Rịa – Vũng Tàu và Bình Dương nay thuộc TP.HCM."
    assert _slugs(text) == ["ho-chi-minh"] * 3
    assert [p.former for p in find_places(text)] == ["Bà Rịa - Vũng Tàu", "Bình Dương", None]


def test_hcmc_aliases_and_spans() -> None:
    text = "Giá nhà ở TP HCM, TPHCM, Sài Gòn và Thành phố Hồ Chí Minh đều tăng."
    places = find_places(text)
    assert [p.slug for p in places] == ["ho-chi-minh"] * 4
    assert [text[p.start : p.end] for p in places] == [p.matched for p in places]
    assert places[-1].matched == "Thành phố Hồ Chí Minh"


def test_no_match_inside_words_people_streets_or_ordinary_words() -> None:
    assert _slugs("Hà Namibia không phải tên tỉnh") == []  # word boundary
    assert _slugs("Ông Thái Bình và chị Hà Giang đã về quê.") == []  # people
    assert _slugs("Anh Nguyễn Hải Dương đạt giải nhất.") == []  # personal name after a surname
    assert _slugs("Một quán phở trên đường Hà Nội, phố Huế rất đông.") == []  # streets
    assert _slugs("Mong ước hòa bình cho thế giới.") == []  # ordinary word, lower case
    assert _slugs("Hợp tác châu Á - Thái Bình Dương.") == []  # the Pacific
    assert _slugs("Tư tưởng Hồ Chí Minh soi đường.") == []  # the person, not the city


def test_tone_styles_and_capitals() -> None:
    assert _slugs("THANH HOÁ và Khánh Hoà, Hòa Bình, Hoà Bình") == [
        "thanh-hoa",
        "khanh-hoa",
        "phu-tho",
        "phu-tho",
    ]
    assert fold_tones("thuỷ lợi, hoàng hôn") == "thủy lợi, hoàng hôn"
    assert len(fold_tones("Hoà Thuỷ")) == len("Hoà Thuỷ")


def test_spans_refer_to_nfc_text() -> None:
    nfd = unicodedata.normalize("NFD", "Lũ ở Quảng Ngãi")
    (place,) = find_places(nfd)
    assert place.matched == "Quảng Ngãi" and place.slug == "quang-ngai"


def test_agencies_new_names_abbreviations_and_former_ministries() -> None:
    text = "Bộ Y tế, Bộ GD&ĐT và bộ tài chính họp; Bộ GTVT cũ nay là một phần Bộ Xây dựng."
    found = find_agencies(text)
    assert [a.slug for a in found] == [
        "bo-y-te",
        "bo-giao-duc-dao-tao",
        "bo-tai-chinh",
        "bo-xay-dung",
        "bo-xay-dung",
    ]
    assert found[3].former == "Bộ Giao thông vận tải"
    assert "giao-thong" in found[3].topics
    assert [text[a.start : a.end] for a in found] == [a.matched for a in found]


def test_agencies_skip_foreign_bodies_and_ambiguous_abbreviations() -> None:
    assert find_agencies("Bộ Quốc phòng Mỹ và Quốc hội Hàn Quốc lên tiếng.") == []
    assert find_agencies("BTC giải chạy đã hoàn tiền cho vận động viên.") == []
    assert [a.slug for a in find_agencies("NHNN giữ nguyên lãi suất điều hành.")] == ["ngan-hang-nha-nuoc"]


def test_fast_enough() -> None:
    text = "Sáng nay, Bộ Xây dựng làm việc với UBND TP.HCM và tỉnh Đồng Nai về cao tốc. " * 20
    begin = time.perf_counter()
    for _ in range(200):
        find_places(text)
        find_agencies(text)
    assert time.perf_counter() - begin < 5


def test_provincial_departments_carry_level_and_successor() -> None:
    found = find_agencies("Sở GD-ĐT TP.HCM và Sở GTVT Hà Nội cũ họp với Bộ Y tế.")
    assert [(a.slug, a.level) for a in found] == [
        ("so-giao-duc-dao-tao", "provincial"),
        ("so-xay-dung", "provincial"),
        ("bo-y-te", "central"),
    ]
    assert found[1].former == "Sở Giao thông vận tải"
    assert [p.slug for p in find_places("Sở GD-ĐT TP.HCM và Sở GTVT Hà Nội")] == ["ho-chi-minh", "ha-noi"]
