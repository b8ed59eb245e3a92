"""The read API against a small hand-written warehouse: counts, windows, filters, parametrisation."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from tests.dashboard.corpus import ITEMS, NEWEST, SOURCES, SPIKE_HOUR, SPIKE_TOPIC, build_warehouse
from warehouse import read, search
from warehouse.db import open_reader, open_writer
from warehouse.read import SearchQuery as Q
from warehouse.records import Document
from warehouse.write import write_documents

START = NEWEST - timedelta(days=30)
END = NEWEST + timedelta(hours=1)


def in_window(start: datetime = START, end: datetime = END) -> list:
    """Corpus items published in [start, end)."""
    return [i for i in ITEMS if start <= i.published_at < end]


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The corpus warehouse, built once for the module (the tests only read it)."""
    return build_warehouse(tmp_path_factory.mktemp("read") / "radar.duckdb")


@pytest.fixture()
def con(built: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    """A read-only connection to the corpus warehouse."""
    with open_reader(built) as c:
        yield c


def test_missing_tables_lists_everything_before_migration(tmp_path: Path) -> None:
    path = tmp_path / "bare.duckdb"
    duckdb.connect(str(path)).close()
    with open_reader(path) as c:
        assert read.missing_tables(c) == list(read.REQUIRED_TABLES)


def test_missing_tables_empty_when_migrated(con: duckdb.DuckDBPyConnection) -> None:
    assert read.missing_tables(con) == []


def test_data_bounds(con: duckdb.DuckDBPyConnection) -> None:
    row = read.data_bounds(con).iloc[0]
    assert row["n_documents"] == len(ITEMS)
    assert row["last"] == NEWEST
    assert row["first"] == min(i.published_at for i in ITEMS)


def test_data_bounds_ignores_documents_stamped_far_in_the_future(tmp_path: Path) -> None:
    path = build_warehouse(tmp_path / "r.duckdb")
    with open_writer(path) as c:
        write_documents(c, [Document(url="https://x.example.vn/future", source="vnexpress", title="Sai ngày",
                                     text="", published_at=datetime(2099, 1, 1, tzinfo=NEWEST.tzinfo))])
    with open_reader(path) as c:
        row = read.data_bounds(c).iloc[0]
    assert row["last"] == NEWEST
    assert row["n_documents"] == len(ITEMS)


def test_overview_counts(con: duckdb.DuckDBPyConnection) -> None:
    items = in_window()
    annotated = [i for i in items if i.sentiment]
    row = read.overview_counts(con, START, END).iloc[0]
    assert row["n_documents"] == len(items)
    assert row["n_sources"] == len({i.source for i in items})
    assert row["n_annotated"] == len(annotated)
    negative = sum(i.sentiment == "negative" for i in annotated)
    assert row["n_negative"] == negative
    assert row["negative_share"] == pytest.approx(negative / len(annotated))


def test_overview_counts_of_an_empty_window_are_zero(con: duckdb.DuckDBPyConnection) -> None:
    row = read.overview_counts(con, NEWEST + timedelta(days=1), NEWEST + timedelta(days=2)).iloc[0]
    assert row["n_documents"] == 0
    assert pd.isna(row["negative_share"])


@pytest.mark.parametrize("by", ["source", "sentiment"])
def test_volume_sums_to_the_window(con: duckdb.DuckDBPyConnection, by: str) -> None:
    frame = read.volume(con, START, END, "day", by)
    items = in_window()
    expected = Counter(getattr(i, by) or read.UNANNOTATED for i in items)
    assert frame.groupby("key")["n_documents"].sum().to_dict() == dict(expected)
    assert (frame["bucket"].dt.hour == 0).all()


def test_volume_hourly_buckets(con: duckdb.DuckDBPyConnection) -> None:
    start = NEWEST - timedelta(hours=3)
    frame = read.volume(con, start, END, "hour", "source")
    assert frame["n_documents"].sum() == len(in_window(start))
    assert set(frame["bucket"]) == {i.published_at for i in in_window(start)}


def test_bad_grain_and_key_are_refused(con: duckdb.DuckDBPyConnection) -> None:
    with pytest.raises(ValueError, match="grain must be one of hour, day"):
        read.volume(con, START, END, "week", "source")
    with pytest.raises(ValueError, match="by must be one of"):
        read.volume(con, START, END, "day", "source; DROP TABLE documents")


def test_top_topics_ordered_by_volume(con: duckdb.DuckDBPyConnection) -> None:
    frame = read.top_topics(con, START, END, limit=3)
    counts = Counter(i.topic for i in in_window() if i.topic)
    assert list(frame["topic"]) == [t for t, _ in counts.most_common(3)]
    assert list(frame["n_documents"]) == [n for _, n in counts.most_common(3)]


def test_topic_growth_compares_last_day_with_prior_week(con: duckdb.DuckDBPyConnection) -> None:
    frame = read.topic_growth(con, NEWEST, min_documents=1).set_index("topic")
    traffic = [i for i in ITEMS if i.topic == SPIKE_TOPIC]
    last = sum(i.hours_before < 24 for i in traffic)
    prior = sum(24 <= i.hours_before < 8 * 24 for i in traffic)
    assert frame.loc[SPIKE_TOPIC, "last_24h"] == last
    assert frame.loc[SPIKE_TOPIC, "baseline"] == pytest.approx(prior / 7)
    assert frame.loc[SPIKE_TOPIC, "growth"] == pytest.approx(last / (prior / 7))
    assert frame.index[0] == SPIKE_TOPIC


def test_topic_growth_puts_new_topics_first(tmp_path: Path) -> None:
    path = build_warehouse(tmp_path / "r.duckdb")
    with open_writer(path) as c:
        c.execute(
            "INSERT INTO hourly_aggregates VALUES (?, 'quoc-phong', 'neutral', 'press', 3)",
            [NEWEST - timedelta(hours=1)],
        )
    with open_reader(path) as c:
        frame = read.topic_growth(c, NEWEST)
    assert frame["topic"].iloc[0] == "quoc-phong"
    assert pd.isna(frame["growth"].iloc[0])


def test_negative_shift_compares_the_last_day_with_the_week_before(tmp_path: Path) -> None:
    path = build_warehouse(tmp_path / "r.duckdb")
    with open_writer(path) as c:  # a new topic, all negative, and a steady one, never negative
        c.executemany(
            "INSERT INTO hourly_aggregates VALUES (?, ?, ?, 'press', ?)",
            [[NEWEST - timedelta(hours=1), "quoc-phong", "negative", 3],
             [NEWEST - timedelta(hours=1), "doi-song", "positive", 4]],
        )
    with open_reader(path) as c:
        frame = read.negative_shift(c, NEWEST).set_index("topic")
    traffic = [i for i in ITEMS if i.topic == SPIKE_TOPIC]
    last = [i for i in traffic if i.hours_before < 24]
    prior = [i for i in traffic if 24 <= i.hours_before < 8 * 24]
    share = sum(i.sentiment == "negative" for i in last) / len(last)
    prior_share = sum(i.sentiment == "negative" for i in prior) / len(prior)
    assert list(frame.index) == ["quoc-phong", SPIKE_TOPIC]  # never-negative topics are left out
    assert frame.loc["quoc-phong", "shift"] == 1.0 and pd.isna(frame.loc["quoc-phong", "prior_share"])
    assert frame.loc[SPIKE_TOPIC, "last_24h"] == len(last)
    assert frame.loc[SPIKE_TOPIC, "negative_share"] == pytest.approx(share)
    assert frame.loc[SPIKE_TOPIC, "shift"] == pytest.approx(share - prior_share)


def test_spikes(con: duckdb.DuckDBPyConnection) -> None:
    alerts = read.recent_spikes(con, START, END)
    assert list(alerts["topic"]) == [SPIKE_TOPIC]
    assert alerts["hour"].iloc[0] == SPIKE_HOUR
    assert len(read.recent_spikes(con, START, END, alerts_only=False)) == 2
    assert read.recent_spikes(con, START, END, topic="y-te").empty
    best = read.top_spikes(con, START, END)
    assert list(best["topic"]) == [SPIKE_TOPIC, "y-te"]


def test_topic_trend_fills_empty_buckets_and_marks_spikes(con: duckdb.DuckDBPyConnection) -> None:
    start = NEWEST - timedelta(days=2)
    trend = read.topic_trend(con, SPIKE_TOPIC, start, END, "hour")
    assert len(trend) == 49  # every hour of the window, also the quiet ones
    assert trend["n_documents"].sum() == len([i for i in in_window(start) if i.topic == SPIKE_TOPIC])
    assert list(trend.loc[trend["alert"], "bucket"]) == [SPIKE_HOUR]
    daily = read.topic_trend(con, SPIKE_TOPIC, START, END, "day")
    assert daily["n_documents"].sum() == len([i for i in in_window() if i.topic == SPIKE_TOPIC])
    assert daily["alert"].sum() == 1


def test_topic_sentiment(con: duckdb.DuckDBPyConnection) -> None:
    frame = read.topic_sentiment(con, "y-te", START, END, "day")
    expected = Counter(i.sentiment for i in in_window() if i.topic == "y-te")
    assert frame.groupby("sentiment")["n_documents"].sum().to_dict() == dict(expected)


def test_sample_documents_newest_first(con: duckdb.DuckDBPyConnection) -> None:
    frame = read.sample_documents(con, "giao-duc", START, END, limit=3)
    items = sorted((i for i in in_window() if i.topic == "giao-duc"), key=lambda i: i.hours_before)
    assert list(frame["title"]) == [i.title for i in items[:3]]
    assert list(frame["url"]) == [i.url for i in items[:3]]
    negative = read.sample_documents(con, "giao-duc", START, END, sentiment="negative")
    assert set(negative["sentiment"]) == {"negative"}


def test_topic_sources(con: duckdb.DuckDBPyConnection) -> None:
    frame = read.topic_sources(con, SPIKE_TOPIC, START, END).set_index("source")
    items = [i for i in in_window() if i.topic == SPIKE_TOPIC]
    for source, n in Counter(i.source for i in items).items():
        assert frame.loc[source, "n_documents"] == n
        negative = sum(i.sentiment == "negative" for i in items if i.source == source)
        assert frame.loc[source, "negative_share"] == pytest.approx(negative / n)
    assert list(frame["n_documents"]) == sorted(frame["n_documents"], reverse=True)


def test_search_is_case_insensitive_on_vietnamese(con: duckdb.DuckDBPyConnection) -> None:
    frame = read.search_documents(con, Q("ùn TẮC", START, END))
    expected = {i.title for i in in_window() if "ùn tắc" in i.title.lower()}
    assert len(expected) == 2
    assert set(frame["title"]) == expected
    assert frame["total"].iloc[0] == 2


def test_search_can_ignore_diacritics(con: duckdb.DuckDBPyConnection) -> None:
    assert read.search_documents(con, Q("un tac", START, END)).empty
    folded = read.search_documents(con, Q("un tac", START, END, fold_accents=True))
    assert set(folded["title"]) == {i.title for i in in_window() if "ùn tắc" in i.title.lower()}
    rail = read.search_documents(con, Q("DUONG sat", START, END, fold_accents=True))
    assert list(rail["title"]) == ["Quốc hội thông qua chủ trương đường sắt tốc độ cao"]
    assert read.search_documents(con, Q("d%ng", START, END, fold_accents=True)).empty


def test_search_requires_every_word(con: duckdb.DuckDBPyConnection) -> None:
    frame = read.search_documents(con, Q("giá tăng", START, END))
    expected = {i.title for i in in_window() if "giá" in i.title.lower() and "tăng" in i.title.lower()}
    assert set(frame["title"]) == expected and len(expected) >= 2


def test_search_filters(con: duckdb.DuckDBPyConnection) -> None:
    items = in_window()
    frame = read.search_documents(con, Q("", START, END, sources=("tuoitre", "thanhnien")))
    assert frame["total"].iloc[0] == sum(i.source in ("tuoitre", "thanhnien") for i in items)
    frame = read.search_documents(con, Q("", START, END, topics=("y-te",), sentiments=("negative",)))
    assert frame["total"].iloc[0] == sum(i.topic == "y-te" and i.sentiment == "negative" for i in items)
    frame = read.search_documents(con, Q("", START, END, sentiments=(read.UNANNOTATED,)))
    assert list(frame["title"]) == [i.title for i in items if i.sentiment is None]


def test_search_limit_keeps_the_total(con: duckdb.DuckDBPyConnection) -> None:
    frame = read.search_documents(con, Q("", START, END, limit=5))
    assert len(frame) == 5
    assert frame["total"].iloc[0] == len(in_window())


def test_search_treats_wildcards_and_quotes_literally(con: duckdb.DuckDBPyConnection) -> None:
    assert read.search_documents(con, Q("%", START, END)).empty
    assert read.search_documents(con, Q("_", START, END)).empty
    assert read.search_documents(con, Q("'; DROP TABLE documents; --", START, END)).empty
    assert read.data_bounds(con)["n_documents"].iloc[0] == len(ITEMS)


def test_sources_overview_includes_unregistered_sources(tmp_path: Path) -> None:
    path = build_warehouse(tmp_path / "r.duckdb")
    with open_writer(path) as c:
        write_documents(c, [Document(url="https://la.example.vn/1", source="nguon-la", title="Tin lạ",
                                     text="", published_at=NEWEST)])
    with open_reader(path) as c:
        frame = read.sources_overview(c, START, END).set_index("name")
        names = list(read.source_names(c)["name"])
    assert frame.loc["nguon-la", "n_documents"] == 1
    assert pd.isna(frame.loc["nguon-la", "kind"])
    for name, kind, _, _ in SOURCES:
        assert frame.loc[name, "kind"] == kind
        assert frame.loc[name, "n_documents"] == sum(i.source == name for i in in_window())
    assert names == sorted([s[0] for s in SOURCES] + ["nguon-la"])


def test_topic_names_and_presence(con: duckdb.DuckDBPyConnection) -> None:
    names = read.topic_names(con).set_index("slug")
    assert names.loc["giao-thong", "name_vi"].startswith("Giao thông")
    present = read.topics_present(con)
    assert present["topic"].iloc[0] == SPIKE_TOPIC
    assert present["n_documents"].sum() == sum(1 for i in ITEMS if i.topic)


@pytest.fixture()
def indexed(tmp_path: Path) -> Path:
    """A corpus warehouse with a "giám" headline (to tell words from substrings) and a BM25 index."""
    path = build_warehouse(tmp_path / "r.duckdb")
    with open_writer(path) as c:
        write_documents(c, [Document(url="https://gd.example.vn/1", source="vnexpress", text="",
                                     title="Giám đốc sở nói về ùn tắc", published_at=NEWEST)])
        assert search.build_search_index(c) == len(ITEMS) + 1
    return path


def test_no_index_until_built(con: duckdb.DuckDBPyConnection) -> None:
    assert not search.has_search_index(con)
    assert search.unindexed_count(con) == len(ITEMS)
    frame = search.search(con, Q("ùn tắc", START, END))
    assert frame["total"].iloc[0] == 2 and frame["score"].isna().all()


def test_index_is_stale_until_built_and_again_after_many_writes(tmp_path: Path) -> None:
    path = build_warehouse(tmp_path / "r.duckdb")
    with open_writer(path) as c:
        assert search.index_is_stale(c)
        search.build_search_index(c)
        assert not search.index_is_stale(c)
        write_documents(c, [Document(url="https://moi.example.vn/s", source="tuoitre", title="Tin",
                                     text="", published_at=NEWEST)])
        assert not search.index_is_stale(c)  # one new document in 34: found by ILIKE meanwhile
        assert search.index_is_stale(c, max_share=0.01)
        assert search.index_is_stale(c, max_unindexed=0)


def test_bm25_matches_whole_vietnamese_syllables(indexed: Path) -> None:
    with open_reader(indexed) as c:
        assert search.has_search_index(c) and search.unindexed_count(c) == 0
        ranked = search.search(c, Q("ÙN tắc", START, END))
        ilike = read.search_documents(c, Q("giá", START, END))
        words = search.search(c, Q("giá", START, END))
    assert ranked["total"].iloc[0] == 3 and ranked["score"].notna().all()
    assert list(ranked["score"]) == sorted(ranked["score"], reverse=True)
    # ILIKE finds "giá" inside "Giám" and "giáo"; the index finds the word only.
    with_word = {i.title for i in in_window() if "giá" in re.findall(r"\w+", i.title.lower())}
    inside = {i.title for i in in_window() if "giá" in i.title.lower()} | {"Giám đốc sở nói về ùn tắc"}
    assert len(with_word) >= 3 and with_word < inside
    assert set(words["title"]) == with_word
    assert set(ilike["title"]) == inside


def test_ignoring_diacritics_bypasses_the_index(indexed: Path) -> None:
    with open_reader(indexed) as c:
        frame = search.search(c, Q("un tac", START, END, fold_accents=True))
    assert frame["total"].iloc[0] == 3 and frame["score"].isna().all()


def test_bm25_keeps_the_filters(indexed: Path) -> None:
    with open_reader(indexed) as c:
        frame = search.search(c, Q("ùn tắc", START, END, sources=("tuoitre",)))
        negative = search.search(c, Q("ùn tắc", START, END, sentiments=("negative",)))
        unannotated = search.search(c, Q("ùn tắc", START, END, sentiments=(read.UNANNOTATED,)))
    assert list(frame["source"]) == ["tuoitre"]
    assert len(negative) == 2 and set(negative["sentiment"]) == {"negative"}
    assert list(unannotated["title"]) == ["Giám đốc sở nói về ùn tắc"]


def test_documents_written_after_the_build_are_still_found_first(indexed: Path) -> None:
    with open_writer(indexed) as c:
        write_documents(c, [Document(url="https://moi.example.vn/1", source="thanhnien", text="",
                                     title="Ùn tắc kéo dài trên cầu Rạch Miễu", published_at=NEWEST)])
    with open_reader(indexed) as c:
        assert search.unindexed_count(c) == 1
        frame = search.search(c, Q("ùn tắc", START, END))
    assert frame["total"].iloc[0] == 4
    assert frame["title"].iloc[0] == "Ùn tắc kéo dài trên cầu Rạch Miễu"
    assert pd.isna(frame["score"].iloc[0]) and frame["score"].iloc[1:].notna().all()


def test_bm25_treats_query_text_as_data(indexed: Path) -> None:
    with open_reader(indexed) as c:
        assert search.search(c, Q("'); DROP TABLE documents; --", START, END)).empty
        assert read.data_bounds(c)["n_documents"].iloc[0] == len(ITEMS) + 1


def test_schema_columns(con: duckdb.DuckDBPyConnection) -> None:
    frame = read.schema_columns(con)
    documents = frame[frame["table_name"] == "documents"]
    assert list(documents["column_name"])[:3] == ["id", "source", "kind"]
    assert frame["table_schema"].iloc[0] == "main"


def _macro_ranked(c: duckdb.DuckDBPyConnection, query: Q) -> pd.DataFrame:
    """search_ranked as first written: the fts macro per candidate row, annotations joined to all of them."""
    params: list[object] = []
    filters = query.conditions(params)
    params.append(" ".join(query.terms))
    fresh = query.term_conditions(params, prefix="")
    params.append(query.limit)
    return read.query_frame(
        c,
        f"WITH candidates AS (SELECT {read.DOCUMENT_COLUMNS}, d.id, d.text "
        "FROM documents d LEFT JOIN annotations a ON a.document_id = d.id "
        f"WHERE {' AND '.join(filters)}), scored AS ("
        "SELECT *, fts_main_documents.match_bm25(id, ?, conjunctive := 1) AS score, "
        "id NOT IN (SELECT name FROM fts_main_documents.docs) AS fresh FROM candidates) "
        "SELECT published_at, source, title, url, topic, sentiment, sentiment_score, score, "
        "count(*) OVER () AS total FROM scored "
        f"WHERE score IS NOT NULL OR (fresh AND {' AND '.join(fresh) or 'FALSE'}) "
        "ORDER BY fresh DESC, score DESC NULLS LAST, published_at DESC, id LIMIT ?",
        params,
    )


def test_bm25_ranking_equals_the_fts_macro(indexed: Path) -> None:
    with open_writer(indexed) as c:
        write_documents(c, [Document(url="https://moi.example.vn/2", source="thanhnien", text="ùn tắc",
                                     title="Mới: giá xăng", published_at=NEWEST)])
    queries = [Q("ùn tắc", START, END), Q("giá", START, END, limit=2), Q("ùn tắc", START, END, sources=("tuoitre",)),
               Q("ùn tắc", START, END, sentiments=("negative", read.UNANNOTATED)), Q("giá xăng ùn", START, END),
               Q("không có đâu", START, END)]
    with open_reader(indexed) as c:
        search.load_fts(c)
        for query in queries:
            pd.testing.assert_frame_equal(search.search_ranked(c, query), _macro_ranked(c, query), check_exact=True)
