"""Publication time of an article page, to the minute, with its UTC offset."""

from __future__ import annotations

import copy
import json
import logging
import re
from collections.abc import Iterable, Iterator
from datetime import UTC, date, datetime, timedelta, timezone
from itertools import chain
from typing import Any

import htmldate
from lxml import html as lxml_html

LOGGER = logging.getLogger(__name__)

VIETNAM_TZ = timezone(timedelta(hours=7), "ICT")

# Meta tags that carry the first publication time, most specific first.
_META_KEYS = (
    "article:published_time",
    "og:published_time",
    "published_time",
    "datepublished",
    "pubdate",
    "publishdate",
    "publish-date",
    "publish_date",
    "article.published",
    "article_date_original",
    "dc.date.issued",
    "dcterms.created",
    "dc.date",
    "date",
    "sailthru.date",
    "parsely-pub-date",
    "cxenseparse:recs:publishtime",
)

_ISO_RE = re.compile(
    r"(?<!\d)(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?:[T ]\s*(\d{1,2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?)?"
    r"\s*(Z|[+-]\d{2}:?\d{2})?",
    re.IGNORECASE,
)
# Vietnamese pages write day first: "07/03/2026 08:01", "Thứ bảy, 7/3/2026, 00:05 (GMT+7)",
# "08:01 07-03-2026", "24/12/12 11:05 tối", "15:20 PM | 21/12/2012".
_DMY = r"(?<!\d)(\d{1,2})[/.-](\d{1,2})[/.-](\d{4}|\d{2})(?![\d/])"
_HM = r"(?<!\d)(\d{1,2})[:hH](\d{2})(?::(\d{2}))?(?!\d)"
_MERIDIEM = r"(?:\s*(AM|PM|SA|CH|sáng|trưa|chiều|tối|đêm)\b)?"
_GMT = r"(?:\s*\(?\s*(GMT|UTC)\s*(?:([+-]\s*\d{1,2})(?::?(\d{2}))?)?\s*\)?)?"
_DMY_HM_RE = re.compile(_DMY + r"\s*(?:,|-|\||lúc|vào|at)?\s*" + _HM + _MERIDIEM + _GMT, re.IGNORECASE)
_HM_DMY_RE = re.compile(
    _HM + _MERIDIEM + r"\s*(?:,|-|\||ngày)?\s*(?:\w+\s*,\s*)?" + _DMY + _GMT, re.IGNORECASE
)
_DMY_ONLY_RE = re.compile(_DMY)
_VI_LONG_DATE_RE = re.compile(r"(?:ngày\s+)?(\d{1,2})\s+tháng\s+(\d{1,2})\s*,?\s+(?:năm\s+)?(\d{4})", re.I)
_MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
_MONTH = r"(jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?"
_EN_MONTH_FIRST_RE = re.compile(r"\b" + _MONTH + r"\s+(\d{1,2}),?\s+(\d{4})", re.I)
_EN_DAY_FIRST_RE = re.compile(r"(?<![:\d])(\d{1,2})\s+" + _MONTH + r",?\s+(\d{4})", re.I)
_DMY_HM_NAMES = ("d", "mo", "y", "h", "mi", "s", "mer", "gmt", "gh", "gm")
_HM_DMY_NAMES = ("h", "mi", "s", "mer", "d", "mo", "y", "gmt", "gh", "gm")
_AFTERNOON = {"pm", "ch", "chiều", "tối", "đêm"}

# Where a headline is shown: heading tags, or any element whose class says "title".
HEADING_XPATH = (
    "//h1 | //h2 | //h3 | //*[@itemprop='headline']"
    " | //*[contains(translate(@class,'TITLE','title'),'title') or contains(@class,'tieude')"
    " or contains(@class,'headline') or contains(@class,'heading')]"
)

