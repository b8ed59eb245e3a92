"""References to Vietnamese legal documents in a text, normalised to canonical ids.

Recognised: a document type followed by a number or a full symbol ("Nghị định số 168/2024/NĐ-CP",
"Chỉ thị 07/CT-TTg", "Nghị quyết 57-NQ/TW", "Quyết định 407"), a bare symbol whose code names
the type ("168/2024/NĐ-CP", "31/2024/QH15"), and laws and codes by name with a year or number
("Luật Đất đai 2024", "Bộ luật Hình sự năm 2015", "Luật Đất đai số 31/2024/QH15") or by a name
listed in gazetteer/laws.toml ("Luật Đất đai"). Dates, phone numbers and scores carry no letter
code and no type word, so they never match.
"""

from __future__ import annotations

import re
import tomllib
import unicodedata
from dataclasses import dataclass, replace
from functools import cache
from pathlib import Path

from nlp.entities import fold_tones

LAWS_FILE = Path(__file__).parent / "gazetteer" / "laws.toml"


@dataclass(frozen=True)
class LegalRef:
    """One legal-document reference: canonical id, parts, and its span in the NFC text."""

    id: str
    doc_type: str
    number: str | None
    year: int | None
    issuer: str | None
    title: str | None
    matched: str
    start: int
    end: int


# Type word -> (canonical type name, id prefix). Longest first matters: "thông tư liên tịch".
_TYPES: dict[str, tuple[str, str]] = {
    "thông tư liên tịch": ("Thông tư liên tịch", "ttlt"),
    "nghị định": ("Nghị định", "nd"),
    "nghị quyết": ("Nghị quyết", "nq"),
    "quyết định": ("Quyết định", "qd"),
    "thông tư": ("Thông tư", "tt"),
    "chỉ thị": ("Chỉ thị", "ct"),
    "công văn": ("Công văn", "cv"),
    "công điện": ("Công điện", "cd"),
    "kết luận": ("Kết luận", "kl"),
    "quy định": ("Quy định", "quy-dinh"),
    "pháp lệnh": ("Pháp lệnh", "pl"),
    "hiến pháp": ("Hiến pháp", "hien-phap"),
    "bộ luật": ("Bộ luật", "bo-luat"),
    "luật": ("Luật", "luat"),
}
# Type abbreviation opening a symbol's code -> type word; lets a bare symbol stand alone.
_CODE_TYPES = {
    "NĐ": "nghị định", "NQ": "nghị quyết", "QĐ": "quyết định", "TT": "thông tư",
    "TTLT": "thông tư liên tịch", "CT": "chỉ thị", "CĐ": "công điện", "KL": "kết luận",
}
# Only the Government issues decrees, so "Nghị định 168/2024" is 168/2024/NĐ-CP.
_IMPLIED_CODE = {"nghị định": "NĐ-CP"}
# Words a bare number after a type word must not be followed by ("Quyết định 2 người ...").
_UNITS = "người|năm|tháng|ngày|giờ|phút|tỷ|triệu|nghìn|ngàn|lần|điểm|km|m|ha|tấn|%"

_CODE = r"[A-ZĐ][A-Za-zĐđ0-9&]*(?:-[A-ZĐ][A-Za-zĐđ0-9&]*)*"
_YEAR = r"(?:19|20)\d{2}"
_NUM = r"(?:\d{1,3}(?:\.\d{3})+|\d{1,5})"
_STATE = rf"(?P<num>{_NUM}[a-z]?)/(?:(?P<year>{_YEAR})/)?(?P<code>{_CODE})"
_PARTY = rf"(?P<pnum>{_NUM})-(?P<ptype>[A-ZĐ]{{1,4}})/(?P<porg>[A-ZĐ][A-Za-zĐđ0-9]*)"
_BARE = rf"(?P<bnum>\d{{1,5}})(?:/(?P<byear>{_YEAR}))?(?!\s*(?:[.,]\d|(?:{_UNITS})(?!\w)))"
_TYPE_ALT = "|".join(sorted(_TYPES, key=len, reverse=True))
_TYPED = re.compile(
    rf"(?<!\w)(?P<type>(?i:{_TYPE_ALT}))(?:\s+(?i:số))?\s*:?\s+(?:{_PARTY}|{_STATE}|{_BARE})(?![\w/])"
)
_SYMBOL = re.compile(rf"(?<![\w/.-])(?:{_PARTY}|{_STATE})(?![\w/])")
_WORD = r"(?!(?i:bộ\s+luật|luật)(?!\w))[^\W\d_]+"
_NAMED_LAW = re.compile(
    rf"(?<!\w)(?P<kind>(?i:bộ\s+luật|luật))\s+(?P<name>{_WORD}(?:,?\s+{_WORD}){{0,14}}?)"
    rf"(?:\s+\(sửa đổi\)|\s+sửa đổi)?"
    rf"(?:\s+(?:năm\s+)?(?P<year>{_YEAR})(?![\d/])"
    rf"|\s+số\s+(?P<lnum>\d{{1,5}})/(?P<lyear>{_YEAR})/(?P<lcode>(?:UBTV)?QH\d+))"
)
_NAMELESS_YEAR = re.compile(rf"(?<!\w)(?P<kind>(?i:hiến\s+pháp))\s+(?:năm\s+)?(?P<year>{_YEAR})(?!\d)")
# "pháp luật", "định luật", "quy luật", "điều luật" are not citations of a law.
_NOT_BEFORE_LAW = {"pháp", "định", "quy", "điều"}
# Laws, codes and the constitution are cited by name or full symbol, never by a bare number.
_NEEDS_SYMBOL = {"luật", "bộ luật", "hiến pháp"}


