"""Quality gate: the shipped models re-evaluated on ../shared must not fall under nlp/baseline.json."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from nlp.build_models import BASELINE_FILE, MODELS_DIR, eval_sets, evaluate_model
from nlp.classifier import TextClassifier

BASELINE = json.loads(BASELINE_FILE.read_text("utf-8"))


@pytest.mark.shared
@pytest.mark.slow
@pytest.mark.parametrize("task", sorted(BASELINE))
def test_shipped_model_meets_floors(task: str, shared_dir: Path) -> None:
    model = TextClassifier.load(MODELS_DIR / task)
    sets = eval_sets(task, shared_dir)
    for name, floors in BASELINE[task].items():
        assert name in sets, f"evaluation set {name} of baseline.json is gone"
        texts, gold = sets[name]
        result = evaluate_model(model, texts, gold, task)
        for metric, floor in floors.items():
            assert result[metric] >= floor, f"{task} {name} {metric} {result[metric]:.4f} < floor {floor}"


def test_baseline_covers_every_shipped_task() -> None:
    assert {"sentiment", "toxicity", "topic"} <= set(BASELINE)
    for task in BASELINE:
        assert (MODELS_DIR / task / "meta.json").is_file(), f"no shipped model for {task}"
