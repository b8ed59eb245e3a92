"""Pure helpers the pages share: time windows, grains, display names and display-ready frames."""

from __future__ import annotations

import io
import tomllib
from collections.abc import Mapping
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

import pandas as pd
import pyarrow as pa

from dashboard.i18n import tr
from warehouse.db import TIMEZONE

TZ = ZoneInfo(TIMEZONE)
DEFAULT_DAYS = 30
# Up to this many days the volume charts are hourly; beyond it hourly bars become unreadable.
HOURLY_MAX_DAYS = 3
# The topic page's URL path (st.Page url_path) and the query parameter choosing its topic.
TOPIC_PAGE = "topic"
TOPIC_PARAM = "topic"
NARRATIVE_PAGE = "narrative"
NARRATIVE_PARAM = "id"
POLICY_PAGE = "policy"
POLICY_PARAM = "ref"
SENTIMENT_ORDER = ("negative", "neutral", "positive", "unannotated")
SENTIMENT_COLORS = {
    "negative": "#d62728", "neutral": "#9e9e9e", "positive": "#2ca02c", "unannotated": "#dcdcdc",
}


def local_date(moment: datetime) -> date:
    """The calendar date of a moment in the warehouse's time zone."""
    return moment.astimezone(TZ).date()


def default_range(first: datetime, last: datetime, days: int = DEFAULT_DAYS) -> tuple[date, date]:
    """The last `days` days of data, ending on the newest document's date (not today's)."""
    end = local_date(last)
    return max(local_date(first), end - timedelta(days=days - 1)), end


def normalise_range(value: object, fallback: tuple[date, date]) -> tuple[date, date]:
    """A (start, end) pair from a date_input value, which holds one date while the user picks."""
    if isinstance(value, date):
        return value, value
    dates = [v for v in value if isinstance(v, date)] if isinstance(value, list | tuple) else []
    if not dates:
        return fallback
    return min(dates), max(dates)


def window(start: date, end: date) -> tuple[datetime, datetime]:
    """The half-open time window [start 00:00, end + 1 day 00:00) in the warehouse's time zone."""
    return (
        datetime.combine(start, time(), tzinfo=TZ),
        datetime.combine(end + timedelta(days=1), time(), tzinfo=TZ),
    )


def auto_grain(start: date, end: date) -> str:
    """Hourly for short ranges, daily otherwise."""
    return "hour" if (end - start).days < HOURLY_MAX_DAYS else "day"


def topic_labels(names: pd.DataFrame, lang: str) -> dict[str, str]:
    """Slug -> display name in `lang` from the topics table."""
    column = "name_en" if lang == "en" else "name_vi"
    return {str(s): str(n) for s, n in zip(names["slug"], names[column], strict=True) if n}


def label(slug: object, labels: Mapping[str, str]) -> str:
    """Display name of a topic, the slug when the topics table does not name it."""
    return labels.get(str(slug), str(slug))


def sentiment_label(sentiment: object, lang: str) -> str:
    """Display name of a sentiment label; unknown labels are shown as they are."""
    text = str(sentiment)
    return tr(text, lang) if text in SENTIMENT_ORDER else text


def sentiment_colors(lang: str) -> dict[str, str]:
    """Colour of each translated sentiment label, so charts keep red for negative in any language."""
    return {sentiment_label(s, lang): c for s, c in SENTIMENT_COLORS.items()}


def by_sentiment(frame: pd.DataFrame, column: str, lang: str) -> pd.DataFrame:
    """Rows sorted by bucket then fixed sentiment order (negative first), `column` translated."""
    order = {s: i for i, s in enumerate(SENTIMENT_ORDER)}
    out = frame.assign(_order=frame[column].map(lambda v: order.get(v, len(order))))
    out = out.sort_values(["bucket", "_order"]).drop(columns="_order")
    out[column] = out[column].map(lambda s: sentiment_label(s, lang))
    return out


