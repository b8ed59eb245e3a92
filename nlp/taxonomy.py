"""The policy-topic taxonomy, read from the operator-extensible data file."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import cache
from pathlib import Path

TAXONOMY_FILE = Path(__file__).with_name("taxonomy.toml")


@dataclass(frozen=True)
class Topic:
    """One policy topic: stable slug and its Vietnamese and English names."""

    slug: str
    vi: str
    en: str


@cache
def load_taxonomy(path: Path = TAXONOMY_FILE) -> tuple[Topic, ...]:
    """Topics of the taxonomy file, in file order."""
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    topics = tuple(Topic(t["slug"], t["vi"], t["en"]) for t in data["topic"])
    slugs = [t.slug for t in topics]
    if len(set(slugs)) != len(slugs):
        raise ValueError(f"duplicate topic slug in {path}")
    return topics


def topic_slugs() -> list[str]:
    """All topic slugs."""
    return [t.slug for t in load_taxonomy()]
