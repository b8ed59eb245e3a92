"""`radar trends …` commands: the I/O edge of the pure detector in pipelines.trends."""

from __future__ import annotations

import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import pandas as pd
import typer
from pandas.tseries.frequencies import to_offset

from pipelines.errors import UserError
from pipelines.trends.detector import DetectorConfig, score_series
from pipelines.trends.grid import check_index, infer_step, regular_grid

trends_app = typer.Typer(help="Xu hướng / Trend and burst detection.", no_args_is_help=True)

_DEFAULTS = DetectorConfig()


@trends_app.callback()
def trends() -> None:
    """Xu hướng / Trend and burst detection."""


class Gaps(StrEnum):
    """What to do with timestamps missing from an otherwise regular series."""

    error = "error"
    zero = "zero"
    missing = "missing"


_OFFSET = r"(?:Z|[+-]\d\d(?::?\d\d)?)$"


def _parse_timestamps(stamps: pd.Series, path: Path) -> pd.Series:
    """ISO 8601 timestamps, all with an offset (mixed offsets become UTC) or all without."""
    empty = stamps == ""
    if empty.any():
        raise UserError(f"{path}: empty timestamp on data row {int(empty.to_numpy().argmax()) + 1}")
    has_offset = stamps.str.contains(_OFFSET, regex=True)
    if has_offset.any() and not has_offset.all():
        odd = ~has_offset if has_offset.iloc[0] else has_offset
        row = int(odd.to_numpy().argmax())
        raise UserError(f"{path}: timestamps mix values with and without a UTC offset (data row {row + 1})")
    try:
        return pd.to_datetime(stamps, format="ISO8601")
    except ValueError as exc:
        if "Mixed timezones" not in str(exc):
            raise UserError(f"{path}: unparsable timestamp ({str(exc).splitlines()[0]})") from None
    # Offsets differ between rows (e.g. +07:00 and Z): one instant scale, UTC, keeps them comparable.
    return pd.to_datetime(stamps, format="ISO8601", utc=True)


def read_series(path: Path) -> pd.Series:
    """A `timestamp,value` CSV as a float series on a sorted DatetimeIndex, or UserError saying why not."""
    if not path.is_file():
        raise UserError(f"input file not found: {path}")
    try:
        # utf-8-sig: spreadsheets often save a byte-order mark before the header.
        frame = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    except (pd.errors.EmptyDataError, pd.errors.ParserError, UnicodeDecodeError) as exc:
        raise UserError(f"{path}: not a readable CSV ({str(exc).splitlines()[0]})") from None
    frame.columns = [str(c).strip().lower() for c in frame.columns]
    missing = [c for c in ("timestamp", "value") if c not in frame.columns]
    if missing:
        raise UserError(f"{path}: missing column(s) {', '.join(missing)}; "
                        "expected a header 'timestamp,value'")
    if frame.empty:
        raise UserError(f"{path}: no rows")
    parsed = _parse_timestamps(frame["timestamp"].str.strip(), path)
    text = frame["value"].str.strip()
    values = pd.to_numeric(text.where(text != "", None), errors="coerce")
    bad = values.isna() & (text != "")
    if bad.any():
        row = int(bad.to_numpy().argmax())
        raise UserError(f"{path}: value {text.iloc[row]!r} on data row {row + 1} is not a number")
    series = pd.Series(values.to_numpy(dtype=float), index=pd.DatetimeIndex(parsed), name="value")
    return series.sort_index()


def _check_regular(series: pd.Series, gaps: Gaps, freq: str | None) -> None:
    """Reject a series whose timestamps are not a regular grid (or have holes, unless gaps are allowed)."""
    index = check_index(series.index)
    if len(index) < 2:
        return
    step = to_offset(freq) if freq else infer_step(index)
    try:
        grid = regular_grid(index, step)
    except ValueError as exc:
        hint = "" if freq else "; for a calendar step (months, years) pass it with --freq, e.g. --freq MS"
        raise UserError(f"{exc}{hint}") from None
    if gaps is Gaps.error and len(grid) != len(index):
        raise UserError(f"the series lacks {len(grid) - len(index)} timestamp(s) of its {step.freqstr} grid; "
                        "pass --gaps zero (counts) or --gaps missing to score it anyway")


InputOpt = Annotated[Path, typer.Option("--input", "-i", help="CSV with columns timestamp,value.")]
OutputOpt = Annotated[Path | None, typer.Option("--output", "-o", help="CSV to write (stdout when absent).")]
ThresholdOpt = Annotated[float, typer.Option(
    "--threshold", "--sensitivity", help="Score at which to alert, in (0, 1]; lower is more sensitive.")]
MinCountOpt = Annotated[float, typer.Option("--min-count", help="No alert on a smaller value.")]
CooldownOpt = Annotated[str, typer.Option("--cooldown", help="Minimum time between two alerts, e.g. 12h.")]
WarmupOpt = Annotated[str, typer.Option("--warmup", help="History needed before any alert, e.g. 7D.")]
GapsOpt = Annotated[Gaps, typer.Option(
    "--gaps", help="Missing timestamps: error, zero (counts) or missing (unobserved).")]