# Elements whose class/id/itemprop names a date: where visible publication times live.
_DATE_ATTR_XPATH = (
    "//*[@itemprop='datePublished' or contains(translate(@class,'DATEPUBLISHTM','datepublishtm'),'date')"
    " or contains(translate(@class,'DATEPUBLISHTM','datepublishtm'),'time')"
    " or contains(translate(@class,'DATEPUBLISHTM','datepublishtm'),'publish')"
    " or contains(translate(@id,'DATEPUBLISHTM','datepublishtm'),'date')"
    " or contains(translate(@id,'DATEPUBLISHTM','datepublishtm'),'time')"
    " or local-name()='time']"
)


def _tz(sign_hours: str | None, minutes: str | None, default_tz: timezone) -> timezone:
    """Offset from a "GMT+7"-style suffix, or the default."""
    if not sign_hours:
        return default_tz
    hours = int(sign_hours.replace(" ", ""))
    mins = int(minutes or 0) * (1 if hours >= 0 else -1)
    return timezone(timedelta(hours=hours, minutes=mins))


def _valid(year: int, month: int, day: int, hour: int = 0, minute: int = 0, second: int = 0) -> bool:
    """Whether the parts make a plausible publication time."""
    if not 1995 <= year <= 2100:
        return False
    try:
        datetime(year, month, day, hour, minute, second)
    except ValueError:
        return False
    return True


def parse_datetime(value: str, default_tz: timezone = VIETNAM_TZ) -> tuple[datetime, bool] | None:
    """Parse one date string; return (tz-aware datetime, whether it had a time of day) or None."""
    value = value.strip()
    if not value:
        return None
    m = _ISO_RE.search(value)
    if m:
        y, mo, d, h, mi, s, off = m.groups()
        if _valid(int(y), int(mo), int(d), int(h or 0), int(mi or 0), int(s or 0)):
            tz = default_tz
            if off:
                if off.upper() == "Z":
                    tz = UTC
                else:
                    off = off.replace(":", "")
                    sign = 1 if off[0] == "+" else -1
                    tz = timezone(sign * timedelta(hours=int(off[1:3]), minutes=int(off[3:5])))
            dt = datetime(int(y), int(mo), int(d), int(h or 0), int(mi or 0), int(s or 0), tzinfo=tz)
            return dt, h is not None
    shown = next(iter(shown_times(value, default_tz)), None)
    if shown is not None:
        return shown[2], True
    m = _DMY_ONLY_RE.search(_spell_out_long_dates(value))
    if m:
        d, mo, y = m.groups()
        year = _year(y)
        if _valid(year, int(mo), int(d)):
            return datetime(year, int(mo), int(d), tzinfo=default_tz), False
    return None


def _year(text: str) -> int:
    """Four-digit year from "2012" or "12"."""
    return int(text) + 2000 if len(text) == 2 else int(text)


def _build(parts: dict[str, str | None], default_tz: timezone) -> datetime | None:
    """A datetime from the named parts of a day-first match, or None when they are not a real time."""
    year, month, day = _year(parts["y"] or ""), int(parts["mo"] or 0), int(parts["d"] or 0)
    hour, minute, second = int(parts["h"] or 0), int(parts["mi"] or 0), int(parts["s"] or 0)
    meridiem = (parts["mer"] or "").lower()
    if meridiem in _AFTERNOON and hour < 12:
        hour += 12
    elif meridiem in ("am", "sa") and hour == 12:
        hour = 0
    if not _valid(year, month, day, hour, minute, second):
        return None
    # "GMT" alone is UTC; "GMT+7" carries its offset; no marker means the page's local time.
    tz = _tz(parts["gh"], parts["gm"], UTC if parts["gmt"] else default_tz)
    return datetime(year, month, day, hour, minute, second, tzinfo=tz)


def _spell_out_long_dates(text: str) -> str:
    """Rewrite "ngày 7 tháng 3 năm 2026" and "March 7, 2026" as "7/3/2026" for the day-first patterns."""
    text = _VI_LONG_DATE_RE.sub(lambda m: f"{m.group(1)}/{m.group(2)}/{m.group(3)}", text)
    text = _EN_MONTH_FIRST_RE.sub(lambda m: _dmy(m.group(2), m.group(1), m.group(3)), text)
    return _EN_DAY_FIRST_RE.sub(lambda m: _dmy(m.group(1), m.group(2), m.group(3)), text)


