"""Pure helpers the pages share: time windows, grains, display names and display-ready frames."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime, time, timedelta
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