def lump_minor(frame: pd.DataFrame, key: str, value: str, keep: int, other: str) -> pd.DataFrame:
    """Keep the `keep` largest values of `key` (by total `value`) and sum the rest under `other`."""
    if frame.empty or frame[key].nunique() <= keep:
        return frame
    top = frame.groupby(key)[value].sum().nlargest(keep).index
    out = frame.copy()
    out[key] = out[key].where(out[key].isin(top), other)
    group = [c for c in out.columns if c != value]
    return out.groupby(group, as_index=False, sort=False)[value].sum()


def with_labels(frame: pd.DataFrame, lang: str, topics: Mapping[str, str] | None = None) -> pd.DataFrame:
    """A copy with topic and sentiment columns replaced by their display names."""
    out = frame.copy()
    if topics is not None and "topic" in out.columns:
        out["topic"] = out["topic"].map(lambda s: label(s, topics))
    if "sentiment" in out.columns:
        out["sentiment"] = out["sentiment"].map(lambda s: sentiment_label(s, lang))
    return out


def rename(frame: pd.DataFrame, columns: Mapping[str, str], lang: str) -> pd.DataFrame:
    """Only `columns` (column -> label key), in that order, under their translated labels."""
    return frame[list(columns)].rename(columns={c: tr(k, lang) for c, k in columns.items()})


def topic_url(slug: object) -> str:
    """Relative link to the topic page with this topic chosen (also usable in alert messages)."""
    return f"{TOPIC_PAGE}?{urlencode({TOPIC_PARAM: str(slug)})}"


def narrative_url(narrative_id: object) -> str:
    """Relative link to the narrative page showing this narrative."""
    return f"{NARRATIVE_PAGE}?{urlencode({NARRATIVE_PARAM: str(narrative_id)})}"


def policy_url(legal_ref: object) -> str:
    """Relative link to the policy page showing this legal reference."""
    return f"{POLICY_PAGE}?{urlencode({POLICY_PARAM: str(legal_ref)})}"


def growth_display(frame: pd.DataFrame, lang: str, topics: Mapping[str, str]) -> pd.DataFrame:
    """Rising topics ready to show: a new topic's growth reads "new" rather than a blank."""
    out = with_labels(frame, lang, topics)
    out["growth"] = [
        tr("new_topic", lang) if pd.isna(g) else f"{g:.1f}×" for g in out["growth"]
    ]
    out["baseline"] = out["baseline"].astype(float).round(1)
    out["link"] = frame["topic"].map(topic_url)
    return rename(
        out,
        {
            "topic": "topic", "last_24h": "last_24h", "baseline": "baseline", "growth": "growth",
            "link": "link",
        },
        lang,
    )


def negative_shift_display(frame: pd.DataFrame, lang: str, topics: Mapping[str, str]) -> pd.DataFrame:
    """Topics turning negative ready to show: shares as percentages, the shift in percentage points."""
    out = with_labels(frame, lang, topics)
    out["negative_share"] = out["negative_share"].map(format_share)
    out["prior_share"] = out["prior_share"].map(format_share)
    out["shift"] = [f"{100 * s:+.0f}" for s in out["shift"]]
    out["link"] = frame["topic"].map(topic_url)
    return rename(
        out,
        {
            "topic": "topic", "last_24h": "last_24h", "negative_share": "negative_share_24h",
            "prior_share": "negative_share_prior", "shift": "shift_points", "link": "link",
        },
        lang,
    )


def format_time(moment: datetime | pd.Timestamp, lang: str) -> str:
    """A moment as local day and minute, day-first in Vietnamese."""
    local = moment.astimezone(TZ)
    return local.strftime("%d/%m/%Y %H:%M" if lang == "vi" else "%Y-%m-%d %H:%M")


def format_share(share: float | None) -> str:
    """A share as a percentage, a dash when unknown."""
    return "–" if share is None or pd.isna(share) else f"{share:.0%}"


def format_period(start: date, end: date, lang: str) -> str:
    """A date range, day-first in Vietnamese."""
    pattern = "%d/%m/%Y" if lang == "vi" else "%Y-%m-%d"
    return f"{start.strftime(pattern)} – {end.strftime(pattern)}"


