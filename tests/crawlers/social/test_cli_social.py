"""`radar social list` and `radar social run` through the command's entry point."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from crawlers.social.registry import CONNECTORS
from tests.crawlers.sites import serve
from tests.crawlers.social.conftest import KEY
from tests.crawlers.social.test_telegram import NEWEST, OLDER, routes
from tests.crawlers.test_cli_crawl import radar


def test_list_shows_a_source_for_every_connector(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    code, out, _ = radar(capsys, monkeypatch, "social", "list", "--format", "json")
    rows = json.loads(out)
    assert code == 0 and {r["connector"] for r in rows} == set(CONNECTORS)
    assert all(set(r) == {"name", "kind", "connector", "url", "status"} and r["kind"] == "social" for r in rows)
    code, out, _ = radar(capsys, monkeypatch, "social", "list")
    assert code == 0 and out.split()[:5] == ["name", "kind", "connector", "url", "status"]


def registry(tmp_path: Path, url: str) -> Path:
    """A one-source social registry pointing at the local channel."""
    path = tmp_path / "social.toml"
    path.write_text(f'[[source]]\nname = "tg-local"\nconnector = "telegram"\nurl = "{url}"\n'
                    'options = { channel = "kenhtin" }\n', encoding="utf-8")
    return path


def test_run_collects_and_summarises(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path, db_path: Path
) -> None:
    monkeypatch.setenv("RADAR_PSEUDONYM_KEY", KEY)
    with serve(routes(NEWEST, OLDER)) as site:
        path = registry(tmp_path, site.url("/s/kenhtin"))
        code, out, err = radar(capsys, monkeypatch, "social", "run", "--source", "tg-local", "--registry", str(path),
                               "--db", str(db_path), "--max-pages", "1")
    assert code == 0, err
    assert site.hits == ["/s/kenhtin"]  # the flag beats the default of 5 pages
    assert out.startswith("social tg-local: 2 new, 0 already stored, 3 engagement snapshots, 0 marked deleted")


def test_run_refuses_without_key_and_names_bad_sources(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path, db_path: Path
) -> None:
    monkeypatch.delenv("RADAR_PSEUDONYM_KEY", raising=False)
    path = registry(tmp_path, "http://127.0.0.1:9/s/kenhtin")
    code, _, err = radar(capsys, monkeypatch, "social", "run", "--source", "tg-local", "--registry", str(path),
                         "--db", str(db_path))
    assert code != 0 and err.count("\n") == 1 and "RADAR_PSEUDONYM_KEY is not set" in err
    assert not db_path.exists()
    code, _, err = radar(capsys, monkeypatch, "social", "run", "--source", "nope", "--registry", str(path))
    assert code != 0 and "unknown social source 'nope'; valid: tg-local" in err
    path.write_text('[[source]]\nname = "x"\nconnector = "myspace"\nurl = "https://x.y/"\n', encoding="utf-8")
    code, _, err = radar(capsys, monkeypatch, "social", "list", "--registry", str(path))
    assert code != 0 and "connector must be one of telegram" in err and "Traceback" not in err


def test_crawl_run_collects_a_social_source_and_lists_it(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path, db_path: Path
) -> None:
    monkeypatch.setenv("RADAR_PSEUDONYM_KEY", KEY)
    with serve(routes(NEWEST, OLDER)) as site:
        monkeypatch.setenv("RADAR_SOCIAL_REGISTRY", str(registry(tmp_path, site.url("/s/kenhtin"))))
        code, out, err = radar(capsys, monkeypatch, "crawl", "run", "--source", "tg-local", "--db", str(db_path))
        assert code == 0, err
        assert out.startswith("social tg-local: 3 new")  # default page budget reaches the older page too
        code, out, err = radar(capsys, monkeypatch, "sources", "list", "--kind", "social", "--format", "json")
    assert code == 0 and [r["name"] for r in json.loads(out)] == ["tg-local"]
