"""Places (the 34 provincial units since 1 July 2025) and central agencies named in a text."""

from __future__ import annotations

import re
import tomllib
import unicodedata
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any, NamedTuple

GAZETTEER = Path(__file__).parent / "gazetteer"


@dataclass(frozen=True)
class Place:
    """A provincial unit named in a text; former is the pre-2025 province named, if merged."""

    slug: str
    name: str
    matched: str
    former: str | None
    start: int
    end: int


@dataclass(frozen=True)
class Agency:
    """A state body named in a text, with the topic slugs it answers for.

    level is "central" (ministries, central agencies) or "provincial" (a province's department,
    police or people's committee; which province is for find_places to say).
    """

    slug: str
    name: str
    matched: str
    former: str | None
    topics: tuple[str, ...]
    start: int
    end: int
    level: str = "central"


@dataclass(frozen=True)
class _Entry:
    slug: str
    name: str
    former: str | None
    topics: tuple[str, ...] = ()
    level: str = "central"


# Old-style tone placement ("hoà", "thuỷ") and new style ("hòa", "thủy") both occur in the press;
# text and aliases are folded to one style. Each rewrite swaps two characters in place, so spans
# in the folded text are spans in the original.
def _fold_table() -> dict[str, str]:
    """Old-style pair -> new-style pair: "oà" -> "òa", "uỷ" -> "ủy", in each letter case."""
    toned = {"a": "àáảãạ", "e": "èéẻẽẹ", "y": "ỳýỷỹỵ"}
    tones = {"o": "òóỏõọ", "u": "ùúủũụ"}
    table: dict[str, str] = {}
    for head, seconds in (("o", "ae"), ("u", "y")):
        for second in seconds:
            for i, old in enumerate(toned[second]):
                new = tones[head][i] + second
                for first_case, second_case in ((str.lower, str.lower), (str.upper, str.upper),
                                                (str.upper, str.lower)):
                    table[first_case(head) + second_case(old)] = first_case(new[0]) + second_case(new[1])
    return table


_FOLD = _fold_table()
_FOLD_RE = re.compile("(" + "|".join(map(re.escape, _FOLD)) + r")(?!\w)")

_PREV_WORD = re.compile(r"(\w+)\s+$")


def fold_tones(text: str) -> str:
    """NFC text with old-style tone marks moved to the new style, length unchanged."""
    return _FOLD_RE.sub(lambda m: _FOLD[m.group(1)], unicodedata.normalize("NFC", text))


def _key(text: str) -> str:
    return re.sub(r"\s*[-–—]\s*", "-", " ".join(fold_tones(text).casefold().split()))


def _alias_pattern(alias: str) -> str:
    """Regex for one alias: any run of spaces, any dash with or without spaces around it."""
    parts = re.split(r"(\s*[-–—]\s*|\s+)", fold_tones(alias).strip())
    out = []
    for part in parts:
        if not part.strip():
            out.append(r"\s+" if part else "")
        elif re.fullmatch(r"\s*[-–—]\s*", part):
            out.append(r"\s*[-–—]\s*")
        else:
            out.append(re.escape(part))
    return "".join(out)


def _prefix(alias: str) -> str | None:
    """The first (up to three) word characters every match of alias starts with, if any."""
    m = re.match(r"\w{1,3}", fold_tones(alias).strip())
    return m.group(0) if m else None


def _compile(exact: list[str], folded_case: list[str]) -> re.Pattern[str]:
    """One alternation, longest alias first; `folded_case` aliases match in any letter case."""
    alts = [(a, _alias_pattern(a)) for a in exact]
    alts += [(a, f"(?i:{_alias_pattern(a)})") for a in folded_case]
    alts.sort(key=lambda item: len(item[0]), reverse=True)
    body = "|".join(p for _, p in alts)
    # re tries every alternative at every word start; a look-ahead on the few distinct alias
    # prefixes rejects most positions first (3x faster on press text, same matches).
    exact_heads = {_prefix(a) for a in exact}
    folded_heads = {_prefix(a) for a in folded_case}
    if None in exact_heads or None in folded_heads:
        return re.compile(r"(?<!\w)(?:" + body + r")(?!\w)")
    heads = [h for h in exact_heads if h]
    look = "|".join(map(re.escape, sorted(heads, key=len, reverse=True)))
    if folded_heads:
        ci = "|".join(map(re.escape, sorted((h for h in folded_heads if h), key=len, reverse=True)))
        look = f"{look}|(?i:{ci})" if look else f"(?i:{ci})"
    return re.compile(r"(?<!\w)(?=" + look + r")(?:" + body + r")(?!\w)")


