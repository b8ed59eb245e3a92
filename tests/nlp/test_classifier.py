"""The recipe on small self-written data: train, save, load, predict; untrusted files refused."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from nlp import modelio
from nlp.classifier import MODEL_FILE, RECIPES, TextClassifier, choose_recipe, train, tune_bias
from nlp.features import FeatureSpec, _hasher, char_block, featurize, featurize_many, prepare
from tests.nlp.samples import SENTIMENT, TOPIC


def _train_sentiment() -> TextClassifier:
    return train([prepare(t) for t, _ in SENTIMENT], [y for _, y in SENTIMENT], task="sentiment", c=10.0)


def test_round_trip_predicts_the_same(tmp_path: Path) -> None:
    model = _train_sentiment()
    assert model.labels == ["negative", "neutral", "positive"]
    model.save(tmp_path / "m")
    meta = json.loads((tmp_path / "m" / "meta.json").read_text("utf-8"))
    assert meta["task"] == "sentiment" and meta["labels"] == model.labels
    loaded = TextClassifier.load(tmp_path / "m")
    seg = [prepare("thủ tục quá rườm rà, thất vọng"), prepare("cán bộ nhiệt tình, rất hài lòng")]
    np.testing.assert_allclose(loaded.predict_segmented(seg), model.predict_segmented(seg), rtol=1e-5)
    probs = loaded.predict_segmented(seg)
    assert np.allclose(probs.sum(axis=1), 1.0)
    assert [loaded.labels[i] for i in probs.argmax(axis=1)] == ["negative", "positive"]


def test_unaccented_text_still_classified() -> None:
    model = _train_sentiment()
    probs = model.predict_segmented([prepare("thu tuc ruom ra, qua that vong")])
    assert model.labels[int(probs.argmax())] == "negative"


def test_multilabel_and_top() -> None:
    texts = [prepare(t) for t, _ in TOPIC] + [prepare("Bệnh viện trường học cùng quá tải")]
    labels: list[list[str]] = [[y] for _, y in TOPIC] + [["y-te", "giao-duc"]]
    model = train(texts, labels, task="topic", c=10.0)
    assert model.multilabel and model.labels == ["giao-duc", "giao-thong", "y-te"]
    (best, *_), scores = model.top(model.predict_segmented([prepare("Bộ Y tế và bác sĩ bệnh viện")]))[0]
    assert best == "y-te" and scores == sorted(scores, reverse=True)


def test_untrusted_types_are_refused(tmp_path: Path) -> None:
    model = _train_sentiment()
    model.save(tmp_path / "m")
    # A file asking for a type outside the allow-list (here: a stdlib class) must not load.
    modelio.sio.dump({"columns": model.columns, "tfidf": model.tfidf, "clf": Path("x")}, tmp_path / "m" / MODEL_FILE)
    with pytest.raises(modelio.ModelError, match="untrusted"):
        TextClassifier.load(tmp_path / "m")


def test_missing_or_broken_model_dirs(tmp_path: Path) -> None:
    with pytest.raises(modelio.ModelError, match="no meta.json"):
        TextClassifier.load(tmp_path)
    (tmp_path / "meta.json").write_text("{not json", "utf-8")
    with pytest.raises(modelio.ModelError):
        TextClassifier.load(tmp_path)


def test_training_needs_two_labels() -> None:
    with pytest.raises(ValueError, match="two distinct"):
        train([prepare("a b"), prepare("c d")], ["x", "x"], task="t")


def test_feature_spec_round_trip_and_width() -> None:
    spec = FeatureSpec(char_ngrams=(2, 3), n_features=2**10)
    assert FeatureSpec.from_dict(json.loads(json.dumps(spec.to_dict()))) == spec
    x = featurize([prepare("Người dân"), ""], spec)
    assert x.shape == (2, spec.width) and x[1].nnz == 0


def test_featurize_many_shares_blocks_but_matches_featurize() -> None:
    seg = [prepare("Người dân phản đối phí"), prepare("nguoi dan phan doi phi"), ""]
    specs = [FeatureSpec(char_ngrams=None, n_features=2**12), FeatureSpec(char_ngrams=(2, 3), n_features=2**12)]
    many = featurize_many(seg, specs)
    for spec in specs:
        assert (many[spec] != featurize(seg, spec)).nnz == 0
    # The de-accented block makes a text typed without diacritics share features with its accented form.
    same = featurize(["người_dân phản_đối phí", "nguoi_dan phan_doi phi"], specs[0])
    assert (same[0, 2**12 :] != same[1, 2**12 :]).nnz == 0 and (same[0, : 2**12] != same[1, : 2**12]).nnz > 0


def test_tune_bias_moves_the_prior_towards_a_missed_class() -> None:
    # Class "b" is always scored second-best: only a positive offset for it recovers its rows.
    probs = np.array([[0.7, 0.3], [0.6, 0.4], [0.8, 0.2], [0.55, 0.45]])
    gold = ["a", "b", "a", "b"]
    bias = tune_bias(probs, gold, ["a", "b"])
    assert bias[0] == 0.0 and bias[1] > 0
    shifted = (np.log(probs) + bias).argmax(axis=1)
    assert list(shifted) == [0, 1, 0, 1]


def test_class_bias_is_saved_and_applied(tmp_path: Path) -> None:
    seg = [prepare(t) for t, _ in SENTIMENT]
    model = train(seg, [y for _, y in SENTIMENT], task="sentiment", c=10.0, tune_share=0.34)
    assert len(model.class_bias) == len(model.labels) and model.class_bias[0] == 0.0
    model.class_bias = [0.0, 5.0, 0.0]  # a strong prior for "neutral" must win the argmax
    model.save(tmp_path / "m")
    loaded = TextClassifier.load(tmp_path / "m")
    assert loaded.class_bias == [0.0, 5.0, 0.0]
    probs = loaded.predict_segmented(seg)
    assert np.allclose(probs.sum(axis=1), 1.0)
    assert {loaded.labels[i] for i in probs.argmax(axis=1)} == {"neutral"}


@pytest.mark.parametrize("ngrams", [(2, 4), (1, 5), (3, 3)])
def test_cached_char_block_equals_hashing_vectorizer(ngrams: tuple[int, int]) -> None:
    # The shipped models' columns are sklearn's hashes: the cached path must give the same matrix.
    texts = [prepare(t).replace("_", " ") for t, _ in SENTIMENT + TOPIC] + ["", "  ", "a", "ab c", "x  y z"]
    spec = FeatureSpec(char_ngrams=ngrams, n_features=2**12)
    reference = _hasher(spec, "char_wb", ngrams).transform(texts)
    for _ in range(2):  # cold and warm cache
        got = char_block(texts, ngrams, spec.n_features)
        assert got.shape == reference.shape and got.dtype == reference.dtype
        assert (got != reference).nnz == 0


def test_long_recipe_svm_round_trip(tmp_path: Path) -> None:
    seg = [prepare(t) for t, _ in SENTIMENT]
    model = train(seg, [y for _, y in SENTIMENT], task="mood", **{**RECIPES["long"].kwargs(), "c": 10.0})
    model.save(tmp_path / "m")
    # The calibrated SVM is allow-listed: loading must not refuse it.
    loaded = TextClassifier.load(tmp_path / "m")
    probe = [prepare("thủ tục quá rườm rà, thất vọng"), prepare("cán bộ nhiệt tình, rất hài lòng")]
    probs = loaded.predict_segmented(probe)
    np.testing.assert_allclose(probs, model.predict_segmented(probe), rtol=1e-5)
    assert np.allclose(probs.sum(axis=1), 1.0)
    assert [loaded.labels[i] for i in probs.argmax(axis=1)] == ["negative", "positive"]


def test_choose_recipe_by_median_length() -> None:
    short = [prepare(t) for t, _ in SENTIMENT]
    article = " ".join(["Quốc hội thông qua luật mới về đất đai và nhà ở ."] * 30)
    assert choose_recipe(short) == "short" and choose_recipe([]) == "short"
    assert choose_recipe([prepare(article)] * 3) == "long"
    # The short recipe is exactly the shipped models' defaults of train().
    assert RECIPES["short"].kwargs() == dict(
        spec=FeatureSpec(), max_features=150_000, min_df=2, c=4.0, classifier="logreg"
    )
