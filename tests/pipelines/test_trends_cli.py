"""`radar trends score`: CSV round trip, stdout, options and one-line errors on bad input."""

from __future__ import annotations

import io
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from pipelines.cli_trends import trends_app
from pipelines.errors import UserError
from pipelines.trends.detector import DetectorConfig, score_series

runner = CliRunner()


def write_counts(path: Path, n: int = 24 * 21, burst_at: int = 24 * 15, offset: str = "+07:00") -> pd.Series:
    """Write an hourly timestamp,value CSV with one burst; return the series written."""
    index = pd.date_range("2025-05-05", periods=n, freq="h", tz=offset or None)
    rng = np.random.default_rng(4)
    values = rng.poisson(3.0, n).astype(float)
    if burst_at < n:
        values[burst_at] += 40
    lines = ["timestamp,value"] + [f"{t.isoformat()},{int(v)}" for t, v in zip(index, values, strict=True)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return pd.Series(values, index=index)


def test_round_trip_to_a_file(tmp_path: Path) -> None:
    source = tmp_path / "in.csv"
    target = tmp_path / "out.csv"
    series = write_counts(source)
    result = runner.invoke(trends_app, ["score", "--input", str(source), "--output", str(target)])
    assert result.exit_code == 0, result.output
    out = pd.read_csv(target)
    assert list(out.columns) == ["timestamp", "value", "score", "alert"]
    assert len(out) == len(series)
    assert out["timestamp"].iloc[0] == "2025-05-05T00:00:00+07:00"
    expected = score_series(series)
    np.testing.assert_allclose(out["score"], expected["score"], atol=1e-6)
    assert out["alert"].tolist() == expected["alert"].tolist()
    assert out["alert"].iloc[24 * 15]
    assert target.read_text(encoding="utf-8").splitlines()[1].split(",")[1].isdigit()  # counts stay integers


def test_stdout_and_naive_timestamps(tmp_path: Path) -> None:
    source = tmp_path / "in.csv"
    write_counts(source, offset="")
    result = runner.invoke(trends_app, ["score", "--input", str(source)])
    assert result.exit_code == 0, result.output
    out = pd.read_csv(io.StringIO(result.stdout))
    assert out["timestamp"].iloc[0] == "2025-05-05T00:00:00"
    assert out["alert"].sum() >= 1


def test_sensitivity_option_changes_the_alerts(tmp_path: Path) -> None:
    source = tmp_path / "in.csv"
    write_counts(source)
    args = ["score", "-i", str(source), "--threshold", "1.0", "--min-count", "100"]
    strict = runner.invoke(trends_app, args)
    assert strict.exit_code == 0, strict.output
    assert pd.read_csv(io.StringIO(strict.stdout))["alert"].sum() == 0


def test_bom_header_case_and_blank_values(tmp_path: Path) -> None:
    source = tmp_path / "in.csv"
    source.write_bytes("\ufeffTimestamp , Value\n2025-01-01,1\n2025-01-02,\n2025-01-03,2.5\n".encode())
    result = runner.invoke(trends_app, ["score", "-i", str(source)])
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0] == "timestamp,value,score,alert"
    assert lines[2].startswith("2025-01-02T00:00:00,,0.0,false")  # blank value: unobserved
    assert lines[3].startswith("2025-01-03T00:00:00,2.5,")


def test_mixed_offsets_are_one_instant_scale(tmp_path: Path) -> None:
    source = tmp_path / "in.csv"
    source.write_text("timestamp,value\n2025-01-01T00:00:00+07:00,1\n2024-12-31T19:00:00Z,2\n"
                      "2025-01-01T01:00:00+07:00,3\n", encoding="utf-8")
    result = runner.invoke(trends_app, ["score", "-i", str(source)])
    assert result.exit_code == 0, result.output
    out = pd.read_csv(io.StringIO(result.stdout))
    assert out["value"].tolist() == [1, 3, 2]
    assert out["timestamp"].iloc[0] == "2024-12-31T17:00:00+00:00"