def _dmy(day: str, month_name: str, year: str) -> str:
    """ "7", "March", "2026" as "7/3/2026"."""
    return f"{day}/{_MONTHS.index(month_name.lower()[:3]) + 1}/{year}"


def shown_times(text: str, default_tz: timezone = VIETNAM_TZ) -> Iterator[tuple[int, int, datetime]]:
    """Every day-first date-and-time written in a text, as (start, end, datetime), in text order."""
    text = _spell_out_long_dates(text)
    found: list[tuple[int, int, datetime]] = []
    for regex, names in ((_DMY_HM_RE, _DMY_HM_NAMES), (_HM_DMY_RE, _HM_DMY_NAMES)):
        for m in regex.finditer(text):
            dt = _build(dict(zip(names, m.groups(), strict=True)), default_tz)
            if dt is not None:
                found.append((m.start(), m.end(), dt))
    found.sort(key=lambda item: item[0])
    yield from found


def _jsonld_objects(data: Any) -> Iterator[dict[str, Any]]:
    """Every object in a JSON-LD document, @graph and lists flattened."""
    if isinstance(data, list):
        for item in data:
            yield from _jsonld_objects(item)
    elif isinstance(data, dict):
        yield data
        for key in ("@graph", "mainEntity", "mainEntityOfPage"):
            if key in data:
                yield from _jsonld_objects(data[key])


def jsonld_objects(tree: lxml_html.HtmlElement) -> list[dict[str, Any]]:
    """All JSON-LD objects of the page; broken blocks are skipped (sites often ship invalid JSON)."""
    found: list[dict[str, Any]] = []
    for script in tree.xpath("//script[contains(@type,'ld+json')]"):
        raw = (script.text or "").strip()
        if not raw:
            continue
        try:
            data = json.loads(raw, strict=False)
        except ValueError:
            # Common breakage: trailing commas and raw newlines; one lenient retry.
            try:
                data = json.loads(re.sub(r",\s*([}\]])", r"\1", raw), strict=False)
            except ValueError:
                LOGGER.debug("unparsable JSON-LD block skipped")
                continue
        found.extend(_jsonld_objects(data))
    return found


def is_article_type(obj: dict[str, Any]) -> bool:
    """Whether a JSON-LD object describes an article (NewsArticle, BlogPosting, …)."""
    kind = obj.get("@type")
    kinds = kind if isinstance(kind, list) else [kind]
    return any(
        isinstance(k, str) and (k.endswith("Article") or k in ("BlogPosting", "Report")) for k in kinds
    )


def _candidates(tree: lxml_html.HtmlElement, objects: Iterable[dict[str, Any]]) -> Iterator[str]:
    """Date strings from structured metadata, most trustworthy first."""
    objects = list(objects)
    for obj in sorted(objects, key=lambda o: not is_article_type(o)):
        for key in ("datePublished", "dateCreated", "uploadDate"):
            value = obj.get(key)
            if isinstance(value, str):
                yield value
    metas: dict[str, list[str]] = {}
    for meta in tree.xpath("//meta[@content]"):
        for attr in ("property", "name", "itemprop", "http-equiv"):
            key = (meta.get(attr) or "").strip().lower()
            if key:
                metas.setdefault(key, []).append(meta.get("content") or "")
    for key in _META_KEYS:
        yield from metas.get(key, [])


def _marked_up_times(tree: lxml_html.HtmlElement, title: str) -> Iterator[str]:
    """Machine-readable times in the body (<time datetime>, itemprop), nearest the headline first.

    Pages also mark up the times of related stories in sidebars; the story's own sits by its headline.
    """
    elements = tree.xpath("//*[@itemprop='datePublished'][not(self::meta)] | //time[@datetime]")
    headline = headline_element(tree, title) if elements else None
    if headline is not None:
        order = {el: i for i, el in enumerate(tree.iter())}
        anchor = order.get(headline, 0)
        elements.sort(key=lambda el: abs(order.get(el, 0) - anchor))
    for el in elements:
        value = el.get("datetime") or el.get("content") or el.text_content()
        if value and value.strip():
            yield value


