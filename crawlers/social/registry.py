"""The social source registry: `social_sources.toml` into typed `SocialSource` records."""

from __future__ import annotations

import json
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from crawlers.social.errors import ConfigError

DEFAULT_REGISTRY = Path(__file__).resolve().parents[1] / "social_sources.toml"
CONNECTORS = ("telegram", "xenforo", "reddit", "import", "youtube", "facebook", "comments")
STATUSES = ("active", "unverified", "paused")
KIND = "social"
_NAME = re.compile(r"^[a-z0-9][a-z0-9-]*$")
_FIELDS = {"name", "display_name", "connector", "url", "status", "note", "options"}


@dataclass(frozen=True)
class SocialSource:
    """One configured channel, forum, subreddit, page, query or import file."""

    name: str
    display_name: str
    connector: str
    url: str
    status: str = "active"
    note: str = ""
    options: dict[str, Any] = field(default_factory=dict)
    kind: str = KIND

    def option(self, key: str, default: Any = None) -> Any:
        """One connector option, or the default."""
        return self.options.get(key, default)

    def row(self) -> dict[str, Any]:
        """The source in the shape of the `sources` table (config as JSON text)."""
        config = {"display_name": self.display_name, "note": self.note, "options": self.options}
        return {"name": self.name, "kind": self.kind, "connector": self.connector, "url": self.url,
                "status": self.status, "config": json.dumps(config, ensure_ascii=False)}


def _parse(entry: object, index: int) -> SocialSource:
    if not isinstance(entry, dict):
        raise ConfigError(f"source #{index}: expected a table")
    name = entry.get("name")
    where = f"source #{index} ({name!r})"
    if not isinstance(name, str) or not _NAME.match(name):
        raise ConfigError(f"{where}: name must be a slug of a-z, 0-9 and '-'")
    unknown = sorted(set(entry) - _FIELDS)
    if unknown:
        raise ConfigError(f"{where}: unknown field(s) {', '.join(unknown)}; valid: {', '.join(sorted(_FIELDS))}")
    if entry.get("connector") not in CONNECTORS:
        raise ConfigError(f"{where}: connector must be one of {', '.join(CONNECTORS)}, not {entry.get('connector')!r}")
    status = entry.get("status", "active")
    if status not in STATUSES:
        raise ConfigError(f"{where}: status must be one of {', '.join(STATUSES)}, not {status!r}")
    url = entry.get("url")
    # Import sources point at a file, every other connector at a web address.
    if entry["connector"] != "import" and (not isinstance(url, str) or urlsplit(url).scheme not in ("http", "https")):
        raise ConfigError(f"{where}: url must be an http(s) URL, not {url!r}")
    if not isinstance(url, str) or not url:
        raise ConfigError(f"{where}: url is required")
    options = entry.get("options", {})
    if not isinstance(options, dict):
        raise ConfigError(f"{where}: options must be a table")
    for key, value in options.items():
        if isinstance(value, str) and re.search(r"(key|token|secret)", key, re.I):
            raise ConfigError(f"{where}: option {key!r} looks like a secret: put it in the environment, not the file")
    return SocialSource(
        name=name, display_name=str(entry.get("display_name") or name), connector=entry["connector"], url=url,
        status=status, note=str(entry.get("note", "")), options=dict(options),
    )


def parse_registry(text: str, origin: str = "<social registry>") -> list[SocialSource]:
    """Parse registry TOML text, rejecting bad entries and duplicate names."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{origin}: not valid TOML: {exc}") from None
    entries = data.get("source")
    if not isinstance(entries, list) or not entries:
        raise ConfigError(f"{origin}: no [[source]] entries")
    sources: list[SocialSource] = []
    for i, entry in enumerate(entries, start=1):
        try:
            source = _parse(entry, i)
        except ConfigError as exc:
            raise ConfigError(f"{origin}: {exc}") from None
        if any(s.name == source.name for s in sources):
            raise ConfigError(f"{origin}: source #{i}: duplicate name {source.name!r}")
        sources.append(source)
    return sources


def load_registry(path: Path | str | None = None) -> list[SocialSource]:
    """Load the social registry from `path`, or the shipped one."""
    path = Path(path) if path else DEFAULT_REGISTRY
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ConfigError(f"cannot read social source registry {path}: {exc.strerror or exc}") from None
    return parse_registry(text, origin=str(path))


def find_source(sources: list[SocialSource], name: str) -> SocialSource:
    """The source called `name`, or an error listing the valid names."""
    for source in sources:
        if source.name == name:
            return source
    names = ", ".join(s.name for s in sources)
    raise ConfigError(f"unknown social source {name!r}; valid: {names}")
