"""`radar alerts …` from the command line: subscribe, list, pause, units, feedback, send, log; bad input."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner, Result

from pipelines.cli_alerts import alerts_app
from pipelines.errors import UserError


def alerts(*args: str) -> Result:
    """Run `radar alerts …` in this process."""
    return CliRunner().invoke(alerts_app, list(args))


def test_subscribe_list_pause_and_units(db_path: Path) -> None:
    db = ["--db", str(db_path)]
    made = alerts("subscribe", "--who", "Sở Y tế", "--what", "topic", "--target", "y-te", "--channel",
                  "json://127.0.0.1:9/hook", "--quiet", "22-07", "--digest", *db)
    assert made.exit_code == 0, made.output
    sub_id = made.stdout.strip()
    listed = [json.loads(line) for line in alerts("list", "--format", "json", *db).stdout.splitlines()]
    assert [(s["id"], s["what"], s["target"], s["quiet_start"], s["quiet_end"], s["mode"]) for s in listed] == [
        (sub_id, "topic", "y-te", 22, 7, "digest")]
    assert alerts("pause", sub_id, *db).exit_code == 0
    assert "PAUSED" in alerts("list", *db).stdout
    assert alerts("pause", sub_id, "--resume", *db).exit_code == 0
    assert "PAUSED" not in alerts("list", *db).stdout
    added = alerts("units", "add", "--id", "bo-y-te", "--name", "Bộ Y tế", "--level", "ministry",
                   "--spokesperson", "Người phát ngôn Bộ Y tế",
                   "--channel", "mailto://127.0.0.1:9?from=radar@example.org&to=a@example.org", *db)
    assert added.exit_code == 0, added.output
    assert "y-te" in added.stdout  # topics from the agency gazetteer
    units = [json.loads(line) for line in alerts("units", "list", "--format", "json", *db).stdout.splitlines()]
    assert units[0]["id"] == "bo-y-te" and "y-te" in units[0]["topics"]
    sent = alerts("send", "--no-detect", *db)
    assert sent.exit_code == 0 and "0 messages sent" in sent.stdout
    assert "subscribe" in alerts("log", *db).stdout


def test_bad_input_is_a_user_error(db_path: Path) -> None:
    db = ["--db", str(db_path)]
    for args, message in [
        (("subscribe", "--who", "x", "--what", "topic", "--channel", "json://h/x"), "needs a target"),
        (("subscribe", "--who", "x", "--what", "emerging-negative", "--channel", "nonsense"), "apprise"),
        (("subscribe", "--who", "x", "--what", "emerging-negative", "--channel", "json://h/x", "--quiet", "late"),
         "--quiet"),
        (("pause", "sub-none"), "no subscription"),
        (("feedback", "nokey", "--useful"), "no alert"),
        (("units", "add", "--id", "bo-khong-co", "--name", "X", "--level", "ministry", "--channel", "json://h/x"),
         "--topic"),
        (("units", "add", "--id", "atlantis", "--name", "X", "--level", "province", "--channel", "json://h/x"),
         "unknown province"),
    ]:
        result = alerts(*args, *db)
        assert isinstance(result.exception, UserError), (args, result.output)
        assert message in str(result.exception)

