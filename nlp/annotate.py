"""Every annotation of a text in one pass: segment once, share features across the models."""

from __future__ import annotations

import importlib
import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from itertools import islice
from pathlib import Path
from typing import Any

import numpy as np

from nlp.classifier import TextClassifier
from nlp.features import featurize_many
from nlp.parallel import default_workers, prepare_stream
from nlp.segment import word_count

MODELS_DIR = Path(__file__).with_name("models")
TASKS = ("sentiment", "toxicity", "topic")
_SHORT = {"sentiment": "sent", "toxicity": "tox", "topic": "topic"}
CHUNK = 256
PARALLEL_MIN = 1000
KEYPHRASES = 5
_PROBE = "Bộ Y_tế tại Hà_Nội theo Nghị_định 100/2019/NĐ-CP"
log = logging.getLogger(__name__)


def _optional(module: str, name: str, probe: Any) -> Callable[..., Any] | None:
    """An extractor of another module when present and working, else None (with a warning)."""
    try:
        fn: Callable[..., Any] = getattr(importlib.import_module(module), name)
        fn(probe)
    except (ImportError, AttributeError):
        return None
    except Exception as exc:  # a broken optional extractor must not stop annotation
        log.warning("annotation without %s.%s: %s", module, name, exc)
        return None
    return fn


def _unique(items: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(items))


@dataclass
class Annotator:
    """The three shipped classifiers plus the optional extractors, applied together."""

    models: dict[str, TextClassifier]
    extractors: dict[str, Callable[..., Any]] = field(default_factory=dict)
    #: Version string of the model set, e.g. "sent-1.0+tox-1.0+topic-1.0".
    model_version: str = field(init=False, default="")
    #: Processes that segment large batches (1: all in the calling process).
    workers: int = 1

    @classmethod
    def load(cls, models_dir: Path | None = None, workers: int | None = None) -> Annotator:
        """Load sentiment, toxicity and topic models from models_dir (default: the shipped ones).

        workers: processes used to segment large batches (default: the machine's cores, up to 4).
        """
        base = Path(models_dir) if models_dir is not None else MODELS_DIR
        models = {task: TextClassifier.load(base / task) for task in TASKS}
        extractors = {
            key: fn
            for key, fn in (
                ("places", _optional("nlp.entities", "find_places", _PROBE)),
                ("agencies", _optional("nlp.entities", "find_agencies", _PROBE)),
                ("legal_refs", _optional("nlp.legal", "find_legal_refs", _PROBE)),
                ("keyphrases", _optional("nlp.keyphrases", "keyphrases", _PROBE.split())),
            )
            if fn is not None
        }
        return cls(models, extractors, workers=default_workers() if workers is None else max(1, workers))

    def __post_init__(self) -> None:
        # A plain attribute (not a property) so that callers' protocols may declare it as a field.
        self.model_version = "+".join(f"{_SHORT[t]}-{self.models[t].version}" for t in TASKS)

    def annotate(self, texts: list[str], progress: Callable[[int], None] | None = None) -> list[dict[str, Any]]:
        """One dict of annotations per text, in order; progress(n) after each chunk of n texts."""
        texts = [t or "" for t in texts]
        # Worker processes pay off only once their start-up is amortised over many texts.
        workers = self.workers if len(texts) >= PARALLEL_MIN else 1
        stream = prepare_stream(texts, workers)
        out: list[dict[str, Any]] = []
        for start in range(0, len(texts), CHUNK):
            chunk = texts[start : start + CHUNK]
            out.extend(self._chunk(chunk, list(islice(stream, len(chunk)))))
            if progress is not None:
                progress(len(chunk))
        return out

    def _chunk(self, texts: list[str], segmented: list[str]) -> list[dict[str, Any]]:
        features = featurize_many(segmented, {m.spec for m in self.models.values()})
        probs = {task: model.scores(features[model.spec]) for task, model in self.models.items()}
        sent, tox, topic = (self.models[t] for t in TASKS)
        topics = topic.top(probs["topic"])
        rows = []
        for i, (text, seg) in enumerate(zip(texts, segmented, strict=True)):
            si = int(np.argmax(probs["sentiment"][i]))
            ti = int(np.argmax(probs["toxicity"][i]))
            labels, scores = topics[i]
            row: dict[str, Any] = {
                "sentiment": sent.labels[si],
                "sentiment_score": round(float(probs["sentiment"][i][si]), 4),
                "toxicity": tox.labels[ti],
                "toxicity_score": round(float(probs["toxicity"][i][ti]), 4),
                "topic": labels[0],
                "topics": labels,
                "topic_scores": [round(s, 4) for s in scores],
                "tokens": word_count(seg),
            }
            for key in ("places", "agencies"):
                if key in self.extractors:
                    row[key] = _unique(p.slug for p in self.extractors[key](text))
            if "legal_refs" in self.extractors:
                row["legal_refs"] = _unique(r.id for r in self.extractors["legal_refs"](text))
            if "keyphrases" in self.extractors:
                row["keyphrases"] = list(self.extractors["keyphrases"](seg.split(), KEYPHRASES))
            rows.append(row)
        return rows
