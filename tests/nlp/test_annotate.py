"""Annotator: one dict per text, in order, with every key of the contract."""

from __future__ import annotations

import sys
import types
from pathlib import Path

import pytest

from nlp import parallel
from nlp.annotate import MODELS_DIR, PARALLEL_MIN, Annotator
from nlp.segment import prepare
from nlp.taxonomy import topic_slugs

KEYS = {
    "sentiment",
    "sentiment_score",
    "toxicity",
    "toxicity_score",
    "topic",
    "topics",
    "topic_scores",
    "tokens",
}


def test_annotate_small_models(small_models: Path) -> None:
    ann = Annotator.load(small_models)
    assert ann.model_version == "sent-1.0+tox-1.0+topic-1.0"
    texts = ["Bệnh viện quá tải, bác sĩ mệt mỏi, thất vọng", "", "Học sinh thi đại học, rất vui"] * 100
    seen: list[int] = []
    rows = ann.annotate(texts, progress=seen.append)
    assert len(rows) == len(texts) and sum(seen) == len(texts)
    for row in rows:
        assert set(row) >= KEYS
        assert row["sentiment"] in {"negative", "neutral", "positive"}
        assert row["toxicity"] in {"clean", "offensive", "hate"}
        assert 0.0 <= row["sentiment_score"] <= 1.0 and 0.0 <= row["toxicity_score"] <= 1.0
        assert row["topics"][0] == row["topic"] and len(row["topics"]) == len(row["topic_scores"]) >= 1
        assert row["topic_scores"] == sorted(row["topic_scores"], reverse=True)
    assert rows[0]["topic"] == "y-te" and rows[0]["sentiment"] == "negative"
    assert rows[2]["topic"] == "giao-duc"
    assert rows[0]["tokens"] == 5 and rows[1]["tokens"] == 0
    assert rows[3] == rows[0]


def test_shipped_models_load_and_cover_the_taxonomy() -> None:
    if not (MODELS_DIR / "topic" / "meta.json").is_file():
        return  # shipped models are part of the repository; this guards a partial checkout only
    ann = Annotator.load()
    assert set(ann.models["topic"].labels) <= set(topic_slugs())
    assert ann.models["sentiment"].labels == ["negative", "neutral", "positive"]
    assert ann.models["toxicity"].labels == ["clean", "hate", "offensive"]
    [row] = ann.annotate(["Quốc hội thông qua luật giáo dục sửa đổi, học sinh và giáo viên vui mừng"])
    assert row["topic"] in topic_slugs()


def test_worker_processes_give_the_same_annotations(small_models: Path) -> None:
    texts = [f"Bệnh viện số {i} quá tải, bác sĩ mệt mỏi" for i in range(PARALLEL_MIN)]
    serial = Annotator.load(small_models, workers=1).annotate(texts)
    seen: list[int] = []
    parallel = Annotator.load(small_models, workers=2).annotate(texts, progress=seen.append)
    assert parallel == serial and sum(seen) == len(texts)


def test_workers_that_cannot_start_fall_back_in_process(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # As inside Streamlit: `__main__` is a script a worker process cannot import.
    script = tmp_path / "app.py"
    script.write_text("raise RuntimeError('not importable in a worker')\n", encoding="utf-8")
    fake_main = types.ModuleType("__main__")
    fake_main.__file__ = str(script)
    monkeypatch.setitem(sys.modules, "__main__", fake_main)
    monkeypatch.setattr(parallel, "_broken", False)
    monkeypatch.setattr(parallel, "_POOLS", {})
    texts = [f"Người dân phản ánh đường số {i} ngập sâu" for i in range(40)]
    assert list(parallel.prepare_stream(texts, 2)) == [prepare(t) for t in texts]
    assert parallel._broken and parallel.default_workers() == 1


def test_default_workers_follow_idle_cores(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(parallel, "_broken", False)
    monkeypatch.setattr(parallel.os, "cpu_count", lambda: 2)
    monkeypatch.setattr(parallel.os, "getloadavg", lambda: (1.0, 1.0, 1.0))
    assert parallel.default_workers() == 2
    monkeypatch.setattr(parallel.os, "getloadavg", lambda: (6.0, 6.0, 6.0))
    assert parallel.default_workers() == 1
    monkeypatch.setattr(parallel.os, "cpu_count", lambda: 1)
    monkeypatch.setattr(parallel.os, "getloadavg", lambda: (0.0, 0.0, 0.0))
    assert parallel.default_workers() == 1
