"""The source registry: load and validate `sources.toml` into typed `Source` records."""

from __future__ import annotations

import json
import re
import tomllib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

DEFAULT_REGISTRY = Path(__file__).with_name("sources.toml")
KINDS = ("party-state-press", "commercial-press", "government-portal", "provincial-press")
CONNECTORS = ("rss", "sitemap", "listing")
STATUSES = ("active", "unverified", "paused")
# Only these are crawled when no source is named; unverified ones must be asked for by name.
DEFAULT_CRAWL_STATUSES = ("active",)
_NAME = re.compile(r"^[a-z0-9][a-z0-9-]*$")
_FIELDS = {"name", "display_name", "kind", "connector", "url", "feeds", "status", "note", "evidence"}


class RegistryError(ValueError):
    """The registry file is missing, unreadable, or has an invalid entry."""


@dataclass(frozen=True, slots=True)
class Feed:
    """One feed of a source and the section it covers."""

    url: str
    category: str = ""


@dataclass(frozen=True, slots=True)
class Source:
    """One outlet: how to reach it and what kind of publisher it is."""

    name: str
    display_name: str
    kind: str
    connector: str
    url: str
    status: str = "active"
    feeds: tuple[Feed, ...] = field(default_factory=tuple)
    note: str = ""
    # Saved real pages or feeds (paths under ../shared) that show one of the feed URLs in use.
    evidence: tuple[str, ...] = ()

    def config(self) -> dict[str, Any]:
        """What goes into `sources.config`: display name, feeds and note."""
        return {
            "display_name": self.display_name,
            "feeds": [asdict(f) for f in self.feeds],
            "note": self.note,
            "evidence": list(self.evidence),
        }


def _is_http_url(value: object) -> bool:
    if not isinstance(value, str):
        return False
    parts = urlsplit(value)
    return parts.scheme in ("http", "https") and bool(parts.netloc)


def _choice(entry: dict[str, Any], key: str, choices: Sequence[str], where: str) -> str:
    value = entry.get(key)
    if value not in choices:
        raise RegistryError(f"{where}: {key} must be one of {', '.join(choices)}, not {value!r}")
    return str(value)


def _feed(raw: object, where: str) -> Feed:
    if isinstance(raw, str):
        raw = {"url": raw}
    if not isinstance(raw, dict):
        raise RegistryError(f"{where}: each feed must be a URL or {{ url, category }}, not {raw!r}")
    if not _is_http_url(raw.get("url")):
        raise RegistryError(f"{where}: feed url must be an http(s) URL, not {raw.get('url')!r}")
    category = raw.get("category", "")
    if not isinstance(category, str):
        raise RegistryError(f"{where}: feed category must be text, not {category!r}")
    return Feed(url=raw["url"], category=category)


def parse_source(entry: object, index: int) -> Source:
    """Validate one `[[source]]` table; the error names the entry and the field."""
    if not isinstance(entry, dict):
        raise RegistryError(f"source #{index}: expected a table, not {entry!r}")
    name = entry.get("name")
    where = f"source #{index} ({name!r})" if name else f"source #{index}"
    if not isinstance(name, str) or not _NAME.match(name):
        raise RegistryError(f"{where}: name must be a slug of a-z, 0-9 and '-'")
    unknown = sorted(set(entry) - _FIELDS)
    if unknown:
        raise RegistryError(f"{where}: unknown field(s) {', '.join(unknown)}; valid: {', '.join(sorted(_FIELDS))}")
    display_name = entry.get("display_name")
    if not isinstance(display_name, str) or not display_name.strip():
        raise RegistryError(f"{where}: display_name is required")
    if not _is_http_url(entry.get("url")):
        raise RegistryError(f"{where}: url must be an http(s) URL, not {entry.get('url')!r}")
    feeds_raw = entry.get("feeds", [])
    if not isinstance(feeds_raw, list):
        raise RegistryError(f"{where}: feeds must be a list")
    feeds = tuple(_feed(f, where) for f in feeds_raw)
    connector = _choice(entry, "connector", CONNECTORS, where)
    status = _choice({"status": entry.get("status", "active")}, "status", STATUSES, where)
    evidence = entry.get("evidence", [])
    if not isinstance(evidence, list) or not all(isinstance(e, str) and e for e in evidence):
        raise RegistryError(f"{where}: evidence must be a list of fixture paths")
    if status != "paused" and not feeds:
        raise RegistryError(f"{where}: an {connector} source that is not paused needs at least one feed")
    return Source(
        name=name,
        display_name=display_name.strip(),
        kind=_choice(entry, "kind", KINDS, where),
        connector=connector,
        url=entry["url"],
        status=status,
        feeds=feeds,
        note=str(entry.get("note", "")),
        evidence=tuple(evidence),
    )


def parse_registry(text: str, origin: str = "<registry>") -> list[Source]:
    """Parse registry TOML text into sources, rejecting duplicates and bad entries."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise RegistryError(f"{origin}: not valid TOML: {exc}") from exc
    entries = data.get("source")
    if not isinstance(entries, list) or not entries:
        raise RegistryError(f"{origin}: no [[source]] entries")
    sources: list[Source] = []
    seen: set[str] = set()
    for i, entry in enumerate(entries, start=1):
        try:
            source = parse_source(entry, i)
        except RegistryError as exc:
            raise RegistryError(f"{origin}: {exc}") from None
        if source.name in seen:
            raise RegistryError(f"{origin}: source #{i}: duplicate name {source.name!r}")
        seen.add(source.name)
        sources.append(source)
    return sources


def load_registry(path: Path | str | None = None) -> list[Source]:
    """Load the registry from `path`, or the one shipped with the package."""
    path = Path(path) if path else DEFAULT_REGISTRY
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise RegistryError(f"source registry not found: {path}") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise RegistryError(f"cannot read source registry {path}: {exc}") from None
    return parse_registry(text, origin=str(path))


def select_sources(sources: Iterable[Source], names: Sequence[str] | None = None) -> list[Source]:
    """The sources to crawl: the named ones (any status), else every active one."""
    sources = list(sources)
    if not names:
        return [s for s in sources if s.status in DEFAULT_CRAWL_STATUSES]
    by_name = {s.name: s for s in sources}
    unknown = [n for n in names if n not in by_name]
    if unknown:
        raise RegistryError(f"unknown source(s) {', '.join(unknown)}; see 'radar sources list' for the valid names")
    return [by_name[n] for n in dict.fromkeys(names)]


def sources_rows(
    sources: Iterable[Source], last_crawl: Mapping[str, Mapping[str, Any]] | None = None
) -> list[dict[str, Any]]:
    """Rows in the shape of the `sources` table (config as JSON text, with the last crawl's counts if given)."""
    rows = []
    for s in sources:
        config = s.config()
        if last_crawl and s.name in last_crawl:
            config["last_crawl"] = dict(last_crawl[s.name])
        rows.append(
            {
                "name": s.name,
                "kind": s.kind,
                "connector": s.connector,
                "url": s.url,
                "status": s.status,
                "config": json.dumps(config, ensure_ascii=False),
            }
        )
    return rows