def _slug(text: str) -> str:
    """ASCII id part: no diacritics, đ -> d, runs of other characters -> '-'."""
    text = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    text = "".join(c for c in text if not unicodedata.combining(c)).lower()
    return re.sub(r"[^a-z0-9]+", "-", text).strip("-")


def _pad(number: str) -> str:
    """Number without thousands dots; below 10 with a leading zero, as in "07/CT-TTg"."""
    number = number.replace(".", "")
    return number.zfill(2) if number.isdigit() else number


def _type_key(word: str) -> str:
    """A type word as a _TYPES key: lower case, single spaces."""
    return " ".join(word.lower().split())


def _issuer(code: str) -> str:
    """The issuing body of a code: what follows the type abbreviation ("NĐ-CP" -> "CP")."""
    head, _, rest = code.partition("-")
    return rest if head in _CODE_TYPES and rest else code


@cache
def _known_laws() -> re.Pattern[str]:
    """Laws cited by a name listed in laws.toml, without year or number."""
    data = tomllib.loads(LAWS_FILE.read_text(encoding="utf-8"))
    names = sorted({fold_tones(n) for n in data["laws"]}, key=len, reverse=True)
    alts = "|".join(re.escape(n).replace(r"\ ", r"\s+") for n in names)
    return re.compile(rf"(?<!\w)(?P<kind>(?i:bộ\s+luật|luật))\s+(?P<name>(?i:{alts}))(?!\w)")


def _ref(
    type_word: str, number: str | None, year: str | None, code: str | None, m: re.Match[str]
) -> LegalRef:
    name, prefix = _TYPES[_type_key(type_word)]
    if code is None and year is not None:
        code = _IMPLIED_CODE.get(_type_key(type_word))
    parts = [prefix, _pad(number) if number else None, year, _slug(code) if code else None]
    return LegalRef(
        id="-".join(p for p in parts if p),
        doc_type=name,
        number=_pad(number) if number else None,
        year=int(year) if year else None,
        issuer=_issuer(code) if code else None,
        title=None,
        matched=m.group(0),
        start=m.start(),
        end=m.end(),
    )


def _from_symbol(type_word: str | None, m: re.Match[str]) -> LegalRef | None:
    """A reference from a match holding a party-style or state-style symbol, or a bare number."""
    g = m.groupdict()
    if g.get("pnum"):
        word = type_word or _CODE_TYPES.get(g["ptype"])
        if word is None:
            return None
        return _ref(word, g["pnum"], None, f"{g['ptype']}-{g['porg']}", m)
    if g.get("num"):
        code = g["code"]
        word = type_word or _CODE_TYPES.get(code.split("-")[0])
        if word is None and re.fullmatch(r"(?:UBTV)?QH\d+", code):
            word = "luật" if code.startswith("QH") else "nghị quyết"
        return _ref(word, g["num"], g["year"], code, m) if word else None
    if type_word and g.get("bnum") and type_word[0].isupper() and (
        _type_key(type_word) not in _NEEDS_SYMBOL
    ):
        # A bare number needs a capitalised type word: "quyết định 3 ..." is the common noun.
        return _ref(type_word, g["bnum"], g.get("byear"), None, m)
    return None


def _named_law(m: re.Match[str], text: str) -> LegalRef | None:
    """A law or code cited by name (with year or number, or listed in laws.toml)."""
    kind, name = m.group("kind"), m.group("name")
    before = re.search(r"(\w+)\s*$", text[: m.start()])
    if before and before.group(1).lower() in _NOT_BEFORE_LAW:
        return None
    if not (kind[0].isupper() or name[0].isupper()):
        return None
    g = m.groupdict()
    year = g.get("year") or g.get("lyear")
    type_name, prefix = _TYPES[_type_key(kind)]
    return LegalRef(
        id="-".join(p for p in (prefix, _slug(name), year) if p),
        doc_type=type_name,
        number=_pad(g["lnum"]) if g.get("lnum") else None,
        year=int(year) if year else None,
        issuer=g.get("lcode") or "QH",
        title=name,
        matched=m.group(0),
        start=m.start(),
        end=m.end(),
    )


def find_legal_refs(text: str) -> list[LegalRef]:
    """Legal-document references in text, in order, spans in its NFC form."""
    text = unicodedata.normalize("NFC", text)
    folded = fold_tones(text)
    found: list[LegalRef] = []
    taken: list[tuple[int, int]] = []

    def free(m: re.Match[str]) -> bool:
        return not any(m.start() < e and s < m.end() for s, e in taken)

    def keep(ref: LegalRef | None) -> None:
        if ref is not None:
            found.append(ref)
            taken.append((ref.start, ref.end))

    for m in _NAMED_LAW.finditer(folded):
        if free(m):
            keep(_named_law(m, folded))
    for m in _NAMELESS_YEAR.finditer(folded):
        if free(m):
            year = m.group("year")
            keep(LegalRef(f"hien-phap-{year}", "Hiến pháp", None, int(year), "QH", None,
                          m.group(0), m.start(), m.end()))
    for m in _known_laws().finditer(folded):
        if free(m):
            keep(_named_law(m, folded))
    for m in _TYPED.finditer(folded):
        if free(m):
            keep(_from_symbol(m.group("type"), m))
    for m in _SYMBOL.finditer(folded):
        if free(m):
            keep(_from_symbol(None, m))
    found.sort(key=lambda r: r.start)
    return [replace(r, matched=text[r.start : r.end]) for r in found]
