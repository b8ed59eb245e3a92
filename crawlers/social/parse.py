"""Small parsing helpers the connectors share: counts like '1.2K', timestamps, text of HTML blocks."""

from __future__ import annotations

import re
from datetime import UTC, datetime, tzinfo

from parsel import Selector

from crawlers.social.model import nfc

_COUNT = re.compile(r"^\s*([0-9]+(?:[.,][0-9]+)?)\s*([KkMmBb]?)\s*$")
_SCALE = {"": 1, "k": 1_000, "m": 1_000_000, "b": 1_000_000_000}


def parse_count(text: str | None) -> int | None:
    """'1.2K' -> 1200, '3,5M' -> 3500000, '87' -> 87; None when it is not a count."""
    if not text:
        return None
    match = _COUNT.match(text.replace("\u00a0", ""))
    if not match:
        digits = re.sub(r"[^0-9]", "", text)
        return int(digits) if digits else None
    number, suffix = match.groups()
    if not suffix:
        # Without a suffix a separator is a thousands separator ("1,234" or the Vietnamese "1.234").
        return int(re.sub(r"[.,]", "", number))
    return int(round(float(number.replace(",", ".")) * _SCALE[suffix.lower()]))


def parse_time(value: str | int | float | None, naive_tz: tzinfo = UTC) -> datetime | None:
    """An ISO 8601 string (offset kept, `naive_tz` when it has none) or a Unix timestamp; None when bad."""
    if value is None or value == "":
        return None
    if isinstance(value, int | float) or (isinstance(value, str) and re.fullmatch(r"\d+(\.\d+)?", value.strip())):
        return datetime.fromtimestamp(float(value), UTC)
    text = value.strip().replace("Z", "+00:00")
    # XenForo writes offsets as +0700: turn them into +07:00 so every ISO reader agrees.
    text = re.sub(r"([+-]\d{2})(\d{2})$", r"\1:\2", text)
    try:
        when = datetime.fromisoformat(text)
    except ValueError:
        return None
    return when if when.tzinfo else when.replace(tzinfo=naive_tz)


def block_text(node: Selector, drop: str = "") -> str:
    """Visible text of an HTML block: <br> and block ends as newlines, `drop` (CSS) removed, NFC."""
    copy = Selector(text=node.get() or "")
    for unwanted in copy.css(drop) if drop else []:
        unwanted.drop()
    html = copy.css("body > *").get() or ""
    html = re.sub(r"<br\s*/?>", "\n", html, flags=re.I)
    html = re.sub(r"</(p|div|li|blockquote|h[1-6])>", "\n", html, flags=re.I)
    pieces = Selector(text=html).xpath("//body//text()").getall()
    lines = [line.strip() for line in "".join(pieces).split("\n")]
    return nfc("\n".join(line for line in lines if line))
