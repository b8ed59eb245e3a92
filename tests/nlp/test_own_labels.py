"""The project's own sentiment labels: well-formed, and held-out rows never leak into training."""

from __future__ import annotations

from pathlib import Path

import pytest

from nlp.build_models import LABELS_DIR, _own_press, _own_social
from nlp.labels_io import load_labels

SENTIMENTS = {"negative", "neutral", "positive"}


@pytest.mark.parametrize("name", ["vihsd_sentiment.csv", "timeline_sentiment.csv"])
def test_label_files_hold_keys_and_known_labels_only(name: str) -> None:
    labels = load_labels(LABELS_DIR / name)
    assert len(labels) >= 600
    assert set(labels.values()) == SENTIMENTS
    # Keys only: a row index or a hex id, never a text (texts stay in ../shared).
    assert all(k.isdigit() or all(c in "0123456789abcdef" for c in k) for k in labels)


@pytest.mark.shared
def test_held_out_texts_never_appear_in_training(shared_dir: Path) -> None:
    for train, held in (_own_social(shared_dir), _own_press(shared_dir)):
        assert held and train
        assert not {e.text for e in train} & {e.text for e in held}
        assert not {e.key for e in train} & {e.key for e in held}
