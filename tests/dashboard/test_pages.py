"""What the narrative, policy, overview and search pages show on the corpus warehouse."""

from __future__ import annotations

import io
from collections.abc import Callable
from pathlib import Path

import pandas as pd
from openpyxl import load_workbook
from openpyxl.cell.rich_text import CellRichText
from streamlit.testing.v1 import AppTest

from dashboard.display import excel_bytes, match_spans
from tests.dashboard.conftest import PAGES
from tests.dashboard.corpus import ITEMS, LEGAL_REF, MERGED, NARRATIVE, RELATED, narrative_items

MakeApp = Callable[..., AppTest]


def test_hotspots_rank_the_traffic_narrative_with_its_unit_and_reason(app: MakeApp, corpus_db: Path) -> None:
    at = app(corpus_db).switch_page("views/hotspots.py").run()
    assert not at.exception
    negative = at.dataframe[0].value
    first = negative.iloc[0]
    assert first["Đơn vị phụ trách"] == "Bộ Xây dựng"  # the directory's ministry for giao-thong
    members = [ITEMS[i] for i in narrative_items()[NARRATIVE]]
    assert first["Lý do"].startswith(f"{len(members)} bài trong 24 giờ")
    assert first["Liên kết"] == f"narrative?id={NARRATIVE}"
    assert len(first["14 ngày"]) == 14 and first["14 ngày"][-1] > 0


def test_narrative_page_shows_places_refs_and_related(app: MakeApp, corpus_db: Path) -> None:
    at = app(corpus_db)
    at.query_params["id"] = NARRATIVE
    at.switch_page("views/narrative.py").run()
    assert not at.exception
    assert at.selectbox(key="narrative").value == NARRATIVE
    shown = {m.label: m.value for m in at.metric}
    assert shown["Bài viết"] == str(len(narrative_items()[NARRATIVE]))
    tables = [d.value for d in at.dataframe]
    refs = next(t for t in tables if "Văn bản" in t.columns)
    assert list(refs["Liên kết"]) == [f"policy?ref={LEGAL_REF}"]
    related = next(t for t in tables if "Điểm chung" in t.columns)
    assert list(related["Liên kết"]) == [f"narrative?id={RELATED}"]  # they share a province
    page = "\n".join(str(m.value) for m in at.markdown)
    assert all(ITEMS[i].title in page for i in narrative_items()[NARRATIVE][:5])
    assert any("khoảng 12 bài" in str(c.value) for c in at.caption)  # the stored forecast: 24 hours x 0.5


def test_a_link_to_a_merged_narrative_opens_the_one_it_joined(app: MakeApp, corpus_db: Path) -> None:
    at = app(corpus_db)
    at.query_params["id"] = MERGED
    at.switch_page("views/narrative.py").run()
    assert not at.exception
    shown = {m.label: m.value for m in at.metric}
    assert shown["Bài viết"] == str(len(narrative_items()[NARRATIVE]))


def test_policy_page_compares_before_and_after_the_effective_date(app: MakeApp, corpus_db: Path) -> None:
    at = app(corpus_db).switch_page("views/policy.py").run()
    assert not at.exception
    assert at.selectbox(key="legal_ref").value == LEGAL_REF
    shown = {m.label: m.value for m in at.metric}
    assert shown["Ngày hiệu lực"] == "01/01/2025"
    members = [ITEMS[i] for i in narrative_items()[NARRATIVE]]
    assert shown["Bài viết"] == str(len(members))
    before_after = next(d.value for d in at.dataframe if "Thời gian" in d.value.columns)
    # The corpus is from March 2025: more than 30 days after the decree took effect, so both periods are empty.
    assert list(before_after["Số bài"]) == [0, 0]


def test_overview_shows_the_mainstream_share(app: MakeApp, corpus_db: Path) -> None:
    at = app(corpus_db)
    shown = {m.label: m.value for m in at.metric}
    assert shown["Tỷ lệ nguồn chính thống"] == "0%"  # the corpus sources are commercial press and social media
    assert shown["Tỷ lệ không tiêu cực"].endswith("%")


