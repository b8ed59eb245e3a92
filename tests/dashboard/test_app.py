"""Every dashboard page rendered with AppTest against the corpus warehouse."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from dashboard.display import format_share
from nlp.taxonomy import load_taxonomy
from tests.dashboard.conftest import ADMIN, PAGES
from tests.dashboard.corpus import ITEMS, NEWEST, SOURCES, SPIKE_TOPIC, build_warehouse, documents, recent
from warehouse.db import open_writer
from warehouse.records import Document
from warehouse.search import build_search_index
from warehouse.users import add_user
from warehouse.write import write_documents

MakeApp = Callable[[Path], AppTest]
NAMES = {t.slug: t for t in load_taxonomy()}


def texts(elements: object) -> list[str]:
    """The values of a list of text elements."""
    return [str(e.value) for e in elements]  # type: ignore[attr-defined]


def metrics(at: AppTest) -> dict[str, str]:
    """Metric label -> shown value."""
    return {m.label: str(m.value) for m in at.metric}


def table_with(at: AppTest, column: str) -> pd.DataFrame:
    """The only table of the page that has this column."""
    found = [d.value for d in at.dataframe if column in d.value.columns]
    assert len(found) == 1, [list(d.value.columns) for d in at.dataframe]
    return found[0]


def markdown(at: AppTest) -> str:
    """All Markdown of the page, joined."""
    return "\n".join(texts(at.markdown))


@pytest.mark.parametrize("page", PAGES)
def test_every_page_renders(app: MakeApp, corpus_db: Path, page: str) -> None:
    at = app(corpus_db)
    at.switch_page(page).run()
    assert not at.exception
    assert len(at.title) == 1
    assert not at.info, texts(at.info)  # no "nothing here" notice on a filled warehouse


def test_overview_counts_the_last_30_days_of_data(app: MakeApp, corpus_db: Path) -> None:
    at = app(corpus_db)
    assert not at.exception
    items = recent()
    assert len(items) < len(ITEMS)  # the corpus has older items the default window leaves out
    annotated = [i for i in items if i.sentiment]
    shown = metrics(at)
    assert shown["Bài viết"] == str(len(items))
    assert shown["Nguồn"] == str(len({i.source for i in items}))
    assert shown["Tỷ lệ tiêu cực"] == format_share(
        sum(i.sentiment == "negative" for i in annotated) / len(annotated)
    )
    assert shown["Thời gian"] == f"{NEWEST - timedelta(days=29):%d/%m/%Y} – {NEWEST:%d/%m/%Y}"
    assert texts(at.subheader) == [
        "Số bài theo nguồn", "Số bài theo sắc thái", "Chủ đề nổi bật", "Chủ đề đang tăng",
        "Chủ đề chuyển tiêu cực", "Đột biến",
    ]
    growth = table_with(at, "Mức tăng (lần)")
    assert growth.iloc[0, 0] == NAMES[SPIKE_TOPIC].vi
    turning = table_with(at, "Thay đổi (điểm %)")
    traffic = [i for i in ITEMS if i.topic == SPIKE_TOPIC and i.hours_before < 24]
    share = sum(i.sentiment == "negative" for i in traffic) / len(traffic)
    assert list(turning.iloc[:, 0]) == [NAMES[SPIKE_TOPIC].vi]
    assert turning["Tiêu cực 24 giờ"].iloc[0] == format_share(share)
    spikes = [d.value for d in at.dataframe if "Điểm" in d.value.columns]
    assert [list(s["Chủ đề"]) for s in spikes] == [[NAMES[SPIKE_TOPIC].vi], [NAMES[SPIKE_TOPIC].vi, NAMES["y-te"].vi]]


def test_overview_date_range_filters(app: MakeApp, corpus_db: Path) -> None:
    at = app(corpus_db)
    day = NEWEST.date()
    at.date_input(key="date_range").set_value((day, day)).run()
    assert not at.exception
    assert metrics(at)["Bài viết"] == str(sum(i.published_at.date() == day for i in ITEMS))


def test_topic_page_shows_the_chosen_topic(app: MakeApp, corpus_db: Path) -> None:
    at = app(corpus_db).switch_page("views/topic.py").run()
    assert at.selectbox(key="topic").value == SPIKE_TOPIC  # the most covered topic comes first
    page = markdown(at)
    for item in recent():
        if item.topic == SPIKE_TOPIC:
            assert item.title in page and item.url in page
    assert list(table_with(at, "Điểm")["Điểm"]) == [4.5]
    where = table_with(at, "Tỷ lệ tiêu cực").set_index("Nguồn")
    assert where["Số bài"].to_dict() == dict(Counter(i.source for i in recent() if i.topic == SPIKE_TOPIC))

    at.selectbox(key="topic").set_value("y-te").run()
    assert not at.exception
    page = markdown(at)
    assert all((i.title in page) == (i.topic == "y-te") for i in recent())
    assert metrics(at)["Bài viết"] == str(sum(i.topic == "y-te" for i in recent()))
    assert any("Không có dữ liệu" in t for t in texts(at.info))  # y-te has no alert


def test_topic_page_takes_names_from_the_warehouse(app: MakeApp, tmp_path: Path) -> None:
    db = build_warehouse(tmp_path / "r.duckdb")
    with open_writer(db) as con:
        con.execute("UPDATE topics SET name_vi = 'Giao thông (đổi tên)' WHERE slug = ?", [SPIKE_TOPIC])
        con.execute("DELETE FROM topics WHERE slug = 'y-te'")
    at = app(db).switch_page("views/topic.py").run()
    options = at.selectbox(key="topic").options
    assert "Giao thông (đổi tên)" in options
    assert "y-te" in options  # no name in the warehouse: the slug is shown


def test_search_counts_and_lists_matches(app: MakeApp, corpus_db: Path) -> None:
    at = app(corpus_db).switch_page("views/search.py").run()
    assert f"Tìm thấy {len(recent())} kết quả" in markdown(at)
    at.text_input(key="search_query").input("ùn tắc").run()
    assert not at.exception
    assert "Tìm thấy 2 kết quả" in markdown(at)
    table = at.dataframe[0].value
    assert set(table["Tiêu đề"]) == {i.title for i in recent() if "ùn tắc" in i.title.lower()}
    assert set(table["Liên kết"]) == {i.url for i in recent() if "ùn tắc" in i.title.lower()}
    assert at.get("download_button")  # the matches as CSV

    assert not any("BM25" in c for c in texts(at.caption))  # no index built: plain ILIKE

    at.multiselect(key="search_sources").set_value(["tuoitre"]).run()
    assert "Tìm thấy 1 kết quả" in markdown(at)


def test_search_ranks_with_the_index_once_built(app: MakeApp, tmp_path: Path) -> None:
    db = build_warehouse(tmp_path / "r.duckdb")
    with open_writer(db) as con:
        build_search_index(con)
    at = app(db).switch_page("views/search.py").run()
    at.text_input(key="search_query").input("ùn tắc").run()
    assert not at.exception
    assert "Tìm thấy 2 kết quả" in markdown(at)
    assert any("BM25" in c for c in texts(at.caption))


def test_search_can_ignore_diacritics(app: MakeApp, corpus_db: Path) -> None:
    at = app(corpus_db).switch_page("views/search.py").run()
    at.text_input(key="search_query").input("un tac").run()
    assert "Tìm thấy 0 kết quả" in markdown(at)
    at.checkbox(key="search_fold").check().run()
    assert not at.exception
    assert "Tìm thấy 2 kết quả" in markdown(at)


def test_search_filters_by_topic_and_sentiment(app: MakeApp, corpus_db: Path) -> None:
    at = app(corpus_db).switch_page("views/search.py").run()
    at.multiselect(key="search_topics").set_value(["giao-duc"])
    at.multiselect(key="search_sentiments").set_value(["positive"]).run()
    expected = [i for i in recent() if i.topic == "giao-duc" and i.sentiment == "positive"]
    assert f"Tìm thấy {len(expected)} kết quả" in markdown(at)
    assert set(at.dataframe[0].value["Tiêu đề"]) == {i.title for i in expected}


def test_search_without_matches(app: MakeApp, corpus_db: Path) -> None:
    at = app(corpus_db).switch_page("views/search.py").run()
    at.text_input(key="search_query").input("không-có-từ-này").run()
    assert "Tìm thấy 0 kết quả" in markdown(at)
    assert not at.dataframe


def test_sources_page_lists_every_source_with_its_volume(app: MakeApp, corpus_db: Path) -> None:
    at = app(corpus_db).switch_page("views/sources.py").run()
    table = at.dataframe[0].value.set_index("Nguồn")
    kinds = {"press": "Báo chí", "social": "Mạng xã hội"}
    for name, kind, _, _ in SOURCES:
        assert table.loc[name, "Loại"] == kinds[kind]
        assert table.loc[name, "Số bài"] == sum(i.source == name for i in recent())


def test_sql_console_runs_queries_and_offers_csv(app: MakeApp, corpus_db: Path) -> None:
    at = app(corpus_db).switch_page("views/sql.py").run()
    at.text_area(key="sql_text").input("SELECT count(*) AS n FROM documents").run()
    at.button(key="sql_run").click().run()
    assert not at.exception and not at.error
    result = at.dataframe[-1].value
    assert result["n"].iloc[0] == len(ITEMS)
    assert len(at.get("download_button")) == 2  # CSV and Parquet
    tables = at.selectbox(key="schema_table").options  # the schema browser
    assert {"documents", "annotations", "topics", "narratives"} <= set(tables)
    assert "users" not in tables  # account tables stay out of the console
    at.selectbox(key="schema_table").set_value("documents").run()
    schema = [d.value for d in at.dataframe if "column_name" in d.value.columns]
    assert "title" in set(schema[0]["column_name"])


@pytest.mark.parametrize(
    "sql",
    [
        "DELETE FROM documents",
        "COPY documents TO '/tmp/radar-leak.csv'",
        "SELECT * FROM read_csv('/etc/passwd')",
    ],
)
def test_sql_console_refuses_writes_and_file_access(app: MakeApp, corpus_db: Path, sql: str) -> None:
    at = app(corpus_db).switch_page("views/sql.py").run()
    at.text_area(key="sql_text").input(sql).run()
    at.button(key="sql_run").click().run()
    assert not at.exception
    assert at.error and "Truy vấn không chạy được" in at.error[0].value
    assert len(at.dataframe) == 1  # only the schema reference, no result
    assert not Path("/tmp/radar-leak.csv").exists()


@pytest.mark.parametrize("page", PAGES)
def test_missing_warehouse_shows_how_to_fill_it(app: MakeApp, tmp_path: Path, page: str) -> None:
    at = app(tmp_path / "nothing.duckdb").switch_page(page).run()
    assert not at.exception
    message = texts(at.info)[0]
    assert "Chưa có kho dữ liệu" in message and "radar ingest" in message and "radar demo" in message
    assert "No warehouse yet" in message  # English alongside
    assert not at.title  # the page itself does not run
    assert not (tmp_path / "nothing.duckdb").exists()  # reading never creates the file


def test_empty_warehouse_shows_how_to_fill_it(app: MakeApp, tmp_path: Path) -> None:
    db = tmp_path / "empty.duckdb"
    with open_writer(db):
        pass  # migrated, no documents
    at = app(db)
    assert not at.exception
    assert "chưa có bài viết nào" in texts(at.info)[0]


def test_english_switch_changes_labels(app: MakeApp, corpus_db: Path) -> None:
    at = app(corpus_db)
    assert texts(at.title) == ["Tổng quan"]
    chosen = (NEWEST.date() - timedelta(days=12), NEWEST.date())
    at.date_input(key="date_range").set_value(chosen).run()
    at.sidebar.radio(key="lang").set_value("en").run()
    assert not at.exception
    assert at.date_input(key="date_range").value == chosen  # the switch keeps the chosen range
    assert texts(at.title) == ["Overview"]
    assert "Documents" in metrics(at) and "Negative share" in metrics(at)
    assert "Rising topics" in texts(at.subheader)
    assert table_with(at, "Growth (×)").iloc[0, 0] == NAMES[SPIKE_TOPIC].en
    at.switch_page("views/topic.py").run()
    assert texts(at.title) == ["Topics"]
    assert at.selectbox(key="topic").value == SPIKE_TOPIC
    assert NAMES[SPIKE_TOPIC].en in at.selectbox(key="topic").options
    at.switch_page("views/search.py").run()
    assert texts(at.title) == ["Search"]
    assert at.date_input(key="date_range").value == chosen
    in_range = [i for i in ITEMS if chosen[0] <= i.published_at.date() <= chosen[1]]
    assert f"{len(in_range)} matches" in markdown(at)
    assert "Link" in at.dataframe[0].value.columns
    at.switch_page("views/sources.py").run()
    assert texts(at.title) == ["Sources"]
    assert set(at.dataframe[0].value["Kind"]) == {"Press", "Social media"}
    at.switch_page("views/sql.py").run()
    assert texts(at.title) == ["SQL console"]
    assert not at.exception


@pytest.mark.parametrize("page", PAGES)
def test_pages_render_a_window_without_documents(app: MakeApp, corpus_db: Path, page: str) -> None:
    at = app(corpus_db)
    quiet = (NEWEST - timedelta(days=20)).date()
    assert not [i for i in ITEMS if i.published_at.date() == quiet]
    at.date_input(key="date_range").set_value((quiet, quiet)).run()
    at.switch_page(page).run()
    assert not at.exception


@pytest.mark.parametrize("page", PAGES)
def test_pages_render_before_any_annotation(app: MakeApp, tmp_path: Path, page: str) -> None:
    db = tmp_path / "raw.duckdb"
    with open_writer(db) as con:
        write_documents(con, documents())  # ingested, not yet processed
        add_user(con, ADMIN, "Admin", "unused-hash", "admin")
    at = app(db).switch_page(page).run()
    assert not at.exception
    if page == "views/topic.py":
        assert "radar process" in texts(at.info)[0]
    if page == "views/overview.py":
        assert metrics(at)["Bài viết"] == str(len(recent()))
        assert metrics(at)["Tỷ lệ tiêu cực"] == "–"


def test_topic_page_opens_the_topic_named_in_the_url(app: MakeApp, corpus_db: Path) -> None:
    at = app(corpus_db)
    links = table_with(at, "Mức tăng (lần)")["Liên kết"]  # rising topics link to their topic page
    assert links.iloc[0] == f"topic?topic={SPIKE_TOPIC}"
    at.query_params["topic"] = "y-te"
    at.switch_page("views/topic.py").run()
    assert at.selectbox(key="topic").value == "y-te"
    at.selectbox(key="topic").set_value("kinh-te").run()  # the box still moves on its own
    assert at.selectbox(key="topic").value == "kinh-te"
    assert at.query_params["topic"] == "kinh-te"
    assert any("Xuất khẩu nông sản" in m for m in texts(at.markdown))


def test_rising_topics_are_measured_at_the_end_of_an_earlier_range(app: MakeApp, corpus_db: Path) -> None:
    at = app(corpus_db)
    end = (NEWEST - timedelta(days=3)).date()
    at.date_input(key="date_range").set_value((end - timedelta(days=7), end)).run()
    assert not at.exception
    assert any(f"{end + timedelta(days=1):%d/%m/%Y} 00:00" in c for c in texts(at.caption))
    growth_tables = [d.value for d in at.dataframe if "Mức tăng (lần)" in d.value.columns]
    assert all(NAMES[SPIKE_TOPIC].vi not in set(g.iloc[:, 0]) for g in growth_tables)  # the burst came later


def test_new_data_shows_on_the_next_rerun(app: MakeApp, tmp_path: Path) -> None:
    db = build_warehouse(tmp_path / "r.duckdb")
    at = app(db)
    assert metrics(at)["Bài viết"] == str(len(recent()))
    with open_writer(db) as con:
        write_documents(con, [Document(url="https://moi.example.vn/2", source="tuoitre", title="Tin mới nhất",
                                       text="", published_at=NEWEST)])
    at.run()  # no cache clearing: the warehouse's new version is a new cache key
    assert metrics(at)["Bài viết"] == str(len(recent()) + 1)