def _read(name: str) -> dict[str, Any]:
    return tomllib.loads((GAZETTEER / name).read_text(encoding="utf-8"))


class _PlaceTables(NamedTuple):
    pattern: re.Pattern[str]
    lookup: dict[str, _Entry | None]
    not_after: frozenset[str]
    surnames: frozenset[str]


@cache
def _places() -> _PlaceTables:
    data = _read("provinces.toml")
    lookup: dict[str, _Entry | None] = {}
    for unit in data["unit"]:
        own = _Entry(unit["slug"], unit["name"], None)
        for alias in [unit["name"], *unit.get("aliases", [])]:
            lookup[_key(alias)] = own
        for former in unit.get("former", []):
            was = None if former["name"] == unit["name"] else former["name"]
            for alias in [former["name"], *former.get("aliases", [])]:
                lookup.setdefault(_key(alias), _Entry(unit["slug"], unit["name"], was))
    for phrase in data.get("not_places", []):
        lookup[_key(phrase)] = None
    names = sorted({a for a in _aliases_of(data)} | set(data.get("not_places", [])))
    # Places match as written or in capitals: lower-case "hòa bình" is peace, not the province.
    return _PlaceTables(
        _compile(names + [n.upper() for n in names], []),
        lookup,
        frozenset(w.lower() for w in data.get("not_after", [])),
        frozenset(data.get("surnames", [])),
    )


def _aliases_of(data: dict[str, Any]) -> list[str]:
    out: list[str] = []
    for unit in data["unit"]:
        out += [unit["name"], *unit.get("aliases", [])]
        for former in unit.get("former", []):
            out += [former["name"], *former.get("aliases", [])]
    return out


def _not_a_province(tables: _PlaceTables, text: str, start: int) -> bool:
    """Whether the word before start marks the name as a person's, a street's or a commune's."""
    m = _PREV_WORD.search(text, 0, start)
    if m is None:
        return False
    word = m.group(1)
    return word.lower() in tables.not_after or word in tables.surnames


def find_places(text: str) -> list[Place]:
    """Provincial units named in text, in order; a former province maps to its new unit.

    Spans index the NFC form of text (text itself when it is NFC already).
    """
    tables = _places()
    text = unicodedata.normalize("NFC", text)
    folded = fold_tones(text)
    out: list[Place] = []
    for m in tables.pattern.finditer(folded):
        entry = tables.lookup.get(_key(m.group(0)))
        if entry is None or _not_a_province(tables, folded, m.start()):
            continue
        matched = text[m.start() : m.end()]
        out.append(Place(entry.slug, entry.name, matched, entry.former, *m.span()))
    return out


@cache
def _agencies() -> tuple[re.Pattern[str], dict[str, _Entry], re.Pattern[str]]:
    data = _read("agencies.toml")
    lookup: dict[str, _Entry] = {}
    names: list[str] = []
    abbrevs: list[str] = []
    for ag in data["agency"]:
        topics = tuple(ag.get("topics", []))
        groups = [(ag, None), *((f, f["name"]) for f in ag.get("former", []))]
        for group, was in groups:
            entry = _Entry(ag["slug"], ag["name"], was, topics, ag.get("level", "central"))
            for alias in [group["name"], *group.get("aliases", [])]:
                lookup[_key(alias)] = entry
                names.append(alias)
            for abbr in group.get("abbreviations", []):
                lookup[_key(abbr)] = entry
                abbrevs += [abbr, abbr.upper()]
    foreign = sorted(data.get("foreign_names", []), key=len, reverse=True)
    after = re.compile(r"\s+(?:" + "|".join(map(re.escape, foreign)) + r")(?!\w)")
    return _compile(abbrevs, names), lookup, after


def find_agencies(text: str) -> list[Agency]:
    """State bodies named in text, in order; a merged body maps to its successor (NFC spans)."""
    pattern, lookup, foreign_after = _agencies()
    text = unicodedata.normalize("NFC", text)
    folded = fold_tones(text)
    out: list[Agency] = []
    for m in pattern.finditer(folded):
        entry = lookup.get(_key(m.group(0)))
        if entry is None or foreign_after.match(folded, m.end()):
            continue
        matched = text[m.start() : m.end()]
        out.append(
            Agency(entry.slug, entry.name, matched, entry.former, entry.topics, *m.span(), entry.level)
        )
    return out
