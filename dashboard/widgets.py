"""Streamlit pieces every page shares: the page context, the warehouse guard and the sidebar filters."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from dashboard import charts, display
from dashboard.config import db_path
from dashboard.data import Status, WarehouseState, clear_cache, fetch, shared_reader, warehouse_state
from dashboard.i18n import LANG_KEY, LANG_LABEL, LANG_NAMES, LANGS, current_lang, tr
from dashboard.login import User, require, signed_in
from warehouse import read

RANGE_KEY = "date_range"
TOPIC_KEY = "topic"
# More colours than this in one stacked chart cannot be told apart.
MAX_SOURCES_CHARTED = 8


@dataclass(frozen=True)
class Context:
    """What a page needs: the warehouse, the language and the chosen date range."""

    db: str
    lang: str
    state: WarehouseState
    start: date
    end: date
    user: User

    def t(self, key: str, **values: Any) -> str:
        """The label `key` in the page's language."""
        return tr(key, self.lang, **values)

    @property
    def window(self) -> tuple[datetime, datetime]:
        """The chosen dates as a half-open time window."""
        return display.window(self.start, self.end)

    @property
    def now(self) -> datetime:
        """"Now" for growth and emergence: the newest document, or the end of an earlier range looked back at."""
        assert self.state.last is not None
        return min(self.window[1], self.state.last)

    @property
    def grain(self) -> str:
        """The time grain that suits the chosen range."""
        return display.auto_grain(self.start, self.end)

    def reading(self) -> AbstractContextManager[None]:
        """A block whose queries share one read-only connection, closed when it ends."""
        # Pages fetch everything inside it and draw after it, so the writer waits for the queries
        # only, never for the charts being built.
        return shared_reader(self.db)

    def can(self, action: str) -> bool:
        """Whether the signed-in user's role allows `action`."""
        return self.user.can(action)

    def require(self, action: str) -> None:
        """Stop the page with a clear refusal unless the signed-in user may do `action`."""
        require(self.user, action, self.lang)

    def topics(self) -> dict[str, str]:
        """Topic display names in the page's language, from the warehouse's topics table."""
        return display.topic_labels(fetch(self.db, read.topic_names), self.lang)


def language_switch() -> str:
    """The sidebar's language choice; returns the chosen language."""
    st.sidebar.radio(
        LANG_LABEL, list(LANGS), key=LANG_KEY,
        format_func=lambda code: LANG_NAMES[code], horizontal=True,
    )
    return current_lang(st.session_state)


def guard(db: str, lang: str) -> WarehouseState:
    """The warehouse state; when it cannot be shown, a message instead and the run stops."""
    state = warehouse_state(db)
    if state.status is Status.MISSING:
        st.info(tr("no_warehouse", lang, path=db))
    elif state.status is Status.EMPTY:
        st.info(tr("empty_warehouse", lang, path=db))
    elif state.status is Status.LOCKED:
        st.warning(tr("locked_warehouse", lang))
    if state.status is not Status.READY:
        st.stop()
    return state


def sidebar_filters(state: WarehouseState, lang: str) -> None:
    """The shared date range (default: the last 30 days of data) and a refresh button."""
    assert state.first is not None and state.last is not None
    first, last = display.local_date(state.first), display.local_date(state.last)
    # One format in both languages: a keyed date_input whose format changes is a new widget, and the
    # chosen range would be lost on the language switch.
    st.sidebar.date_input(
        tr("date_range", lang), value=display.default_range(state.first, state.last),
        min_value=first, max_value=last, key=RANGE_KEY, format="DD/MM/YYYY",
    )
    st.sidebar.caption(tr("data_until", lang, time=display.format_time(state.last, lang)))
    if st.sidebar.button(tr("refresh", lang)):
        clear_cache()
        st.rerun()


