"""Three small models trained on self-written texts, laid out like nlp/models/."""

from __future__ import annotations

from pathlib import Path

import pytest

from nlp.classifier import train
from nlp.features import prepare
from tests.nlp.samples import SENTIMENT, TOPIC, TOXICITY


@pytest.fixture(scope="session")
def small_models(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A models directory with sentiment, toxicity and topic trained on tests/nlp/samples.py."""
    base = tmp_path_factory.mktemp("models")
    for task, rows in (("sentiment", SENTIMENT), ("toxicity", TOXICITY), ("topic", TOPIC)):
        model = train([prepare(t) for t, _ in rows], [y for _, y in rows], task=task, c=10.0)
        model.save(base / task)
    return base