FreqOpt = Annotated[str | None, typer.Option(
    "--freq", help="The series' step as a pandas alias (h, 10min, D, W-MON, MS); inferred when absent.")]


def _as_written(values: pd.Series) -> pd.Series:
    """Whole numbers without a trailing .0 (counts stay counts); missing values stay empty."""
    whole = values.dropna()
    if (whole == whole.round()).all() and (whole.abs() < 2**53).all():
        return values.astype("Int64")
    return values


@trends_app.command("score")
def score(
    input_path: InputOpt,
    output: OutputOpt = None,
    threshold: ThresholdOpt = _DEFAULTS.threshold,
    min_count: MinCountOpt = _DEFAULTS.min_count,
    cooldown: CooldownOpt = _DEFAULTS.cooldown,
    warmup: WarmupOpt = _DEFAULTS.warmup,
    gaps: GapsOpt = Gaps.error,
    freq: FreqOpt = None,
) -> None:
    """Score a time series for bursts: timestamp,value in; timestamp,value,score,alert out (causal)."""
    series = read_series(input_path)
    try:
        config = DetectorConfig(threshold=threshold, release=min(_DEFAULTS.release, threshold),
                                min_count=min_count, cooldown=cooldown, warmup=warmup, freq=freq,
                                gap_fill=0.0 if gaps is Gaps.zero else None)
        _check_regular(series, gaps, freq)
        result = score_series(series, config)
    except ValueError as exc:
        raise UserError(str(exc)) from None
    table = pd.DataFrame({
        "timestamp": [t.isoformat() for t in result.index],
        "value": _as_written(result["value"]),
        "score": result["score"].round(6),
        "alert": result["alert"].map({True: "true", False: "false"}),
    })
    if output is None:
        table.to_csv(sys.stdout, index=False)
    else:
        table.to_csv(output, index=False)


class EmergingFormat(StrEnum):
    """Output formats of `radar trends emerging`."""

    table = "table"
    json = "json"


def _parse_at(value: str | None, db: Path) -> pd.Timestamp:
    """--at as a tz-aware instant (naive values are Vietnam time); the newest document time when absent."""
    from pipelines.narratives.query import newest_time

    if value is None:
        newest = newest_time(db)
        if newest is None:
            raise UserError("no document has been placed in a narrative yet: run 'radar process' first")
        return newest
    try:
        at = pd.Timestamp(value)
    except ValueError:
        raise UserError(f"--at must be an ISO 8601 time such as 2025-10-01T12:00+07:00, not {value!r}") from None
    return at.tz_localize("Asia/Ho_Chi_Minh") if at.tzinfo is None else at


@trends_app.command("emerging")
def emerging_cmd(
    at: Annotated[str | None, typer.Option("--at", help="Time to rank at (ISO 8601); default: newest document.")]
    = None,
    window: Annotated[str, typer.Option("--window", help="Recent window whose growth is scored, e.g. 24h.")] = "24h",
    top: Annotated[int, typer.Option("--top", min=1, help="How many narratives to list.")] = 20,
    negative: Annotated[bool, typer.Option("--negative", help="Rank by the emerging-negative score.")] = False,
    fmt: Annotated[EmergingFormat, typer.Option("--format", help="table or json (one object a line).")]
    = EmergingFormat.table,
    db: Annotated[Path | None, typer.Option("--db", help="Warehouse file (default data/radar.duckdb, or RADAR_DB).")]
    = None,
) -> None:
    """Narratives emerging at a time: growth x spread (x negativity with --negative), with evidence."""
    import json

    from pipelines.narratives.emerging import EmergingConfig
    from pipelines.narratives.query import emerging
    from pipelines.settings import load_settings

    path = load_settings(db=db).db
    try:
        config = EmergingConfig(window=window)
    except ValueError as exc:
        raise UserError(f"--window: {exc}") from None
    when = _parse_at(at, path)
    ranked = emerging(path, when, config, negative=negative, top=top)
    if fmt is EmergingFormat.json:
        for rank, record in enumerate(ranked.to_dict(orient="records"), start=1):
            record["first_seen"] = pd.Timestamp(record["first_seen"]).isoformat()
            print(json.dumps({"rank": rank, "at": when.isoformat(), **record}, ensure_ascii=False, default=str))
        return
    print(f"emerging narratives at {when.isoformat()} (window {window}{', negative' if negative else ''})")
    if ranked.empty:
        print("(none)")
    for rank, row in enumerate(ranked.itertuples(index=False), start=1):
        print(f"{rank:>2}. {row.negative_score if negative else row.score:.2f}  {row.label}")
        print(f"    terms: {', '.join(row.key_terms)} | growth {row.growth:.2f}, negative {row.negativity:.0%}, "
              f"sources {', '.join(row.sources)}")
        print(f"    {row.explanation}")
        print(f"    documents: {' '.join(row.document_ids)}")
