"""The NAB scorer of bench/eval_nab.py on hand-made files whose scores were worked out by hand."""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from bench.eval_nab import (
    STANDARD,
    Profile,
    evaluate,
    file_score,
    main,
    normalised,
    prepare,
    probation_length,
    scaled_sigmoid,
    window_rows,
)

# 20 rows: rows 0-2 probationary (floor(0.15 * 20) = 3), one window on rows 10-13 (width 4).
N, WINDOW = 20, [(10, 13)]


def _hits(*rows: int) -> np.ndarray:
    flags = np.zeros(N, dtype=bool)
    flags[list(rows)] = True
    return flags


def test_scaled_sigmoid_and_probation() -> None:
    assert scaled_sigmoid(-1.0) == pytest.approx(0.98661, abs=1e-5)  # 2 / (1 + e^-5) - 1
    assert scaled_sigmoid(0.0) == 0.0
    assert scaled_sigmoid(3.0) == -1.0
    assert probation_length(20) == 3 and probation_length(100_000) == 750


def test_a_detection_at_the_window_start_scores_a_tp_and_normalises_to_100() -> None:
    p = prepare(N, WINDOW)
    assert file_score(p, _hits(10)) == (pytest.approx(1.0), 1, 0, 0)
    assert normalised(1.0, 1) == pytest.approx(100.0)
    assert file_score(p, _hits()) == (-1.0, 0, 0, 1)  # the null detector: one miss
    assert normalised(-1.0, 1) == 0.0


def test_late_detections_false_positives_and_probation_by_hand() -> None:
    p = prepare(N, WINDOW)
    # Last row of the window: y = -(13 - 13 + 1) / 4 = -0.25, S(-0.25) / S(-1) = 0.56212.
    late = 0.56212
    assert file_score(p, _hits(13))[0] == pytest.approx(late, abs=1e-5)
    # Only the window's best detection counts.
    assert file_score(p, _hits(10, 13))[0] == pytest.approx(1.0)
    # Before any window: S = -1, times A_FP = 0.11.
    assert file_score(p, _hits(5, 13)) == (pytest.approx(late - 0.11, abs=1e-5), 1, 1, 0)
    # Past the window: y = |13 - 15| / (4 - 1) = 2/3 -> 0.11 * S(2/3) = -0.10242; row 14: y = 1/3 -> -0.07505.
    assert file_score(p, _hits(13, 15))[0] == pytest.approx(late - 0.10242, abs=1e-5)
    assert file_score(p, _hits(13, 14))[0] == pytest.approx(late - 0.07505, abs=1e-5)
    # Probationary rows are not scored at all.
    assert file_score(p, _hits(1, 13))[0] == pytest.approx(late, abs=1e-5)
    # Another profile weighs false positives more.
    costly = Profile(a_fp=0.22)
    assert file_score(prepare(N, WINDOW, costly), _hits(5, 10), costly)[0] == pytest.approx(1.0 - 0.22)
    assert normalised(late - 0.11, 1, STANDARD) == pytest.approx(100 * (late - 0.11 + 1) / 2, abs=1e-3)


def test_window_rows_from_timestamps() -> None:
    index = pd.date_range("2015-01-01", periods=10, freq="5min")
    assert window_rows(index, [["2015-01-01 00:10:00.000000", "2015-01-01 00:20:00.000000"]]) == [(2, 4)]
    assert window_rows(index, [["2016-01-01 00:00:00", "2016-01-02 00:00:00"]]) == []


def _corpus(root: Path) -> None:
    rng = np.random.default_rng(5)
    stamps = pd.date_range("2015-03-01", periods=3000, freq="5min")
    labels = {}
    for name, start in (("a.csv", 2000), ("b.csv", 2500)):
        values = rng.poisson(20, len(stamps)).astype(float)
        values[start:start + 12] += 80  # a clear burst inside the window
        (root / "data" / "cat").mkdir(parents=True, exist_ok=True)
        pd.DataFrame({"timestamp": stamps.strftime("%Y-%m-%d %H:%M:%S"), "value": values}).to_csv(
            root / "data" / "cat" / name, index=False)
        labels[f"cat/{name}"] = [[str(stamps[start - 20]), str(stamps[start + 20])]]
    (root / "labels").mkdir()
    (root / "labels" / "combined_windows.json").write_text(json.dumps(labels), encoding="utf-8")


def test_the_detector_finds_clear_bursts_in_a_small_corpus(tmp_path: Path) -> None:
    _corpus(tmp_path)
    result = evaluate(tmp_path, thresholds=(0.5,), progress=False)
    assert result["files"] == 2 and result["windows"] == 2
    assert result["tp"] == 2 and result["fn"] == 0
    assert isinstance(result["score"], float) and result["score"] > 60
    assert not math.isnan(float(result["raw"]))  # type: ignore[arg-type]


def test_without_a_corpus_it_says_so_and_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main([]) == 2
    assert main(["--nab-dir", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 2 and "NAB" in err