def test_search_offers_excel_with_the_matches_marked(app: MakeApp, corpus_db: Path) -> None:
    at = app(corpus_db).switch_page("views/search.py").run()
    at.text_input(key="search_query").input("ùn tắc").run()
    assert not at.exception
    assert len(at.get("download_button")) == 2  # CSV and Excel
    assert ":orange-background[**ùn**] :orange-background[**tắc**]" in "\n".join(str(m.value) for m in at.markdown)


def test_excel_export_marks_each_match() -> None:
    frame = pd.DataFrame({"Tiêu đề": ["Ùn tắc kéo dài, ùn tắc mới", "Không khớp"], "Nguồn": ["a", "b"]})
    book = load_workbook(io.BytesIO(excel_bytes(frame, "Tiêu đề", ["ùn tắc"])), rich_text=True)
    sheet = book.active
    assert sheet is not None
    marked = sheet["A2"].value
    assert isinstance(marked, CellRichText)
    assert [str(b.text) for b in marked if not isinstance(b, str)] == ["Ùn tắc", "ùn tắc"]
    assert sheet["A3"].value == "Không khớp"
    assert match_spans("abc ABC", ["b", "bc"]) == [(1, 3), (5, 7)]


def test_every_page_renders_in_english(app: MakeApp, corpus_db: Path) -> None:
    at = app(corpus_db)
    at.sidebar.radio(key="lang").set_value("en").run()
    titles = []
    for page in PAGES:
        at.switch_page(page).run()
        assert not at.exception, page
        titles.append(at.title[0].value)
    assert titles == ["Overview", "Hotspots", "Narrative detail", "Topics", "Policy tracker", "Search", "Sources",
                      "Alerts", "SQL console", "Accounts"]


def test_every_choice_a_page_offers_has_a_label_in_both_languages() -> None:
    from dashboard.i18n import TEXTS
    from pipelines.alerts.model import LEVELS, MODES, WHATS
    from warehouse.users import ROLES

    keys = [f"what_{w}" for w in WHATS] + [f"level_{v}" for v in LEVELS] + [f"mode_{m}" for m in MODES]
    keys += [f"role_{r}" for r in ROLES] + [f"kind_{k}" for k in ("press", "social", "comment")]
    missing = [k for k in keys if k not in TEXTS or set(TEXTS[k]) != {"vi", "en"}]
    assert not missing


def test_the_prerank_keeps_the_narratives_the_full_score_ranks_first() -> None:
    import random

    from dashboard.queries import _candidates
    from pipelines.narratives.emerging import EmergingConfig, score_narratives

    rng = random.Random(7)
    now = pd.Timestamp("2025-03-15 10:00", tz="Asia/Ho_Chi_Minh")
    rows = []
    for n in range(300):
        for k in range(rng.randint(1, 12)):
            rows.append({
                "narrative_id": f"n{n}", "document_id": f"d{n}-{k}", "title": f"tin {n} {k}",
                "source": rng.choice("abcdef"), "kind": rng.choice(["press", "press", "social", "comment"]),
                "time": now - pd.Timedelta(hours=rng.uniform(0, 24 * 8)),
                "sentiment": rng.choice(["negative", "neutral", "positive", None]), "topic": "giao-thong",
                "places": [], "legal_refs": [], "key_terms": [], "agencies": [], "duplicate_of": None,
            })
    members = pd.DataFrame(rows)
    config = EmergingConfig()
    for negative in (True, False):
        full = score_narratives(members, now, 900, 4000, config, negative=negative, top=20)
        keep = _candidates(members, now, 900, 4000, config, negative, 40)
        fast = score_narratives(members[members["narrative_id"].isin(keep)], now, 900, 4000, config,
                                negative=negative, top=20)
        assert list(fast["narrative_id"]) == list(full["narrative_id"])
