"""The project's text-classification recipes: hashed n-grams, TF-IDF, a linear classifier."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeAlias

import numpy as np
import scipy.sparse as sp
from sklearn.calibration import CalibratedClassifierCV
from sklearn.feature_extraction.text import TfidfTransformer
from sklearn.linear_model import LogisticRegression
from sklearn.multiclass import OneVsRestClassifier
from sklearn.preprocessing import MultiLabelBinarizer
from sklearn.svm import LinearSVC

from nlp import modelio
from nlp.features import FeatureSpec, featurize
from nlp.segment import word_count

META_FILE = "meta.json"
MODEL_FILE = "model.skops"
FORMAT = 1

Estimator: TypeAlias = LogisticRegression | OneVsRestClassifier | CalibratedClassifierCV


@dataclass(frozen=True)
class Recipe:
    """Features, feature budget and classifier of one training recipe (see RECIPES)."""

    spec: FeatureSpec
    max_features: int
    min_df: int
    c: float
    #: "logreg" (multinomial logistic regression) or "svm" (LinearSVC, sigmoid-calibrated).
    classifier: str

    def kwargs(self) -> dict[str, Any]:
        """Keyword arguments of train() for this recipe."""
        return dict(
            spec=self.spec, max_features=self.max_features, min_df=self.min_df, c=self.c, classifier=self.classifier
        )


RECIPES: dict[str, Recipe] = {
    # Comments, titles and leads: the settings of the shipped models.
    "short": Recipe(FeatureSpec(), 150_000, 2, 4.0, "logreg"),
    # Whole articles: chosen on VNTC ("Recipe check on VNTC" in docs/models/README.md).
    # C=4 by 3-fold CV on VNTC train (macro-F1 0.918 / 0.920 / 0.921 / 0.921 at C=0.5 / 1 / 2 / 4).
    "long": Recipe(FeatureSpec((1, 2), None, None, n_features=2**22), 400_000, 2, 4.0, "svm"),
}
#: Median words per training text from which "auto" picks the long-document recipe: comments and
#: headlines with leads sit far below it (median 20-40), news articles far above (VNTC: ~400).
LONG_TEXT_WORDS = 150


def choose_recipe(segmented: Sequence[str]) -> str:
    """"long" when the median text has at least LONG_TEXT_WORDS words, else "short"."""
    if not segmented:
        return "short"
    median = float(np.median([word_count(s) for s in segmented]))
    return "long" if median >= LONG_TEXT_WORDS else "short"


@dataclass
class TextClassifier:
    """A trained classifier over segmented text; single-label or multi-label (one-vs-rest)."""

    task: str
    labels: list[str]
    spec: FeatureSpec
    columns: np.ndarray
    tfidf: TfidfTransformer
    clf: Estimator
    multilabel: bool = False
    thresholds: list[float] = field(default_factory=list)
    #: Log-odds added to each label's score before normalising (single-label models): a prior
    #: shift tuned on held-out training rows, so that the argmax serves macro-F1, not accuracy.
    class_bias: list[float] = field(default_factory=list)
    version: str = "1.0"
    meta: dict[str, Any] = field(default_factory=dict)
    _colmap: np.ndarray | None = field(default=None, repr=False)

    def _select(self, x: sp.csr_matrix) -> sp.csr_matrix:
        # Remapping column ids with one lookup table is much cheaper than scipy fancy indexing.
        if self._colmap is None:
            colmap = np.full(self.spec.width, -1, dtype=np.int64)
            colmap[self.columns] = np.arange(len(self.columns))
            self._colmap = colmap
        x = x.tocsr()
        new = self._colmap[x.indices]
        keep = new >= 0
        rows = np.repeat(np.arange(x.shape[0]), np.diff(x.indptr))[keep]
        return sp.csr_matrix((x.data[keep], (rows, new[keep])), shape=(x.shape[0], len(self.columns)), dtype=np.float64)

    def scores(self, features: sp.csr_matrix) -> np.ndarray:
        """Probability of each label (columns in `labels` order) for rows of featurize()."""
        xt = self.tfidf.transform(self._select(features))
        probs = np.asarray(self.clf.predict_proba(xt))
        if self.class_bias and not self.multilabel:
            probs = _shift(probs, np.asarray(self.class_bias))
        return probs

    def predict_segmented(self, segmented: Sequence[str]) -> np.ndarray:
        """scores() for already segmented texts."""
        return self.scores(featurize(list(segmented), self.spec))

    def top(self, probs: np.ndarray) -> list[tuple[list[str], list[float]]]:
        """Per row: labels above their threshold, best first (at least the best one), and scores."""
        out = []
        thr = np.asarray(self.thresholds or [0.5] * len(self.labels))
        for row in probs:
            order = np.argsort(-row)
            chosen = [i for i in order if row[i] >= thr[i]] or [int(order[0])]
            out.append(([self.labels[i] for i in chosen], [float(row[i]) for i in chosen]))
        return out

    def save(self, directory: Path) -> None:
        """Write model.skops and meta.json into directory."""
        directory.mkdir(parents=True, exist_ok=True)
        modelio.dump({"columns": self.columns, "tfidf": self.tfidf, "clf": self.clf}, directory / MODEL_FILE)
        meta = dict(self.meta)
        meta.update(
            format=FORMAT,
            task=self.task,
            version=self.version,
            labels=self.labels,
            multilabel=self.multilabel,
            thresholds=[round(t, 4) for t in self.thresholds],
            class_bias=[round(b, 4) for b in self.class_bias],
            features=self.spec.to_dict(),
        )
        (directory / META_FILE).write_text(json.dumps(meta, ensure_ascii=False, indent=2) + "\n", "utf-8")

    @classmethod
    def load(cls, directory: Path) -> TextClassifier:
        """Read a model directory written by save(); untrusted content is refused."""
        meta_path = directory / META_FILE
        if not meta_path.is_file():
            raise modelio.ModelError(f"not a model directory (no {META_FILE}): {directory}")
        try:
            meta = json.loads(meta_path.read_text("utf-8"))
        except json.JSONDecodeError as exc:
            raise modelio.ModelError(f"bad {meta_path}: {exc}") from exc
        if meta.get("format") != FORMAT:
            raise modelio.ModelError(f"unsupported model format {meta.get('format')!r} in {meta_path}")
        parts = modelio.load(directory / MODEL_FILE)
        if not isinstance(parts, dict) or set(parts) != {"columns", "tfidf", "clf"}:
            raise modelio.ModelError(f"unexpected content in {directory / MODEL_FILE}")
        return cls(
            task=str(meta["task"]),
            labels=[str(x) for x in meta["labels"]],
            spec=FeatureSpec.from_dict(meta["features"]),
            columns=np.asarray(parts["columns"]),
            tfidf=parts["tfidf"],
            clf=parts["clf"],
            multilabel=bool(meta.get("multilabel", False)),
            thresholds=[float(t) for t in meta.get("thresholds", [])],
            class_bias=[float(b) for b in meta.get("class_bias", [])],
            version=str(meta.get("version", "1.0")),
            meta=meta,
        )


def _shift(probs: np.ndarray, bias: np.ndarray) -> np.ndarray:
    """Probabilities re-weighted by exp(bias) per label and normalised again."""
    shifted = probs * np.exp(bias)[None, :]
    return np.asarray(shifted / shifted.sum(axis=1, keepdims=True))


def tune_bias(probs: np.ndarray, gold: Sequence[str], labels: Sequence[str], steps: int = 3) -> list[float]:
    """Per-label log-odds offsets maximising macro-F1 of argmax(probs) on held-out rows.

    Coordinate ascent over a grid, the first label fixed at 0 (only differences matter).
    """
    from sklearn.metrics import f1_score

    idx = {lab: i for i, lab in enumerate(labels)}
    y = np.asarray([idx[g] for g in gold])
    logp = np.log(np.clip(probs, 1e-12, None))
    bias = np.zeros(len(labels))
    grid = np.arange(-2.0, 2.01, 0.125)

    def score(b: np.ndarray) -> float:
        return float(f1_score(y, (logp + b).argmax(axis=1), average="macro"))

    best = score(bias)
    for _ in range(steps):
        improved = False
        for k in range(1, len(labels)):
            for value in grid:
                trial = bias.copy()
                trial[k] = value
                f = score(trial)
                # Ties go to the smaller shift: the prior should move only as far as it pays.
                if f > best + 1e-9 or (abs(f - best) <= 1e-9 and abs(value) < abs(bias[k])):
                    best, bias, improved = f, trial, True
        if not improved:
            break
    return [float(b) for b in bias]


def _choose_columns(x: sp.csr_matrix, min_df: int, max_features: int) -> np.ndarray:
    df = np.asarray((x > 0).sum(axis=0)).ravel()
    candidates = np.flatnonzero(df >= min_df)
    if len(candidates) > max_features:
        # Keep the most frequent n-grams: cheap, label-agnostic, and stable across retrains.
        candidates = candidates[np.argsort(-df[candidates], kind="stable")[:max_features]]
    return np.sort(candidates).astype(np.int32)


def train(
    segmented: Sequence[str],
    labels: Sequence[str] | Sequence[Sequence[str]],
    *,
    task: str,
    spec: FeatureSpec | None = None,
    sample_weight: Sequence[float] | None = None,
    max_features: int = 150_000,
    min_df: int = 2,
    c: float = 4.0,
    class_weight: str | None = None,
    classifier: str = "logreg",
    secondary_threshold: float = 0.3,
    version: str = "1.0",
    meta: dict[str, Any] | None = None,
    tune_share: float = 0.0,
    tune_on: Sequence[bool] | None = None,
) -> TextClassifier:
    """Fit the recipe; list-valued labels make a multi-label (one-vs-rest) model.

    tune_share > 0 (single-label): that share of the rows flagged by tune_on (default: all) is
    held out of a first fit to tune class_bias for macro-F1, then the model is refitted on all rows.
    classifier "svm" (single-label only; multi-label data falls back to "logreg") fits a LinearSVC
    whose margins are turned into probabilities by sigmoid calibration on cross-validated rows.
    """
    if classifier not in ("logreg", "svm"):
        raise ValueError(f"unknown classifier {classifier!r}")
    kw: dict[str, Any] = dict(
        task=task,
        spec=spec,
        max_features=max_features,
        min_df=min_df,
        c=c,
        class_weight=class_weight,
        classifier=classifier,
        secondary_threshold=secondary_threshold,
    )
    model = _fit_once(segmented, labels, sample_weight, **kw)
    if tune_share > 0 and not model.multilabel:
        held = _tune_rows([str(y) for y in labels], tune_share, tune_on)
        rest = [int(i) for i in np.flatnonzero(~held)]
        kept = [int(i) for i in np.flatnonzero(held)]
        weights = None if sample_weight is None else [sample_weight[i] for i in rest]
        part = _fit_once([segmented[i] for i in rest], [labels[i] for i in rest], weights, **kw)
        if part.labels == model.labels and held.any():
            probs = part.predict_segmented([segmented[i] for i in kept])
            gold = [str(labels[i]) for i in kept]
            model.class_bias = tune_bias(probs, gold, model.labels)
    model.version = version
    model.meta = dict(meta or {})
    return model


def _tune_rows(labels: Sequence[str], share: float, eligible: Sequence[bool] | None) -> np.ndarray:
    """A seeded, per-label random share of the eligible rows (boolean mask)."""
    rng = np.random.default_rng(0)
    mask = np.zeros(len(labels), dtype=bool)
    ok = np.ones(len(labels), dtype=bool) if eligible is None else np.asarray(eligible, dtype=bool)
    arr = np.asarray(labels)
    for lab in sorted(set(labels)):
        idx = np.flatnonzero((arr == lab) & ok)
        take = int(round(len(idx) * share))
        if take and take < len(idx):
            mask[rng.choice(idx, size=take, replace=False)] = True
    return mask


def _fit_once(
    segmented: Sequence[str],
    labels: Sequence[str] | Sequence[Sequence[str]],
    sample_weight: Sequence[float] | None,
    *,
    task: str,
    spec: FeatureSpec | None,
    max_features: int,
    min_df: int,
    c: float,
    class_weight: str | None,
    classifier: str,
    secondary_threshold: float,
) -> TextClassifier:
    if len(segmented) != len(labels):
        raise ValueError("texts and labels differ in length")
    if not segmented:
        raise ValueError("no training examples")
    spec = spec or FeatureSpec()
    multilabel = any(not isinstance(y, str) for y in labels)
    x_all = featurize(list(segmented), spec)
    columns = _choose_columns(x_all, min_df if len(segmented) > 50 else 1, max_features)
    model = TextClassifier(task, [], spec, columns, TfidfTransformer(sublinear_tf=True), LogisticRegression())
    x = model.tfidf.fit_transform(model._select(x_all))
    weights = None if sample_weight is None else np.asarray(sample_weight, dtype=np.float64)
    if multilabel:
        binarizer = MultiLabelBinarizer()
        y = binarizer.fit_transform([[y] if isinstance(y, str) else list(y) for y in labels])
        model.labels = [str(c) for c in binarizer.classes_]
        model.clf = OneVsRestClassifier(
            LogisticRegression(C=c, max_iter=2000, solver="liblinear", class_weight=class_weight)
        ).fit(x, y)
        model.thresholds = [0.5] * len(model.labels)
    else:
        str_labels = [str(y) for y in labels]
        if len(set(str_labels)) < 2:
            raise ValueError("need at least two distinct labels to train a classifier")
        clf: LogisticRegression | CalibratedClassifierCV
        if classifier == "svm" and min(str_labels.count(lab) for lab in set(str_labels)) >= 3:
            # One SVM fitted on all rows (ensemble=False); the 3-fold out-of-fold margins only
            # fit the sigmoids, so scores are probabilities at the cost of three extra fits.
            svm = LinearSVC(C=c, class_weight=class_weight)
            clf = CalibratedClassifierCV(svm, method="sigmoid", cv=3, ensemble=False)
        else:
            clf = LogisticRegression(C=c, max_iter=2000, class_weight=class_weight)
        clf.fit(x, str_labels, sample_weight=weights)
        model.clf = clf
        model.labels = [str(c) for c in clf.classes_]
        # A secondary label is reported when its probability passes this bar (single-label data).
        model.thresholds = [secondary_threshold] * len(model.labels)
    _shrink(model.clf)
    model.multilabel = multilabel
    return model


def _shrink(clf: Estimator) -> None:
    # float32 weights halve the artefact; predictions differ only in the 7th digit.
    if isinstance(clf, OneVsRestClassifier):
        estimators = list(clf.estimators_)
    elif isinstance(clf, CalibratedClassifierCV):
        estimators = [cal.estimator for cal in clf.calibrated_classifiers_]
    else:
        estimators = [clf]
    for est in estimators:
        est.coef_ = est.coef_.astype(np.float32)