def test_gaps_are_an_error_unless_told(tmp_path: Path) -> None:
    source = tmp_path / "in.csv"
    source.write_text("timestamp,value\n2025-01-01T00:00,1\n2025-01-01T01:00,2\n2025-01-01T03:00,3\n",
                      encoding="utf-8")
    result = runner.invoke(trends_app, ["score", "-i", str(source)])
    assert isinstance(result.exception, UserError) and "--gaps" in str(result.exception)
    filled = runner.invoke(trends_app, ["score", "-i", str(source), "--gaps", "zero"])
    assert filled.exit_code == 0, filled.output
    assert len(pd.read_csv(io.StringIO(filled.stdout))) == 3


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("time,value\n2025-01-01T00:00,1\n", "missing column"),
        ("timestamp,value\n", "no rows"),
        ("", "not a readable CSV"),
        ("timestamp,value\nyesterday,1\n2025-01-01T01:00,2\n", "unparsable timestamp"),
        ("timestamp,value\n2025-01-01T00:00,1\n2025-01-01T01:00,many\n", "not a number"),
        ("timestamp,value\n2025-01-01T00:00,1\n2025-01-01T00:40,1\n2025-01-01T01:10,1\n", "irregular"),
        ("timestamp,value\n2025-01-01T00:00,1\n2025-01-01T00:00,2\n", "duplicate"),
        ("timestamp,value\n2025-01-01T00:00+07:00,1\n2025-01-01T01:00,2\n", "with and without"),
        ("timestamp,value\n2025-01-01T00:00,1\n2025-01-01T01:00,-2\n", "non-negative"),
    ],
)
def test_bad_input_is_a_user_error(tmp_path: Path, content: str, message: str) -> None:
    source = tmp_path / "in.csv"
    source.write_text(content, encoding="utf-8")
    result = runner.invoke(trends_app, ["score", "-i", str(source)])
    assert isinstance(result.exception, UserError), result.output
    assert message in str(result.exception)
    assert "\n" not in str(result.exception)


def test_monthly_series_with_a_missing_month_needs_freq(tmp_path: Path) -> None:
    source = tmp_path / "in.csv"
    months = [m for m in pd.date_range("2020-01-01", periods=40, freq="MS") if m.month != 6 or m.year != 2021]
    source.write_text("timestamp,value\n" + "".join(f"{m.date()},{i % 5}\n" for i, m in enumerate(months)),
                      encoding="utf-8")
    result = runner.invoke(trends_app, ["score", "-i", str(source), "--gaps", "zero"])
    assert isinstance(result.exception, UserError) and "--freq" in str(result.exception)
    result = runner.invoke(trends_app, ["score", "-i", str(source), "--gaps", "zero", "--freq", "MS"])
    assert result.exit_code == 0, result.output
    assert len(pd.read_csv(io.StringIO(result.stdout))) == 39
    result = runner.invoke(trends_app, ["score", "-i", str(source), "--freq", "fortnightly"])
    assert isinstance(result.exception, UserError) and "freq must be" in str(result.exception)


def test_missing_file_and_bad_option_are_user_errors(tmp_path: Path) -> None:
    result = runner.invoke(trends_app, ["score", "-i", str(tmp_path / "absent.csv")])
    assert isinstance(result.exception, UserError)
    source = tmp_path / "in.csv"
    write_counts(source, n=30)
    result = runner.invoke(trends_app, ["score", "-i", str(source), "--cooldown", "later"])
    assert isinstance(result.exception, UserError) and "cooldown" in str(result.exception)


def test_radar_command_prints_one_line_and_exits_non_zero(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from pipelines import cli

    if not any(group.name == "trends" for group in cli.app.registered_groups):
        pytest.skip("pipelines/cli.py does not register trends_app yet")
    source = tmp_path / "in.csv"
    source.write_text("time,value\n", encoding="utf-8")
    monkeypatch.setattr(sys, "argv", ["radar", "trends", "score", "-i", str(source)])
    with pytest.raises(SystemExit) as stop:
        cli.main()
    assert stop.value.code != 0
    err = capsys.readouterr().err
    assert err.strip().count("\n") == 0 and err.startswith("radar: error:")
    assert "missing column(s) timestamp" in err


def test_cli_defaults_match_the_library() -> None:
    result = runner.invoke(trends_app, ["score", "--help"])
    assert result.exit_code == 0
    assert str(DetectorConfig().threshold) in result.output
