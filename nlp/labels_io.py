"""The project's own labels: CSV files keyed by a row index or item id, never holding texts."""

from __future__ import annotations

import csv
from pathlib import Path


def load_labels(path: Path) -> dict[str, str]:
    """key -> label of a labels CSV (columns: key, label); empty when the file is absent."""
    if not path.is_file():
        return {}
    with path.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    out = {}
    for row in rows:
        key, label = (row.get("key") or "").strip(), (row.get("label") or "").strip()
        if key and label:
            out[key] = label
    return out
