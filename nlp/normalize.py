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
_EMAIL = re.compile(r"\b[\w.+-]+@[\w-]+\.[\w.-]+\b")
_MENTION = re.compile(r"(?<!\w)@\w+")
_HASHTAG = re.compile(r"(?<!\w)#(\w+)")
# Open syllables "oa, oe, uy" written with the mark on the second vowel (hoà, khoẻ, thuý).
# The project's convention puts it on the first vowel (hòa, khỏe, thúy), as underthesea does;
# "qu" + y keeps the mark on y (quý) because u belongs to the consonant there.
_OLD_TONE = re.compile(
    r"(?<![qQ])([oOuU])([aAeEyY])([" + _TONE_MARKS + r"])(?![^\W\d_])",
)
_ELONGATION = re.compile(r"([a-zđàáảãạăằắẳẵặâầấẩẫậèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵ])\1{2,}")
_EMOJI = re.compile("([\U0001f300-\U0001faff\u2600-\u27bf\u2b50\u2764])(?:\\s*\\1)*")
_EMOTICONS: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"[:;=]['’]\(+(?![^\W\d_])"), " 😢 "),
    (re.compile(r"(?<!\w)[:;=]-?[)\]dD]+(?![^\W\d_])|(?<!\w)\^[_.]?\^(?![^\W\d_])"), " 🙂 "),
    (re.compile(r"(?<!\w)[:;=]-?[(\[]+(?![^\W\d_])"), " 🙁 "),
    (re.compile(r"(?<!\w)[:;=]-?[vVpP]+(?![^\W\d_])"), " 😜 "),
    (re.compile(r"<3+"), " ❤ "),
)
_SPACES = re.compile(r"\s+")
_WORD = re.compile(r"[^\W\d_]+", re.UNICODE)
# A whole token of letters only: "k" in "50k" or "h" in "10h" is not teencode.
_BARE_WORD = re.compile(r"(?<!\w)[^\W\d_]+(?!\w)")
_VI_MARKED = re.compile(
    "[àáảãạăằắẳẵặâầấẩẫậèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵđ]", re.IGNORECASE
)


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
    decomposed = unicodedata.normalize("NFD", text)
    fixed = _OLD_TONE.sub(lambda m: m.group(1) + m.group(3) + m.group(2), decomposed)
    return unicodedata.normalize("NFC", fixed)


def strip_accents(text: str) -> str:
    """The text without diacritics (đ -> d), as typed on a keyboard without Telex."""
    decomposed = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def is_unaccented(text: str) -> bool:
    """Whether a Vietnamese text of some length was typed without diacritics."""
    letters = sum(len(w) for w in _WORD.findall(text))
    # Under ~15 letters the ratio says nothing; accented Vietnamese has ~25-35 % marked letters.
    return letters >= 15 and len(_VI_MARKED.findall(text)) / letters < 0.03


def _expand_teencode(text: str) -> str:
    table = teencode()

    def repl(m: re.Match[str]) -> str:
        word = m.group(0)
        # Capitalised words are names ("Hong Kong"); short all-caps ones are acronyms (VN, BHXH).
        if word.islower() or (word.isupper() and 2 <= len(word) <= 4):
            return table.get(word.lower(), word)
        return word

    return _BARE_WORD.sub(repl, text)


def normalize(text: str, *, lower: bool = False, expand_teencode: bool = True) -> str:
    """Canonical form: NFC, one tone convention, URLs/mentions replaced, emoticons as emoji."""
    text = unicodedata.normalize("NFC", text)
    text = _EMAIL.sub(" email ", text)
    text = _URL.sub(" url ", text)
    text = _MENTION.sub(" @user ", text)
    text = _HASHTAG.sub(r" \1 ", text)
    for pattern, emoji in _EMOTICONS:
        text = pattern.sub(emoji, text)
    text = _EMOJI.sub(r" \1 ", text)
    text = fix_tone_placement(text)
    if lower:
        text = text.lower()
    text = _ELONGATION.sub(r"\1", text)
    if expand_teencode:
        text = _expand_teencode(text)
    return _SPACES.sub(" ", text).strip()