def format_count(n: float, lang: str) -> str:
    """A count with thousands separators: dots in Vietnamese, commas in English."""
    text = f"{int(n):,}"
    return text.replace(",", ".") if lang == "vi" else text


def spikes_display(frame: pd.DataFrame, lang: str, topics: Mapping[str, str]) -> pd.DataFrame:
    """Spike rows ready to show: local hour, topic name, observed and expected counts, score."""
    out = with_labels(frame, lang, topics)
    out["hour"] = out["hour"].map(lambda m: format_time(m, lang))
    out["expected"] = out["expected"].astype(float).round(1)
    out["score"] = out["score"].astype(float).round(2)
    out["link"] = frame["topic"].map(topic_url)
    return rename(
        out,
        {
            "hour": "hour", "topic": "topic", "n_documents": "count", "expected": "expected",
            "score": "score", "link": "link",
        },
        lang,
    )


def topic_sources_display(frame: pd.DataFrame, lang: str) -> pd.DataFrame:
    """A topic's sources ready to show, the negative share as a percentage."""
    out = frame.assign(negative_share=frame["negative_share"].map(format_share))
    return rename(out, {"source": "source", "n_documents": "count", "negative_share": "negative_share"}, lang)


def documents_display(frame: pd.DataFrame, lang: str, topics: Mapping[str, str]) -> pd.DataFrame:
    """Documents ready to show in a table: local time, names, and the original URL as the link."""
    out = with_labels(frame, lang, topics)
    out["published_at"] = out["published_at"].map(lambda m: format_time(m, lang))
    return rename(
        out,
        {
            "published_at": "time", "source": "source", "title": "title", "topic": "topic",
            "sentiment": "sentiment", "url": "link",
        },
        lang,
    )


def sources_display(frame: pd.DataFrame, lang: str) -> pd.DataFrame:
    """Source rows ready to show: negative share as a percentage, newest document in local time."""
    out = frame.copy()
    out["kind"] = out["kind"].map(lambda k: tr(f"kind_{k}", lang) if isinstance(k, str) else "–")
    out["negative_share"] = out["negative_share"].map(format_share)
    out["last_published"] = out["last_published"].map(lambda m: "–" if pd.isna(m) else format_time(m, lang))
    return rename(
        out,
        {
            "name": "source", "kind": "kind", "connector": "connector", "status": "status",
            "n_documents": "count", "last_published": "last_published", "negative_share": "negative_share",
        },
        lang,
    )


def markdown_escape(text: str) -> str:
    """Markdown-safe text: brackets and emphasis marks would break or restyle the line."""
    for char in "\\[]*_`<>#|":
        text = text.replace(char, "\\" + char)
    return text


def markdown_link(title: str, url: str) -> str:
    """A Markdown link to an http(s) URL; other schemes (javascript:…) stay plain text."""
    text = markdown_escape(title or url)
    if not url.startswith(("http://", "https://")) or any(c in url for c in "<> "):
        return text
    return f"[{text}](<{url}>)"


def _text(value: object) -> str:
    """A value as text, empty for a missing one (None or NaN), which would otherwise read "None"."""
    return value if isinstance(value, str) else ""


def document_lines(frame: pd.DataFrame, lang: str) -> str:
    """Documents as a Markdown list: linked title — source · local time · sentiment."""
    return "\n".join(
        f"- {markdown_link(_text(row.title), _text(row.url))} — {markdown_escape(_text(row.source))} · "
        f"{format_time(row.published_at, lang)} · {sentiment_label(row.sentiment, lang)}"
        for row in frame.itertuples()
    )


def parquet_bytes(frame: pd.DataFrame) -> bytes | None:
    """The frame as a Parquet file, or None when a column holds values Parquet cannot store."""
    try:
        return frame.to_parquet(index=False)
    except (pa.ArrowException, ValueError, TypeError):
        return None


