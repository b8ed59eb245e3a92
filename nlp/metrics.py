"""Classification metrics in one JSON-ready dict (accuracy, macro/weighted F1, per class)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sklearn.metrics import accuracy_score, f1_score, precision_recall_fscore_support


def evaluate(y_true: Sequence[str], y_pred: Sequence[str]) -> dict[str, Any]:
    """Accuracy, macro-F1, weighted F1 and a per-class report over the labels present in y_true."""
    if len(y_true) != len(y_pred):
        raise ValueError("y_true and y_pred differ in length")
    if not y_true:
        raise ValueError("nothing to evaluate")
    labels = sorted(set(y_true))
    prec, rec, f1, support = precision_recall_fscore_support(y_true, y_pred, labels=labels, zero_division=0)
    return {
        "n": len(y_true),
        "accuracy": round(float(accuracy_score(y_true, y_pred)), 4),
        "macro_f1": round(
            float(f1_score(y_true, y_pred, labels=labels, average="macro", zero_division=0)), 4
        ),
        "weighted_f1": round(
            float(f1_score(y_true, y_pred, labels=labels, average="weighted", zero_division=0)), 4
        ),
        "per_class": {
            lab: {
                "precision": round(float(p), 4),
                "recall": round(float(r), 4),
                "f1": round(float(f), 4),
                "support": int(s),
            }
            for lab, p, r, f, s in zip(labels, prec, rec, f1, support, strict=True)
        },
    }


def format_report(result: dict[str, Any]) -> str:
    """Plain-text table of an evaluate() result."""
    lines = [
        f"n={result['n']}  accuracy={result['accuracy']:.4f}  macro_f1={result['macro_f1']:.4f}  "
        f"weighted_f1={result['weighted_f1']:.4f}",
        f"{'label':<22}{'precision':>10}{'recall':>10}{'f1':>10}{'support':>10}",
    ]
    for lab, row in result["per_class"].items():
        lines.append(
            f"{lab:<22}{row['precision']:>10.4f}{row['recall']:>10.4f}{row['f1']:>10.4f}{row['support']:>10}"
        )
    return "\n".join(lines)