def page_context() -> Context:
    """The context of the running page (the entry script has already checked the warehouse)."""
    db = db_path()
    lang = current_lang(st.session_state)
    state = guard(db, lang)
    assert state.first is not None and state.last is not None
    start, end = display.normalise_range(
        st.session_state.get(RANGE_KEY), display.default_range(state.first, state.last)
    )
    return Context(db, lang, state, start, end, signed_in(db, lang))


def table(frame: pd.DataFrame, ctx: Context, *, key: str | None = None) -> None:
    """A display-ready frame as a table whose link column is clickable, or a notice when it is empty."""
    if frame.empty:
        st.info(ctx.t("no_rows"))
        return
    st.dataframe(
        frame, hide_index=True, width="stretch", key=key,
        column_config={ctx.t("link"): st.column_config.LinkColumn(display_text=ctx.t("open"))},
    )


def chart(frame: pd.DataFrame, ctx: Context, *, key: str, figure: Callable[[pd.DataFrame], go.Figure]) -> None:
    """The figure drawn from the frame, or the "no data" notice when the frame has no rows."""
    if frame.empty:
        st.info(ctx.t("no_rows"))
    else:
        st.plotly_chart(figure(frame), key=key)


def sentiment_chart(frame: pd.DataFrame, ctx: Context, *, key: str) -> None:
    """Each bucket's sentiment shares as 100 % bars (frame: bucket, sentiment, n_documents)."""
    chart(
        display.by_sentiment(frame, "sentiment", ctx.lang), ctx, key=key,
        figure=lambda f: charts.sentiment_mix(
            f, colors=display.sentiment_colors(ctx.lang), x_title=ctx.t("time"), y_title="%"
        ),
    )


def source_volume(ctx: Context) -> pd.DataFrame:
    """Documents over time per source, the smaller sources summed as "other"."""
    start, end = ctx.window
    return display.lump_minor(
        fetch(ctx.db, read.volume, start, end, ctx.grain, "source"), "key", "n_documents",
        MAX_SOURCES_CHARTED, ctx.t("other"),
    )


def query_choice(
    label: str, options: list[str], *, key: str, param: str, format_func: Callable[[str], str]
) -> str:
    """A select box kept in step with the `?param=` query parameter, so that links can open a choice."""
    applied = f"{key}_param_applied"
    value = st.query_params.get(param)
    # Only a parameter not yet applied moves the box: otherwise the box's own changes would be undone.
    if value in options and value != st.session_state.get(applied):
        st.session_state[key] = value
    chosen = str(st.selectbox(label, options, key=key, format_func=format_func))
    st.query_params[param] = chosen
    st.session_state[applied] = chosen
    return chosen


def topic_choice(ctx: Context, options: list[str], topics: dict[str, str]) -> str:
    """The topic select box, kept in step with the `?topic=` query parameter so links can open a topic."""
    return query_choice(
        ctx.t("choose_topic"), options, key=TOPIC_KEY, param=display.TOPIC_PARAM,
        format_func=lambda s: display.label(s, topics),
    )


def link_table(frame: pd.DataFrame, ctx: Context, *, key: str | None = None) -> None:
    """Documents as a table whose link column opens the original article."""
    table(display.documents_display(frame, ctx.lang, ctx.topics()), ctx, key=key)


def document_list(frame: pd.DataFrame, ctx: Context) -> None:
    """Documents as a list of linked titles with source, time and sentiment."""
    st.markdown(display.document_lines(frame, ctx.lang))


def narrative_table(frame: pd.DataFrame, ctx: Context, *, key: str) -> None:
    """Ranked narratives with their 14-day sparkline and a link to each narrative's page."""
    if frame.empty:
        st.info(ctx.t("no_hotspots"))
        return
    st.dataframe(
        frame, hide_index=True, width="stretch", key=key,
        column_config={
            ctx.t("link"): st.column_config.LinkColumn(display_text=ctx.t("open")),
            ctx.t("last_14_days"): st.column_config.LineChartColumn(y_min=0),
            ctx.t("score"): st.column_config.ProgressColumn(min_value=0.0, max_value=1.0, format="%.2f"),
        },
    )