def why_flagged(row: Mapping[str, Any], lang: str) -> str:
    """Why a narrative was ranked, in words: its recent volume against the expected one, tone and spread."""
    kinds = list(row["kinds"]) if row.get("kinds") is not None else []
    sources = list(row["sources"]) if row.get("sources") is not None else []
    return tr(
        "why_flagged", lang, recent=int(row["recent"]), expected=f"{float(row['expected']):.1f}",
        negative=format_share(float(row["negativity"])), n_sources=len(sources),
        kinds=", ".join(tr(f"kind_{k}", lang) for k in kinds),
    )


def hotspots_display(frame: pd.DataFrame, lang: str, topics: Mapping[str, str], score: str) -> pd.DataFrame:
    """Ranked narratives ready to show: label, score, negativity, spread, unit, sparkline, why, link."""
    if frame.empty:
        return frame
    out = frame.copy()
    out["score"] = out[score].astype(float)
    out["negativity"] = out["negativity"].map(format_share)
    out["spread"] = [
        f"{len(list(s))} · {', '.join(tr(f'kind_{k}', lang) for k in k_)}"
        for s, k_ in zip(out["sources"], out["kinds"], strict=True)
    ]
    out["topic"] = [
        ", ".join(label(t, topics) for t in (list(ts) if ts is not None else [])) for ts in out["topics"]
    ]
    out["unit"] = out["unit"].map(lambda u: u or "–")
    out["why"] = [why_flagged(r, lang) for r in frame.to_dict(orient="records")]
    out["sparkline"] = out["sparkline"].map(list)
    out["link"] = out["narrative_id"].map(narrative_url)
    return rename(
        out,
        {
            "label": "narrative", "score": "score", "negativity": "negative_share", "spread": "spread",
            "topic": "topic", "unit": "responsible_unit", "sparkline": "last_14_days", "why": "why", "link": "link",
        },
        lang,
    )


def narrative_grain(first: object, last: object) -> str:
    """Hourly for a narrative spanning under three days, daily otherwise."""
    if first is None or last is None or pd.isna(first) or pd.isna(last):
        return "day"
    return "hour" if pd.Timestamp(last) - pd.Timestamp(first) < timedelta(days=HOURLY_MAX_DAYS) else "day"


def narrative_negativity(info: Mapping[str, Any]) -> float | None:
    """Share of negative documents among the narrative's annotated ones."""
    rated = int(info["n_negative"]) + int(info["n_neutral"]) + int(info["n_positive"])
    return int(info["n_negative"]) / rated if rated else None


def _items(value: object) -> list[str]:
    """A list column's value as a list of strings (None and NaN as empty)."""
    if value is None or isinstance(value, float | str):
        return []
    return [str(v) for v in value]  # type: ignore[attr-defined]


def narrative_terms(info: Mapping[str, Any]) -> str:
    """The narrative's key terms as one line."""
    return " · ".join(_items(info.get("key_terms")))


def kinds_named(frame: pd.DataFrame, lang: str) -> pd.DataFrame:
    """A volume frame whose `key` is a source kind, the kinds named in `lang`."""
    return frame.assign(key=frame["key"].map(lambda k: tr(f"kind_{k}", lang)))


def narrative_sources_display(frame: pd.DataFrame, lang: str) -> pd.DataFrame:
    """A narrative's sources ready to show: kind named, first appearance in local time, negative share."""
    out = frame.copy()
    out["kind"] = out["kind"].map(lambda k: tr(f"kind_{k}", lang))
    out["first_at"] = out["first_at"].map(lambda m: format_time(m, lang))
    out["negative_share"] = out["negative_share"].map(format_share)
    return rename(
        out, {"source": "source", "kind": "kind", "n_documents": "count", "first_at": "first_seen",
              "negative_share": "negative_share"}, lang,
    )


def legal_refs_display(refs: object, lang: str) -> pd.DataFrame:
    """Legal references as rows linking to the policy page."""
    items = _items(refs)
    return pd.DataFrame({tr("legal_ref", lang): items, tr("link", lang): [policy_url(r) for r in items]})


