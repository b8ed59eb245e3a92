"""`radar nlp` commands on self-written data: train, predict, evaluate, annotate, bad input."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from typer.testing import CliRunner

from pipelines.cli import app
from pipelines.errors import UserError
from tests.nlp.samples import SENTIMENT, TOPIC

runner = CliRunner()


def _jsonl(path: Path, rows: list[dict[str, object]]) -> Path:
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), "utf-8")
    return path


def test_train_predict_evaluate(tmp_path: Path) -> None:
    data = _jsonl(tmp_path / "d.jsonl", [{"body": t, "y": y} for t, y in SENTIMENT])
    res = runner.invoke(
        app,
        [
            "nlp",
            "train",
            "--task",
            "mood",
            "--data",
            str(data),
            "--text-field",
            "body",
            "--label-field",
            "y",
            "--out",
            str(tmp_path / "m"),
        ],
    )
    assert res.exit_code == 0, res.output
    inp = _jsonl(
        tmp_path / "in.jsonl", [{"text": "thủ tục rườm rà, thất vọng", "id": 7}, {"text": "rất hài lòng"}]
    )
    res = runner.invoke(app, ["nlp", "predict", "--model", str(tmp_path / "m"), "--input", str(inp)])
    assert res.exit_code == 0, res.output
    out = [json.loads(line) for line in res.stdout.splitlines()]
    assert [o["label"] for o in out] == ["negative", "positive"] and out[0]["id"] == 7
    assert 0.0 <= out[0]["score"] <= 1.0 and "labels" not in out[0]
    gold = _jsonl(tmp_path / "g.jsonl", [{"text": t, "label": y} for t, y in SENTIMENT])
    res = runner.invoke(
        app, ["nlp", "evaluate", "--model", str(tmp_path / "m"), "--data", str(gold), "--json"]
    )
    assert res.exit_code == 0, res.output
    metrics = json.loads(res.stdout)
    assert metrics["n"] == len(SENTIMENT) and metrics["accuracy"] > 0.9
    assert set(metrics["per_class"]) == {"negative", "neutral", "positive"}


def test_predict_topic_has_labels_and_reads_stdin(small_models: Path) -> None:
    res = runner.invoke(
        app,
        ["nlp", "predict", "--model", str(small_models / "topic")],
        input='{"text": "Bác sĩ bệnh viện"}\n',
    )
    assert res.exit_code == 0, res.output
    [row] = [json.loads(line) for line in res.stdout.splitlines()]
    assert row["label"] == "y-te" == row["labels"][0] and len(row["scores"]) == len(row["labels"])


def test_annotate_command(small_models: Path, tmp_path: Path) -> None:
    inp = _jsonl(tmp_path / "in.jsonl", [{"text": t, "n": i} for i, (t, _) in enumerate(TOPIC[:3])])
    res = runner.invoke(app, ["nlp", "annotate", "--models", str(small_models), "--input", str(inp)])
    assert res.exit_code == 0, res.output
    rows = [json.loads(line) for line in res.stdout.splitlines()]
    assert [r["n"] for r in rows] == [0, 1, 2]
    assert all({"sentiment", "toxicity", "topic", "topics", "tokens"} <= set(r) for r in rows)


def _radar(*args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    cmd = [sys.executable, "-c", "from pipelines.cli import main; main()", *args]
    return subprocess.run(cmd, input=stdin, capture_output=True, text=True, timeout=120)


def test_bad_input_is_one_line_error_from_the_real_command(small_models: Path) -> None:
    proc = _radar("nlp", "predict", "--model", str(small_models / "sentiment"), stdin="not json\n")
    assert proc.returncode == 2
    assert proc.stderr.startswith("radar: error: <stdin>:1: not JSON") and proc.stderr.count("\n") == 1


def test_bad_inputs_raise_user_errors(tmp_path: Path, small_models: Path) -> None:
    model = str(small_models / "sentiment")
    one_label = _jsonl(tmp_path / "one.jsonl", [{"text": "a", "label": "x"}, {"text": "b", "label": "x"}])
    no_label = _jsonl(tmp_path / "nolabel.jsonl", [{"text": "a"}])
    for args, stdin, message in [
        (["nlp", "predict", "--model", model], '{"title": "no text"}\n', "missing string field 'text'"),
        (["nlp", "predict", "--model", model], "[1, 2]\n", "expected a JSON object"),
        (["nlp", "predict", "--model", str(tmp_path)], "", "not a model directory"),
        (["nlp", "predict", "--model", model, "--input", str(tmp_path / "missing.jsonl")], "", "not found"),
        (["nlp", "predict"], "", "give --task"),
        (["nlp", "train", "--task", "t", "--data", str(one_label), "--out", str(tmp_path / "o")], "", "two"),
        (["nlp", "train", "--task", "t", "--data", str(no_label), "--out", str(tmp_path / "o")], "", "label"),
        (["nlp", "evaluate", "--model", model], "", "--data"),
    ]:
        res = runner.invoke(app, args, input=stdin)
        assert isinstance(res.exception, UserError), (args, res.exception)
        assert message in str(res.exception)
    assert runner.invoke(app, ["nlp", "predict", "--task", "nope"]).exit_code == 2
