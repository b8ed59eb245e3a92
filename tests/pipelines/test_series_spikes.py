"""Spikes of place, agency, legal-reference and keyword series: scored in `radar process`, routed to subscriptions."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from pathlib import Path

import numpy as np
import pandas as pd

from pipelines.alerts.events import series_spike_events
from pipelines.alerts.model import Event, Subscription
from pipelines.alerts.plan import matches
from pipelines.narratives.step import update_narratives
from pipelines.process import replace_series_spikes, score_entity_spikes
from pipelines.trends.series import keyed_counts, score_keyed
from warehouse.db import open_reader, open_writer
from warehouse.narratives import series_spikes
from warehouse.records import Document
from warehouse.write import ANNOTATION_COLUMNS, write_annotations, write_documents

VN = timezone(timedelta(hours=7))
START = datetime(2026, 3, 1, tzinfo=VN)


def test_keyed_counts_count_a_document_once_per_key() -> None:
    hours = pd.Series(pd.to_datetime(["2026-03-01 08:00", "2026-03-01 08:00", "2026-03-01 09:00"]))
    counts = keyed_counts(hours, [["ha-noi", "ha-noi"], ["ha-noi", "hue"], None])
    assert counts.set_index(["key"])["n"].to_dict() == {"ha-noi": 2, "hue": 1}


def test_a_burst_in_one_place_alerts_and_a_steady_place_does_not() -> None:
    rng = np.random.default_rng(11)
    hours = pd.date_range(START, periods=24 * 14, freq="h")
    rows = []
    for key in ("quang-ngai", "ha-noi"):
        counts = rng.poisson(0.4, len(hours))
        if key == "quang-ngai":
            counts[24 * 12 + 9: 24 * 12 + 12] += 8  # a flood on day 12
        rows += [(h, key, int(c)) for h, c in zip(hours, counts, strict=True) if c]
    spikes = score_keyed(pd.DataFrame(rows, columns=["hour", "key", "n"]), "place", None)
    alerts = spikes[spikes["alert"]]
    assert set(alerts["key"]) == {"quang-ngai"}
    assert alerts["hour"].min() >= hours[24 * 12 + 9]


def _docs(n_background: int, burst: int) -> list[Document]:
    docs = []
    for i in range(n_background):
        at = START + timedelta(hours=5 * i)
        docs.append(Document(url=f"https://a.example.vn/{i}", source="baoa", published_at=at,
                             title=f"Tin địa phương số {i} ở Quảng Ngãi", text=f"Chuyện thường ngày thứ {i}."))
    flood = START + timedelta(days=11, hours=9)
    for i in range(burst):
        docs.append(Document(url=f"https://b.example.vn/{i}", source=f"bao{i % 3}", published_at=flood + timedelta(
            minutes=9 * i), title=f"Lũ lớn ở Quảng Ngãi, Bộ Nông nghiệp và Môi trường chỉ đạo ứng phó ({i})",
            text="Nước lũ dâng cao, nhiều nhà dân bị ngập sâu."))
    return docs


def _store_flood(db: Path) -> None:
    """60 quiet local items over 12 days, then a flood named by 10 items in 90 minutes, annotated."""
    docs = _docs(60, 10)
    ann = pd.DataFrame({"document_id": [d.id for d in docs], "model_version": "t", "sentiment": "negative",
                        "sentiment_score": 0.9, "toxicity": "clean", "toxicity_score": 0.9, "topic": "moi-truong",
                        "topics": [["moi-truong"]] * len(docs), "topic_scores": [[0.9]] * len(docs), "tokens": 20})
    with open_writer(db) as con:
        write_documents(con, docs)
        write_annotations(con, ann[ANNOTATION_COLUMNS])


def test_process_scores_place_agency_and_keyword_series_and_subscriptions_match(db_path: Path) -> None:
    _store_flood(db_path)
    with open_writer(db_path) as con:
        con.execute("INSERT INTO alert_subscriptions (id, who, what, target, sensitivity, channels, mode, "
                    "cooldown_hours) VALUES ('k', 'desk', 'keyword', 'Lũ lớn', 0.5, ['json://h/x'], 'immediate', 12)")
    update_narratives(db_path)
    with open_writer(db_path) as con:
        spikes = score_entity_spikes(con, None)
        assert replace_series_spikes(con, spikes, None) == len(spikes)
    alerts = spikes[spikes["alert"]]
    assert {"place", "keyword"} <= set(alerts["kind"])
    assert "quang-ngai" in set(alerts.loc[alerts["kind"] == "place", "key"])
    assert set(alerts.loc[alerts["kind"] == "keyword", "key"]) == {"lũ lớn"}
    with open_reader(db_path) as con:
        stored = series_spikes(con, START, START + timedelta(days=30))
    assert len(stored) == int(spikes["alert"].sum())
    events = series_spike_events(stored, pd.Timestamp(START + timedelta(days=12)))
    place_sub = Subscription(id="p", who="tỉnh", what="place", target="quang-ngai", channels=("json://h/x",))
    keyword_sub = Subscription(id="k", who="desk", what="keyword", target="lũ lớn", channels=("json://h/x",))
    other = Subscription(id="o", who="tỉnh", what="place", target="ha-noi", channels=("json://h/x",))
    assert any(matches(place_sub, e, {}) for e in events)
    assert any(matches(keyword_sub, e, {}) for e in events)
    assert not any(matches(other, e, {}) for e in events)


def test_an_entity_subscription_follows_its_agency() -> None:
    sub = Subscription(id="e", who="bộ", what="entity", target="bo-y-te", channels=("json://h/x",))
    hit = Event(id="x", kind="spike", target="bo-y-te", at="2026-03-01T00:00:00+07:00", score=0.8, title="t",
                body="b", series="entity", agencies=("bo-y-te",))
    miss = Event(id="y", kind="spike", target="bo-tai-chinh", at="2026-03-01T00:00:00+07:00", score=0.8, title="t",
                 body="b", series="entity", agencies=("bo-tai-chinh",))
    weak = Event(id="z", kind="spike", target="bo-y-te", at="2026-03-01T00:00:00+07:00", score=0.2, title="t",
                 body="b", series="entity", agencies=("bo-y-te",))
    assert matches(sub, hit, {}) and not matches(sub, miss, {}) and not matches(sub, weak, {})


def test_a_later_run_rescores_only_recent_hours_from_60_days_of_history(db_path: Path) -> None:
    _store_flood(db_path)
    update_narratives(db_path)
    since = START + timedelta(days=11)
    with open_writer(db_path) as con:
        full = score_entity_spikes(con, None)
        recent = score_entity_spikes(con, since)
    assert not recent.empty and recent["hour"].min() >= pd.Timestamp(since)
    # Causal: the recent rows are the same as the full run's rows for those hours.
    tail = full[full["hour"] >= pd.Timestamp(since)].reset_index(drop=True)
    pd.testing.assert_frame_equal(recent.reset_index(drop=True), tail, check_dtype=False)