def related_display(frame: pd.DataFrame, lang: str) -> pd.DataFrame:
    """Related narratives ready to show, each linking to its page."""
    out = frame.copy()
    out["last_seen"] = out["last_seen"].map(lambda m: "–" if pd.isna(m) else format_time(m, lang))
    out["shared"] = out["shared"].map(_joined)
    out["link"] = out["id"].map(narrative_url)
    return rename(
        out, {"label": "narrative", "shared": "shared", "n_documents": "count", "last_seen": "last_seen",
              "link": "link"}, lang,
    )


EFFECTIVE_DATES = Path(__file__).with_name("effective_dates.toml")
BEFORE_AFTER_DAYS = 30


def effective_date(legal_ref: str, path: Path = EFFECTIVE_DATES) -> date | None:
    """The date the legal document took effect, when dashboard/effective_dates.toml knows it."""
    value = tomllib.loads(path.read_text(encoding="utf-8")).get("effective", {}).get(legal_ref)
    return value if isinstance(value, date) else None


def format_day(day: date, lang: str) -> str:
    """A date, day-first in Vietnamese."""
    return day.strftime("%d/%m/%Y" if lang == "vi" else "%Y-%m-%d")


def negative_share(frame: pd.DataFrame) -> float | None:
    """Negative share of the annotated documents of a (bucket, sentiment, n_documents) frame."""
    rated = frame[frame["sentiment"] != "unannotated"]["n_documents"].sum()
    return float(frame[frame["sentiment"] == "negative"]["n_documents"].sum() / rated) if rated else None


def before_after(coverage: pd.DataFrame, effective: date, lang: str, days: int = BEFORE_AFTER_DAYS) -> pd.DataFrame:
    """Documents and negative share in the `days` days before the effective date and from it on."""
    moment = datetime.combine(effective, time(), tzinfo=TZ)
    buckets = pd.to_datetime(coverage["bucket"])
    rows = []
    for key, part in (
        ("before", coverage[(buckets >= moment - timedelta(days=days)) & (buckets < moment)]),
        ("after", coverage[(buckets >= moment) & (buckets < moment + timedelta(days=days))]),
    ):
        rows.append({"period": tr(f"period_{key}", lang, days=days), "count": int(part["n_documents"].sum()),
                     "negative_share": format_share(negative_share(part))})
    return rename(pd.DataFrame(rows), {"period": "period", "count": "count", "negative_share": "negative_share"},
                  lang)


def split_list(text: str) -> tuple[str, ...]:
    """Comma-separated words as a tuple, blanks dropped."""
    return tuple(w.strip() for w in text.split(",") if w.strip())


def _joined(value: object) -> str:
    return ", ".join(_items(value))


def subscriptions_display(frame: pd.DataFrame, lang: str) -> pd.DataFrame:
    """Subscriptions ready to show."""
    out = frame.copy()
    out["what"] = out["what"].map(lambda w: tr(f"what_{w}", lang))
    out["target"] = out["target"].map(lambda t: t if isinstance(t, str) else "–")
    out["channels"] = out["channels"].map(_joined)
    out["mode"] = out["mode"].map(lambda m: tr(f"mode_{m}", lang))
    out["paused"] = out["paused"].map(lambda p: tr("yes" if p else "no", lang))
    return rename(
        out, {"who": "who", "what": "what", "target": "target", "sensitivity": "sensitivity", "mode": "mode",
              "channels": "channels", "paused": "paused"}, lang,
    )


def history_display(frame: pd.DataFrame, lang: str) -> pd.DataFrame:
    """Alert history ready to show, feedback as words."""
    out = frame.copy()
    out["alert_at"] = out["alert_at"].map(lambda m: "–" if pd.isna(m) else format_time(m, lang))
    out["useful"] = out["useful"].map(
        lambda u: "–" if u is None or pd.isna(u) else tr("useful" if u else "not_useful", lang)
    )
    out["link"] = [
        narrative_url(n) if isinstance(n, str) else (topic_url(t) if k == "spike" else None)
        for n, t, k in zip(out["narrative_id"], out["target"], out["kind"], strict=True)
    ]
    return rename(
        out, {"alert_at": "time", "subject": "title", "status": "status", "channel": "channel", "score": "score",
              "useful": "feedback", "link": "link"}, lang,
    )


