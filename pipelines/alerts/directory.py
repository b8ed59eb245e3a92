"""Defaults for directory units from nlp's gazetteers: the topics an agency answers for, the province slugs."""

from __future__ import annotations

import tomllib
from functools import cache
from pathlib import Path

GAZETTEER = Path(__file__).resolve().parents[2] / "nlp" / "gazetteer"


@cache
def agency_topics() -> dict[str, tuple[str, ...]]:
    """Agency slug -> taxonomy topics it answers for (gazetteer/agencies.toml)."""
    data = tomllib.loads((GAZETTEER / "agencies.toml").read_text(encoding="utf-8"))
    return {a["slug"]: tuple(a.get("topics", ())) for a in data.get("agency", [])}


@cache
def province_slugs() -> frozenset[str]:
    """Slugs of the provincial units (gazetteer/provinces.toml)."""
    data = tomllib.loads((GAZETTEER / "provinces.toml").read_text(encoding="utf-8"))
    return frozenset(u["slug"] for u in data.get("unit", []))
