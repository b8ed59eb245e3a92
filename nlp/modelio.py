"""Save and load model artefacts with skops, refusing any type outside an explicit allow-list."""

from __future__ import annotations

import zipfile
from pathlib import Path
from typing import Any

import skops.io as sio

# Everything a shipped model may contain. skops itself trusts plain scikit-learn/numpy types;
# whatever else a file asks for must be named here, or loading stops before any object is built.
TRUSTED_TYPES: frozenset[str] = frozenset(
    {
        "builtins.dict",
        "builtins.list",
        "builtins.str",
        "builtins.int",
        "builtins.float",
        "numpy.ndarray",
        "numpy.dtype",
        "numpy.float32",
        "numpy.float64",
        "numpy.int32",
        "numpy.int64",
        "sklearn.calibration.CalibratedClassifierCV",
        "sklearn.calibration._CalibratedClassifier",
        "sklearn.calibration._SigmoidCalibration",
        "sklearn.feature_extraction.text.TfidfTransformer",
        "sklearn.linear_model._logistic.LogisticRegression",
        "sklearn.multiclass.OneVsRestClassifier",
        "sklearn.preprocessing._label.LabelBinarizer",
        "sklearn.svm._classes.LinearSVC",
    }
)


class ModelError(ValueError):
    """A model directory that is missing, malformed or asks for untrusted types."""


def dump(obj: Any, path: Path) -> None:
    """Write obj to a compressed skops file."""
    sio.dump(obj, path, compression=zipfile.ZIP_DEFLATED)


def load(path: Path) -> Any:
    """Load a skops file after checking every type it needs against TRUSTED_TYPES."""
    if not path.is_file():
        raise ModelError(f"model file not found: {path}")
    try:
        untrusted = sio.get_untrusted_types(file=path)
    except Exception as exc:  # a damaged zip or schema: report it as a model problem
        raise ModelError(f"not a skops model file: {path} ({exc})") from exc
    refused = sorted(t for t in untrusted if t not in TRUSTED_TYPES)
    if refused:
        raise ModelError(f"refusing {path}: untrusted types {', '.join(refused)}")
    return sio.load(path, trusted=list(untrusted))