def units_display(frame: pd.DataFrame, lang: str, topics: Mapping[str, str]) -> pd.DataFrame:
    """The directory of units ready to show."""
    out = frame.copy()
    out["level"] = out["level"].map(lambda v: tr(f"level_{v}", lang))
    out["topics"] = out["topics"].map(lambda ts: ", ".join(label(t, topics) for t in _items(ts)))
    out["places"] = out["places"].map(_joined)
    out["spokesperson"] = out["spokesperson"].map(lambda s: s if isinstance(s, str) else "–")
    return rename(
        out, {"name": "unit_name", "level": "level", "spokesperson": "spokesperson", "topics": "unit_topics",
              "places": "unit_places"}, lang,
    )


def users_display(frame: pd.DataFrame, lang: str) -> pd.DataFrame:
    """Accounts ready to show (never a password hash)."""
    out = frame.copy()
    out["role"] = out["role"].map(lambda r: tr(f"role_{r}", lang))
    out["disabled"] = out["disabled"].map(lambda d: tr("yes" if d else "no", lang))
    out["created_at"] = out["created_at"].map(lambda m: "–" if pd.isna(m) else format_time(m, lang))
    return rename(
        out, {"username": "username", "display_name": "display_name", "role": "role", "disabled": "disabled",
              "created_at": "created"}, lang,
    )


def match_spans(text: str, terms: list[str]) -> list[tuple[int, int]]:
    """Non-overlapping (start, end) spans of the terms in the text, case ignored, in order."""
    lowered = text.lower()
    spans: list[tuple[int, int]] = []
    for term in {t.lower() for t in terms if t}:
        start = lowered.find(term)
        while start >= 0:
            spans.append((start, start + len(term)))
            start = lowered.find(term, start + len(term))
    merged: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def highlight_markdown(text: str, terms: list[str]) -> str:
    """Markdown-escaped text with each match on a yellow background."""
    out, at = [], 0
    for start, end in match_spans(text, terms):
        out += [markdown_escape(text[at:start]), f":orange-background[**{markdown_escape(text[start:end])}**]"]
        at = end
    out.append(markdown_escape(text[at:]))
    return "".join(out)


def highlighted_lines(frame: pd.DataFrame, terms: list[str], lang: str) -> str:
    """Documents as a Markdown list with the matches in their titles marked, each with its link."""
    return "\n".join(
        f"- {highlight_markdown(_text(row.title), terms)} — {markdown_escape(_text(row.source))} · "
        f"{format_time(row.published_at, lang)}"
        + (f" · [{tr('open', lang)}](<{row.url}>)" if _text(row.url).startswith(("http://", "https://")) else "")
        for row in frame.itertuples()
    )


def excel_bytes(frame: pd.DataFrame, highlight_column: str, terms: list[str]) -> bytes:
    """The frame as an .xlsx workbook, the matches in `highlight_column` in bold red."""
    from openpyxl import Workbook
    from openpyxl.cell.rich_text import CellRichText, TextBlock
    from openpyxl.cell.text import InlineFont

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append([str(c) for c in frame.columns])
    marked = InlineFont(b=True, color="C00000")
    column = list(frame.columns).index(highlight_column) if highlight_column in frame.columns else -1
    for values in frame.itertuples(index=False):
        row = ["" if v is None or (isinstance(v, float) and pd.isna(v)) else v for v in values]
        if column >= 0 and terms and isinstance(row[column], str) and match_spans(row[column], terms):
            text, parts, at = row[column], CellRichText(), 0
            for start, end in match_spans(text, terms):
                if start > at:
                    parts.append(text[at:start])
                parts.append(TextBlock(marked, text[start:end]))
                at = end
            if at < len(text):
                parts.append(text[at:])
            row[column] = parts
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