def _visible_times(tree: lxml_html.HtmlElement, default_tz: timezone) -> Iterator[datetime]:
    """Date-and-time strings shown in date-labelled elements, in page order."""
    for el in tree.xpath(_DATE_ATTR_XPATH):
        text = " ".join(el.text_content().split())
        if len(text) > 120:
            continue
        for _start, _end, shown in shown_times(text, default_tz):
            yield shown
            break


def headline_element(tree: lxml_html.HtmlElement, title: str) -> lxml_html.HtmlElement | None:
    """The element that shows the headline (an h1 first), to read the byline time next to it."""
    key = re.sub(r"\W+", "", title.lower())[:60]
    if len(key) < 10:
        return None
    for el in tree.xpath(HEADING_XPATH):
        text = re.sub(r"\W+", "", el.text_content().lower())
        if text and (text.startswith(key) or key.startswith(text[:60])) and len(text) >= 10:
            return el
    return None


def _byline_times(tree: lxml_html.HtmlElement, title: str, default_tz: timezone) -> list[datetime]:
    """Times written close to the headline, nearest first (where bylines put the publication time)."""
    headline = headline_element(tree, title)
    if headline is None:
        return []
    before: list[str] = []
    after: list[str] = []
    inside = False
    nodes = tree.xpath("//body//text()[not(ancestor::script) and not(ancestor::style)]")
    for node in nodes:
        parent = node.getparent()
        is_headline = parent is headline or any(a is headline for a in parent.iterancestors())
        if is_headline:
            inside = True
            continue
        (after if inside else before).append(str(node))
        if inside and sum(len(t) for t in after) > _WINDOW_AFTER:
            break
    head = " ".join(" ".join(before).split()[-_WINDOW_BEFORE_WORDS:])
    tail = " ".join(" ".join(after).split())[:_WINDOW_AFTER]
    ranked = [(start, shown) for start, _end, shown in shown_times(tail, default_tz)]
    ranked += [(len(head) - end, shown) for _start, end, shown in shown_times(head, default_tz)]
    return [shown for _dist, shown in sorted(ranked, key=lambda item: item[0])]


# How far from the headline a byline time may be: a short bar above it, a few lines below it.
_WINDOW_BEFORE_WORDS = 40
_WINDOW_AFTER = 600


def find_published(
    tree: lxml_html.HtmlElement,
    default_tz: timezone = VIETNAM_TZ,
    objects: list[dict[str, Any]] | None = None,
    title: str = "",
) -> datetime | None:
    """The publication time: JSON-LD, meta tags, the time beside the headline, date-labelled elements,
    then htmldate's search."""
    if objects is None:
        objects = jsonld_objects(tree)
    date_only: date | None = None
    for raw in chain(_candidates(tree, objects), _marked_up_times(tree, title)):
        parsed = parse_datetime(raw, default_tz)
        if parsed is None:
            continue
        if parsed[1]:
            return parsed[0]
        if date_only is None:
            date_only = parsed[0].date()
    # Metadata gave a day at most. The time shown beside the headline is the story's own (a bare
    # "date" meta may be the day the page was built); date-labelled elements elsewhere may belong to
    # other stories, so they count only on the day the metadata gave.
    byline = _byline_times(tree, title, default_tz)
    if byline:
        return byline[0]
    for shown in _visible_times(tree, default_tz):
        if date_only is None or shown.date() == date_only:
            return shown
    if date_only is not None:
        return datetime(date_only.year, date_only.month, date_only.day, tzinfo=default_tz)
    found = htmldate.find_date(
        copy.deepcopy(tree), extensive_search=True, original_date=True, outputformat="%Y-%m-%dT%H:%M:%S%z"
    )
    if found:
        parsed = parse_datetime(found, default_tz)
        if parsed:
            return parsed[0]
    return None
