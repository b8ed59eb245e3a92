"""Emerging score: growth against the narrative's own past, negativity, spread; causal; the CLI."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pandas as pd
from typer.testing import CliRunner, Result

from pipelines.cli_trends import trends_app
from pipelines.narratives.emerging import growth, score_narratives, spread
from tests.pipelines.test_narratives import FEES, FLOOD, FLOOD_COPY, FLOOD_FOLLOW, T0, _store

AT = pd.Timestamp("2026-03-10 12:00", tz="Asia/Ho_Chi_Minh")


def _members(spec: list[tuple[str, float, str, str, str]]) -> pd.DataFrame:
    """(narrative, hours before AT, source, kind, sentiment) rows."""
    return pd.DataFrame([{
        "narrative_id": n, "document_id": f"{n}-{i}", "title": f"Tin {n}", "source": src, "kind": kind,
        "time": AT - pd.Timedelta(hours=h), "sentiment": sent, "topic": "y-te", "places": [], "legal_refs": [],
        "key_terms": [n], "duplicate_of": None,
    } for i, (n, h, src, kind, sent) in enumerate(spec)])


def test_growth_is_relative_to_own_past_and_overall_volume() -> None:
    assert growth(7, 0, 1 / 7, 1.0)[0] == 3.0
    steady, expected = growth(7, 49, 1 / 7, 1.0)
    assert (steady, expected) == (0.0, 7.0)
    assert growth(14, 49, 1 / 7, 2.0)[0] == 0.0  # the whole press doubled: not this story's growth
    assert spread(3, {"press", "social"}, 1.5) > spread(3, {"press"}, 1.5) > spread(1, {"press"}, 1.5)


def test_new_negative_crossover_story_outranks_a_steady_one_and_the_future_is_unseen() -> None:
    burst = [("burst", h, src, kind, "negative") for h, src, kind in
             [(1, "a", "press"), (2, "b", "press"), (3, "c", "social"), (5, "d", "social"), (6, "a", "press")]]
    steady = [("steady", h, "a", "press", "neutral") for h in range(1, 24 * 8, 24)]
    calm = [("calm", h, src, "press", "positive") for h, src in [(1, "a"), (2, "b"), (3, "c"), (4, "e")]]
    future = [("late", -2, s, "press", "negative") for s in "abcdefg"]
    members = _members(burst + steady + calm + future)
    plain = score_narratives(members, AT, 100, 700)
    neg = score_narratives(members, AT, 100, 700, negative=True)
    assert "late" not in set(plain["narrative_id"])
    assert "steady" not in set(plain["narrative_id"])  # no growth over its own past
    assert neg["narrative_id"].iloc[0] == "burst"
    assert neg.loc[neg["narrative_id"] == "calm", "score"].tolist() in ([], [0.0])
    top = neg.iloc[0]
    assert top["negativity"] == round(5 / 6, 3) and top["kinds"] == ["press", "social"]
    assert top["document_ids"][0] == "burst-4"  # earliest first
    assert "5 documents in 24h" in top["explanation"]


def radar(*args: str) -> subprocess.CompletedProcess[str]:
    """Run the real command line."""
    return subprocess.run([sys.executable, "-m", "pipelines.cli", *args], capture_output=True, text=True,
                          timeout=120)


def trends(*args: str) -> Result:
    """Run `radar trends …` in this process (the console script's start-up is slow on a busy machine)."""
    return CliRunner().invoke(trends_app, list(args))


def test_cli_ranks_the_growing_story_from_the_warehouse(db_path: Path) -> None:
    from pipelines.narratives.step import update_narratives

    _store(db_path, [("baoa", *FLOOD, "press", T0, "negative"), ("baob", *FEES, "press", T0, "neutral"),
                     ("mxh", *FLOOD_FOLLOW, "social", T0 + timedelta(hours=2), "negative"),
                     ("baoc", *FLOOD_COPY, "press", T0 + timedelta(hours=1), "negative")])
    update_narratives(db_path)
    out = trends("emerging", "--db", str(db_path), "--negative", "--format", "json")
    assert out.exit_code == 0, out.output
    rows = [json.loads(line) for line in out.stdout.splitlines()]
    assert rows[0]["label"] in (FLOOD[0], FLOOD_COPY[0], FLOOD_FOLLOW[0])
    assert rows[0]["recent"] == 3 and rows[0]["at"].startswith("2026-03-02T10:00:00+07:00")
    assert sorted(rows[0]["sources"]) == ["baoa", "baoc", "mxh"]
    assert len(rows) == 1  # the neutral fees story has no negativity
    forecast = rows[0]["forecast"]  # the next 24 h of the story's volume, with an 80 % interval
    assert len(forecast["hourly"]) == 24 and forecast["hourly"][0]["hour"].startswith("2026-03-02T11:00:00+07:00")
    assert forecast["lower"] <= forecast["expected"] <= forecast["upper"] and forecast["coverage"] == 0.8
    table = trends("emerging", "--db", str(db_path), "--at", "2026-03-02T08:30")
    assert table.exit_code == 0 and " 1. " in table.stdout
    bad = radar("trends", "emerging", "--db", str(db_path), "--window", "-3h")
    assert bad.returncode == 2 and bad.stderr.startswith("radar: error: --window") and "Traceback" not in bad.stderr


def test_process_stores_the_forecasts_of_emerging_narratives(db_path: Path) -> None:
    from pipelines.narratives.step import store_forecasts, update_narratives
    from warehouse.db import open_reader
    from warehouse.narratives import narrative_forecast

    _store(db_path, [("baoa", *FLOOD, "press", T0, "negative"),
                     ("mxh", *FLOOD_FOLLOW, "social", T0 + timedelta(hours=2), "negative")])
    update_narratives(db_path)
    assert store_forecasts(db_path) == 24
    with open_reader(db_path) as con:
        nid = con.execute("SELECT id FROM narratives").fetchone()[0]  # type: ignore[index]
        forecast = narrative_forecast(con, nid)
    assert len(forecast) == 24 and (forecast["lower"] <= forecast["upper"]).all()
