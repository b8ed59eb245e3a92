"""Narrative splitting: two stories in one narrative split once, the larger keeps the id; coherent ones never split."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from pathlib import Path

import pandas as pd

from pipelines.narratives.assign import assign_batch, narrative_id
from pipelines.narratives.split import SplitConfig, propose_split, split_id, split_narratives
from pipelines.narratives.step import update_narratives
from warehouse.db import open_reader, open_writer
from warehouse.records import Document
from warehouse.write import ANNOTATION_COLUMNS, write_annotations, write_documents

VN = timezone(timedelta(hours=7))
T0 = datetime(2026, 3, 2, 8, tzinfo=VN)

FLOOD = [
    ("Lũ lớn ở Quảng Ngãi, hàng nghìn nhà dân bị ngập sâu",
     "Mưa lớn kéo dài khiến nước sông Trà Khúc dâng cao, hàng nghìn nhà dân ở Quảng Ngãi bị ngập sâu."),
    ("Quảng Ngãi sơ tán người dân vùng ngập sâu do lũ sông Trà Khúc",
     "Nước lũ sông Trà Khúc tiếp tục dâng, lực lượng cứu hộ Quảng Ngãi sơ tán người dân trong đêm."),
    ("Lũ sông Trà Khúc vượt báo động 3, Quảng Ngãi ngập nặng",
     "Mực nước lũ sông Trà Khúc vượt mức báo động 3, nhiều xã của Quảng Ngãi bị cô lập vì ngập."),
    ("Cứu hộ xuyên đêm đưa dân Quảng Ngãi khỏi vùng lũ",
     "Bộ đội và công an Quảng Ngãi dùng xuồng đưa người già, trẻ em khỏi vùng lũ ngập sâu."),
    ("Quảng Ngãi: nước lũ rút chậm, người dân dọn bùn sau ngập",
     "Sau trận lũ lịch sử trên sông Trà Khúc, người dân Quảng Ngãi bắt đầu dọn bùn, nước rút chậm."),
    ("Thiệt hại do lũ ở Quảng Ngãi lên tới hàng trăm tỉ đồng",
     "Trận lũ trên sông Trà Khúc làm hàng nghìn nhà dân Quảng Ngãi ngập sâu, thiệt hại hàng trăm tỉ đồng."),
]
FEES = [
    ("Học phí đại học năm học mới tăng mạnh, sinh viên lo lắng",
     "Nhiều trường đại học công bố mức học phí mới tăng từ 10 đến 15 phần trăm, sinh viên lo lắng."),
    ("Phụ huynh lo học phí đại học tăng liên tục",
     "Mức học phí của các trường đại học tự chủ tăng mỗi năm khiến phụ huynh và sinh viên lo lắng."),
    ("Bộ Giáo dục yêu cầu các trường đại học công khai lộ trình tăng học phí",
     "Bộ Giáo dục và Đào tạo yêu cầu trường đại học công khai học phí, không tăng quá mức trần."),
]


def _frame(story: list[tuple[str, str]], prefix: str, start: datetime) -> pd.DataFrame:
    return pd.DataFrame([{"document_id": f"{prefix}{i}", "time": start + timedelta(hours=3 * i), "title": t,
                          "text": x, "duplicate_of": None} for i, (t, x) in enumerate(story)])


def test_two_stories_in_one_narrative_split_and_the_smaller_moves() -> None:
    mixed = pd.concat([_frame(FLOOD, "f", T0), _frame(FEES, "h", T0 + timedelta(hours=1))], ignore_index=True)
    found = propose_split(mixed)
    assert found is not None
    moved, similarity, silhouette = found
    assert moved == ["h0", "h1", "h2"]
    assert similarity < SplitConfig().max_similarity and silhouette >= SplitConfig().min_silhouette
    # A copy follows its original.
    copy = pd.DataFrame([{"document_id": "h9", "time": T0 + timedelta(hours=20), "title": FEES[0][0],
                          "text": FEES[0][1], "duplicate_of": "h0"}])
    found = propose_split(pd.concat([mixed, copy], ignore_index=True))
    assert found is not None and found[0] == ["h0", "h1", "h2", "h9"]
    rows = split_narratives(mixed.assign(narrative_id="nar-x"))
    assert rows[["narrative_id", "split_from", "n_moved"]].values.tolist() == [[split_id("nar-x", "h0"), "nar-x", 3]]


def test_a_coherent_narrative_never_splits() -> None:
    flood = _frame(FLOOD, "f", T0)
    assert propose_split(flood) is None
    assert propose_split(pd.concat([flood, _frame(FLOOD[:3], "g", T0 + timedelta(days=1))], ignore_index=True)) is None
    # Too small a part: two fee items beside six flood items stay (a story needs three originals).
    small = pd.concat([flood, _frame(FEES[:2], "h", T0)], ignore_index=True)
    assert propose_split(small) is None
    assert propose_split(_frame(FLOOD[:3] + FEES[:2], "x", T0)) is None  # under min_members


def test_a_split_part_does_not_merge_back_into_its_parent() -> None:
    ctx = pd.concat([_frame(FLOOD[:3], "f", T0).assign(narrative_id="nar-a"),
                     _frame(FLOOD[3:], "g", T0).assign(narrative_id="nar-b")], ignore_index=True)
    ctx = ctx.rename(columns={"document_id": "id"}).drop(columns="duplicate_of")
    bridge = pd.DataFrame([{"id": "z", "time": T0 + timedelta(hours=30), "title": FLOOD[0][0], "text": FLOOD[5][1]}])
    assert assign_batch(ctx, bridge).merged  # close halves of one story merge ...
    assert not assign_batch(ctx, bridge, apart=[("nar-b", "nar-a")]).merged  # ... unless one was split off


def _store(db: Path, docs: list[tuple[str, str, str, datetime]]) -> list[str]:
    records = [Document(url=f"https://{src}.example.vn/{i}.html", source=src, title=t, text=x, published_at=at)
               for i, (src, t, x, at) in enumerate(docs)]
    ann = pd.DataFrame({
        "document_id": [r.id for r in records], "model_version": "test", "sentiment": "negative",
        "sentiment_score": 0.9, "toxicity": "clean", "toxicity_score": 0.9, "topic": "moi-truong",
        "topics": [["moi-truong"]] * len(docs), "topic_scores": [[0.9]] * len(docs), "tokens": 20,
    })
    with open_writer(db) as con:
        write_documents(con, records)
        write_annotations(con, ann[ANNOTATION_COLUMNS])
    return [r.id for r in records]


def test_a_mixed_narrative_in_the_warehouse_splits_once_and_both_ids_answer(db_path: Path) -> None:
    from warehouse.narratives import narrative_documents, narrative_summary

    flood = _store(db_path, [(f"bao{i}", t, x, T0 + timedelta(hours=3 * i)) for i, (t, x) in enumerate(FLOOD[:5])])
    fees = _store(db_path, [(f"tin{i}", t, x, T0 + timedelta(hours=3 * i + 1)) for i, (t, x) in enumerate(FEES)])
    update_narratives(db_path, split=None)
    parent = narrative_id(flood[0])
    with open_writer(db_path) as con:
        # An earlier, looser pass put both stories in the flood narrative (as a bridging merge would).
        con.execute("UPDATE narrative_members SET narrative_id = ?", [parent])
        con.execute("DELETE FROM narratives WHERE id <> ?", [parent])
        con.execute("INSERT INTO narrative_merges (narrative_id, merged_into) VALUES (?, ?)",
                    [narrative_id(fees[1]), parent])
    _store(db_path, [("bao9", *FLOOD[5], T0 + timedelta(hours=20))])
    report = update_narratives(db_path)
    assert report.split == 1
    child = split_id(parent, fees[0])
    with open_reader(db_path) as con:
        rows = dict(con.execute("SELECT id, n_documents FROM narratives").fetchall())
        assert rows == {parent: 6, child: 3}
        assert con.execute("SELECT narrative_id, split_from, n_moved, document_ids FROM narrative_splits").fetchall() \
            == [(child, parent, 3, fees)]
        assert sorted(narrative_documents(con, child)["id"]) == sorted(fees)
        assert narrative_summary(con, parent)["label"].iloc[0] in {t for t, _ in FLOOD}
        assert narrative_summary(con, child)["label"].iloc[0] in {t for t, _ in FEES}
        assert narrative_summary(con, child)["n_negative"].iloc[0] == 3
        # The id a fee item opened, once merged into the mixed narrative, follows its story.
        assert narrative_summary(con, narrative_id(fees[1]))["id"].iloc[0] == child
    # Idempotent: a new item of each story joins its own part; nothing splits or merges back.
    _store(db_path, [("bao8", FLOOD[1][0], FLOOD[2][1], T0 + timedelta(hours=22)),
                     ("tin8", FEES[0][0], FEES[1][1], T0 + timedelta(hours=22))])
    again = update_narratives(db_path)
    assert (again.split, again.merged, again.opened) == (0, 0, 0)
    assert update_narratives(db_path).documents == 0
    with open_reader(db_path) as con:
        assert dict(con.execute("SELECT id, n_documents FROM narratives").fetchall()) == {parent: 7, child: 4}
        assert con.execute("SELECT count(*) FROM narrative_splits").fetchone() == (1,)
