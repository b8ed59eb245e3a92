"""Vietnamese text normalisation shared by every model: one canonical form of a text."""

from __future__ import annotations

import csv
import re
import unicodedata
from functools import cache
from pathlib import Path

TEENCODE_FILE = Path(__file__).with_name("teencode.csv")

# Combining marks of the five Vietnamese tones (grave, acute, hook, tilde, dot below).
_TONE_MARKS = "\u0300\u0301\u0309\u0303\u0323"

_URL = re.compile(r"(?:https?://|www\.)\S+|\b[\w.-]+\.(?:com|vn|net|org|gov)(?:/\S*)?\b", re.IGNORECASE)
# Cheap tests first: most texts hold no URL, and the full pattern is slow to fail.
_URL_HINT = re.compile(r"://|www\.|\.(?:com|vn|net|org|gov)\b", re.IGNORECASE)
_EMAIL = re.compile(r"\b[\w.+-]+@[\w-]+\.[\w.-]+\b")
_MENTION = re.compile(r"@\w+")
_HASHTAG = re.compile(r"#(\w+)")


# Open syllables "oa, oe, uy" written with the mark on the second vowel (hoà, khoẻ, thuý).
# The project's convention puts it on the first vowel (hòa, khỏe, thúy), as underthesea does;
# "qu" + y keeps the mark on y (quý) because u belongs to the consonant there.
def _old_tone_table() -> dict[str, str]:
    table = {}
    for first, seconds in (("o", "ae"), ("u", "y")):
        for f in (first, first.upper()):
            for v in seconds + seconds.upper():
                for mark in _TONE_MARKS:
                    table[unicodedata.normalize("NFC", f + v + mark)] = unicodedata.normalize("NFC", f + mark + v)
    return table


_OLD_TONES = _old_tone_table()
# Matched on NFC text directly: decomposing every text to find them costs more than the rest.
_OLD_TONE = re.compile(r"(?<![qQ])[oOuU][" + "".join(sorted({k[1] for k in _OLD_TONES})) + r"](?![^\W\d_])")
# Every precomposed Latin letter (Vietnamese included) -> its base letter; combining marks dropped.
_PLAIN: dict[int, str | None] = {
    cp: unicodedata.normalize("NFD", chr(cp))[0]
    for cp in range(0xC0, 0x2000)
    if len(unicodedata.normalize("NFD", chr(cp))) > 1 and unicodedata.normalize("NFD", chr(cp))[0].isascii()
}
_PLAIN.update({cp: None for cp in range(0x300, 0x370)})
_PLAIN.update({ord("đ"): "d", ord("Đ"): "D"})
_PLAIN_TABLE = str.maketrans(_PLAIN)
_ELONGATION = re.compile(r"([a-zđàáảãạăằắẳẵặâầấẩẫậèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵ])\1{2,}")
_EMOJI = re.compile("([\U0001f300-\U0001faff\u2600-\u27bf\u2b50\u2764])(?:\\s*\\1)*")
_EMOTICONS: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"[:;=]['’]\(+(?![^\W\d_])"), " 😢 "),
    (re.compile(r"(?<!\w)[:;=]-?[)\]dD]+(?![^\W\d_])|(?<!\w)\^[_.]?\^(?![^\W\d_])"), " 🙂 "),
    (re.compile(r"(?<!\w)[:;=]-?[(\[]+(?![^\W\d_])"), " 🙁 "),
    (re.compile(r"(?<!\w)[:;=]-?[vVpP]+(?![^\W\d_])"), " 😜 "),
    (re.compile(r"<3+"), " ❤ "),
)
_WORD = re.compile(r"[^\W\d_]+", re.UNICODE)
_VI_MARKED = re.compile("[àáảãạăằắẳẵặâầấẩẫậèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵđ]", re.IGNORECASE)


@cache
def teencode() -> dict[str, str]:
    """The abbreviation/teencode dictionary of the data file: lower-case form -> expansion."""
    with TEENCODE_FILE.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    return {
        unicodedata.normalize("NFC", r["abbreviation"].strip().lower()): unicodedata.normalize(
            "NFC", r["expansion"].strip()
        )
        for r in rows
        if r["abbreviation"].strip()
    }


def fix_tone_placement(text: str) -> str:
    """Put the tone mark of open oa/oe/uy syllables on the first vowel (hoà -> hòa)."""
    if not unicodedata.is_normalized("NFC", text):
        text = unicodedata.normalize("NFC", text)
    return _OLD_TONE.sub(lambda m: _OLD_TONES.get(m.group(0), m.group(0)), text)


def strip_accents(text: str) -> str:
    """The text without diacritics (đ -> d), as typed on a keyboard without Telex."""
    return text.translate(_PLAIN_TABLE)


def is_unaccented(text: str) -> bool:
    """Whether a Vietnamese text of some length was typed without diacritics."""
    letters = sum(len(w) for w in _WORD.findall(text))
    # Under ~15 letters the ratio says nothing; accented Vietnamese has ~25-35 % marked letters.
    return letters >= 15 and len(_VI_MARKED.findall(text)) / letters < 0.03


_EDGE_PUNCT = ".,;:!?…\"'()[]{}“”‘’«»-–—/"


def _expand_teencode(text: str) -> str:
    # A dictionary lookup per space-separated token: far cheaper than one big regex alternation.
    table = teencode()
    words = text.split(" ")
    changed = False
    for i, word in enumerate(words):
        core = word.strip(_EDGE_PUNCT)
        expansion = table.get(core.lower()) if core else None
        # Capitalised words are names ("Hong Kong"); short all-caps ones are acronyms (VN, BHXH).
        if expansion is not None and (core.islower() or (core.isupper() and 2 <= len(core) <= 4)):
            words[i] = word.replace(core, expansion, 1)
            changed = True
    return " ".join(words) if changed else text


def normalize(text: str, *, lower: bool = False, expand_teencode: bool = True) -> str:
    """Canonical form: NFC, one tone convention, URLs/mentions replaced, emoticons as emoji."""
    text = unicodedata.normalize("NFC", text)
    if "@" in text:
        text = _EMAIL.sub(" email ", text)
    if _URL_HINT.search(text):
        text = _URL.sub(" url ", text)
    # Emoticons before mentions: "<3@an" only shows its mention once the heart is split off.
    if any(c in text for c in ":;=<^"):
        for pattern, emoji in _EMOTICONS:
            text = pattern.sub(emoji, text)
    if "@" in text:
        text = _MENTION.sub(" @user ", text)
    if "#" in text:
        text = _HASHTAG.sub(r" \1 ", text)
    text = _EMOJI.sub(r" \1 ", text)
    text = fix_tone_placement(text)
    if lower:
        text = text.lower()
    text = _ELONGATION.sub(r"\1", text)
    text = " ".join(text.split())
    return _expand_teencode(text) if expand_teencode else text
