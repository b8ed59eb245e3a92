"""Narratives: near-duplicates collapse, same-story documents group, ids stay stable across runs."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from pathlib import Path

import pandas as pd

from pipelines.narratives.assign import AssignConfig, assign, narrative_id
from pipelines.narratives.step import update_narratives
from warehouse.db import open_reader, open_writer
from warehouse.records import Document
from warehouse.write import ANNOTATION_COLUMNS, write_annotations, write_documents

VN = timezone(timedelta(hours=7))
T0 = datetime(2026, 3, 2, 8, tzinfo=VN)

FLOOD = ("Lũ lớn ở Quảng Ngãi, hàng nghìn nhà dân bị ngập sâu",
         "Mưa lớn kéo dài khiến nước sông Trà Khúc dâng cao, hàng nghìn nhà dân ở Quảng Ngãi bị ngập sâu, "
         "chính quyền sơ tán người dân khỏi vùng nguy hiểm.")
FLOOD_COPY = ("Lũ lớn ở Quảng Ngãi: hàng nghìn nhà dân bị ngập sâu",
              "Mưa lớn kéo dài khiến nước sông Trà Khúc dâng cao, hàng nghìn nhà dân ở Quảng Ngãi bị ngập sâu, "
              "chính quyền sơ tán người dân khỏi vùng nguy hiểm.")
FLOOD_FOLLOW = ("Quảng Ngãi sơ tán người dân vùng ngập sâu do lũ sông Trà Khúc",
                "Nước lũ sông Trà Khúc tiếp tục dâng, nhiều nhà dân Quảng Ngãi ngập sâu, lực lượng cứu hộ sơ tán "
                "người dân trong đêm.")
FEES = ("Học phí đại học năm học mới tăng mạnh, sinh viên lo lắng",
        "Nhiều trường đại học công bố mức học phí mới tăng từ 10 đến 15 phần trăm, sinh viên và phụ huynh lo lắng.")


def _frame(rows: list[tuple[str, datetime, str, str]]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["id", "time", "title", "text"])


EMPTY = pd.DataFrame(columns=["id", "time", "title", "text", "narrative_id"])


def test_copies_collapse_and_same_story_groups_but_other_stories_do_not() -> None:
    batch = _frame([
        ("a", T0, *FLOOD), ("b", T0 + timedelta(hours=1), *FLOOD_COPY),
        ("c", T0 + timedelta(hours=3), *FLOOD_FOLLOW), ("d", T0 + timedelta(hours=2), *FEES),
    ])
    out = assign(EMPTY, batch).set_index("document_id")
    assert out.loc["a", "narrative_id"] == narrative_id("a")
    assert out.loc["b", "narrative_id"] == narrative_id("a")
    assert out.loc["b", "duplicate_of"] == "a"
    assert out.loc["c", "narrative_id"] == narrative_id("a")
    assert pd.isna(out.loc["c", "duplicate_of"])
    assert out.loc["d", "narrative_id"] == narrative_id("d")


def test_a_document_outside_the_window_opens_a_new_narrative() -> None:
    context = _frame([("a", T0, *FLOOD)]).assign(narrative_id=narrative_id("a"))
    late = _frame([("z", T0 + timedelta(days=10), *FLOOD_COPY)])
    assert assign(context, late, AssignConfig(window="72h"))["narrative_id"].tolist() == [narrative_id("z")]
    soon = _frame([("y", T0 + timedelta(hours=5), *FLOOD_COPY)])
    assert assign(context, soon)["narrative_id"].tolist() == [narrative_id("a")]


def _store(db: Path, docs: list[tuple[str, str, str, str, datetime, str]]) -> None:
    records = [Document(url=f"https://{src}.example.vn/{i}.html", source=src, title=t, text=x, published_at=at,
                        kind=kind) for i, (src, t, x, kind, at, _) in enumerate(docs, start=len(docs) * 7)]
    ann = pd.DataFrame({
        "document_id": [r.id for r in records], "model_version": "test",
        "sentiment": [d[5] for d in docs], "sentiment_score": 0.9, "toxicity": "clean", "toxicity_score": 0.9,
        "topic": "moi-truong", "topics": [["moi-truong"]] * len(docs), "topic_scores": [[0.9]] * len(docs),
        "tokens": 20,
    })
    with open_writer(db) as con:
        write_documents(con, records)
        write_annotations(con, ann[ANNOTATION_COLUMNS])


def test_update_is_incremental_and_keeps_ids(db_path: Path) -> None:
    _store(db_path, [("baoa", *FLOOD, "press", T0, "negative"), ("baob", *FEES, "press", T0, "negative")])
    first = update_narratives(db_path)
    assert (first.documents, first.opened, first.joined) == (2, 2, 0)
    with open_reader(db_path) as con:
        before = dict(con.execute("SELECT label, id FROM narratives").fetchall())
    _store(db_path, [("mxh", *FLOOD_FOLLOW, "social", T0 + timedelta(hours=2), "negative"),
                     ("baoc", *FLOOD_COPY, "press", T0 + timedelta(hours=1), "neutral")])
    second = update_narratives(db_path)
    assert (second.documents, second.opened, second.joined, second.duplicates) == (2, 0, 2, 1)
    assert update_narratives(db_path).documents == 0
    with open_reader(db_path) as con:
        rows = con.execute(
            "SELECT id, label, n_documents, n_duplicates, sources, kinds, n_negative, n_neutral, places "
            "FROM narratives ORDER BY n_documents DESC").fetchall()
    assert len(rows) == 2
    flood = rows[0]
    assert flood[0] == before[FLOOD[0]]
    assert flood[2:4] == (3, 1)
    assert sorted(flood[4]) == ["baoa", "baoc", "mxh"]
    assert sorted(flood[5]) == ["press", "social"]
    assert flood[6:8] == (2, 1)
    assert flood[8] == ["quang-ngai"]
    assert rows[1][1] == FEES[0]
    from warehouse.narratives import narrative_documents, narrative_hourly_volume, related_narratives

    with open_reader(db_path) as con:
        volume = narrative_hourly_volume(con, flood[0])
        docs = narrative_documents(con, flood[0])
        related = related_narratives(con, flood[0])
    assert volume["n_documents"].tolist() == [1, 1, 1] and volume["n_social"].tolist() == [0, 0, 1]
    assert volume["n_negative"].sum() == 2
    assert docs["duplicate_of"].notna().tolist() == [False, False, True]  # originals before copies
    assert related.empty  # the fees story shares nothing with the flood


def test_close_narratives_merge_into_the_older_id() -> None:
    from pipelines.narratives.assign import assign_batch

    # Two narratives that an earlier, stricter pass kept apart; a new document bridges them.
    context = pd.concat([
        _frame([("a", T0, *FLOOD)]).assign(narrative_id=narrative_id("a"), first_seen=T0),
        _frame([("f", T0 + timedelta(hours=2), *FLOOD_FOLLOW)]).assign(
            narrative_id=narrative_id("f"), first_seen=T0 + timedelta(hours=2)),
    ], ignore_index=True)
    bridge = _frame([("g", T0 + timedelta(hours=4), FLOOD[0], FLOOD_FOLLOW[1])])
    result = assign_batch(context, bridge)
    assert result.merged == {narrative_id("f"): narrative_id("a")}
    assert result.members["narrative_id"].tolist() == [narrative_id("a")]


def test_a_merged_narrative_is_found_under_its_new_id(db_path: Path) -> None:
    from warehouse.narratives import narrative_documents, narrative_summary, resolve_narrative_id

    with open_writer(db_path) as con:
        con.execute("INSERT INTO narrative_merges (narrative_id, merged_into) VALUES ('nar-b', 'nar-a'), "
                    "('nar-c', 'nar-b')")
        assert resolve_narrative_id(con, "nar-c") == "nar-a"
        assert resolve_narrative_id(con, "nar-a") == "nar-a"
        assert narrative_summary(con, "nar-c").empty and narrative_documents(con, "nar-c").empty


def test_a_merge_in_the_warehouse_moves_members_and_the_old_id_still_answers(db_path: Path) -> None:
    from warehouse.narratives import narrative_hourly_volume, narrative_summary, resolve_narrative_id

    strict = AssignConfig(duplicate_similarity=1.0, join_similarity=1.0, pair_similarity=1.0,
                          merge_similarity=1.0)
    _store(db_path, [("baoa", *FLOOD, "press", T0, "negative"),
                     ("baob", *FLOOD_FOLLOW, "press", T0 + timedelta(hours=2), "negative")])
    assert update_narratives(db_path, config=strict).opened == 2  # kept apart by a stricter pass
    with open_reader(db_path) as con:
        ids = dict(con.execute("SELECT label, id FROM narratives").fetchall())
    older, younger = ids[FLOOD[0]], ids[FLOOD_FOLLOW[0]]
    _store(db_path, [("mxh", FLOOD[0], FLOOD_FOLLOW[1], "social", T0 + timedelta(hours=4), "negative")])
    report = update_narratives(db_path)
    assert report.merged == 1
    with open_reader(db_path) as con:
        assert con.execute("SELECT id, n_documents FROM narratives").fetchall() == [(older, 3)]
        assert con.execute("SELECT * EXCLUDE (merged_at, similarity) FROM narrative_merges").fetchall() == [
            (younger, older)]
        assert resolve_narrative_id(con, younger) == older
        assert narrative_summary(con, younger)["merged_from"].iloc[0].tolist() == [younger]
        assert narrative_hourly_volume(con, younger)["n_documents"].sum() == 3
