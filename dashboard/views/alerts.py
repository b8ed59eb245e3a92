"""Cảnh báo: subscriptions (create, edit, pause), alert history with feedback, the directory of units."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pandas as pd
import streamlit as st

from dashboard import display, queries
from dashboard.actions import perform, update_subscription
from dashboard.data import fetch
from dashboard.login import refusal
from dashboard.widgets import Context, page_context, table
from pipelines.alerts.channels import check_channel
from pipelines.alerts.model import LEVELS, MODES, WHATS, Subscription, Unit
from pipelines.alerts.store import add_subscription, add_unit, record_feedback, set_paused

NEW = "__new__"


def _channels(text: str) -> tuple[str, ...]:
    """Apprise URLs, one a line, each checked."""
    urls = tuple(u.strip() for u in text.splitlines() if u.strip())
    for url in urls:
        check_channel(url)
    return urls


def subscription_form(ctx: Context, subs: pd.DataFrame) -> None:
    """Create a subscription, or edit or pause an existing one (analysts and admins)."""
    if not ctx.can("subscriptions"):
        st.info(refusal(ctx.user, "subscriptions", ctx.lang))
        return
    stored = {s["id"]: s for s in subs.to_dict(orient="records")}
    chosen = st.selectbox(
        ctx.t("edit_subscription"), [NEW, *stored], key="sub_choice",
        format_func=lambda i: ctx.t("new_subscription") if i == NEW else f"{stored[i]['who']} · {stored[i]['what']} "
        f"{stored[i]['target'] or ''}",
    )
    current = stored.get(chosen, {})
    with st.form("subscription"):
        who = st.text_input(ctx.t("who"), value=current.get("who", ctx.user.display_name))
        what = st.selectbox(ctx.t("what"), WHATS, index=WHATS.index(current.get("what", "topic")),
                            format_func=lambda w: ctx.t(f"what_{w}"))
        target = st.text_input(ctx.t("target"), value=current.get("target") or "", help=ctx.t("target_help"))
        channels = st.text_area(ctx.t("channels"), value="\n".join(current.get("channels", ())),
                                help=ctx.t("channels_help"))
        sensitivity = st.slider(ctx.t("sensitivity"), 0.05, 1.0, float(current.get("sensitivity", 0.5)), 0.05,
                                help=ctx.t("sensitivity_help"))
        mode = st.radio(ctx.t("mode"), MODES, index=MODES.index(current.get("mode", "immediate")), horizontal=True,
                        format_func=lambda m: ctx.t(f"mode_{m}"))
        paused = st.checkbox(ctx.t("paused"), value=bool(current.get("paused", False)))
        submitted = st.form_submit_button(ctx.t("save"), type="primary")
    if not submitted:
        return

    def write() -> None:
        sub = Subscription(id="" if chosen == NEW else str(chosen), who=who.strip(), what=what,
                           target=target.strip() or None, channels=_channels(channels), sensitivity=sensitivity,
                           mode=mode, paused=paused)
        if chosen == NEW:
            add_subscription(Path(ctx.db), sub)
        else:
            kept = Subscription(**{**stored[chosen], "channels": tuple(stored[chosen]["channels"])})
            update_subscription(ctx.db, replace(kept, who=sub.who, what=sub.what, target=sub.target,
                                                channels=sub.channels, sensitivity=sub.sensitivity, mode=sub.mode))
            if kept.paused != paused:
                set_paused(Path(ctx.db), sub.id, paused)

    perform(ctx, "subscriptions", write, ctx.t("saved"))


def feedback_form(ctx: Context, history: pd.DataFrame) -> None:
    """Mark a sent alert useful or not (analysts and admins); it tunes the subscription's sensitivity."""
    if not ctx.can("feedback"):
        st.info(refusal(ctx.user, "feedback", ctx.lang))
        return
    if history.empty:
        return
    subjects = dict(zip(history["key"], history["subject"], strict=True))
    key = st.selectbox(ctx.t("alert"), list(subjects), format_func=lambda k: subjects[k], key="feedback_key")
    note = st.text_input(ctx.t("note"), key="feedback_note")
    useful, useless = st.columns(2)
    if useful.button(ctx.t("useful"), key="feedback_useful"):
        perform(ctx, "feedback", lambda: record_feedback(Path(ctx.db), key, True, note or None), ctx.t("thanks"))
    if useless.button(ctx.t("not_useful"), key="feedback_useless"):
        perform(ctx, "feedback", lambda: record_feedback(Path(ctx.db), key, False, note or None), ctx.t("thanks"))


def unit_form(ctx: Context) -> None:
    """Add or replace a unit of the directory (admins)."""
    if not ctx.can("units"):
        st.info(refusal(ctx.user, "units", ctx.lang))
        return
    with st.form("unit"):
        unit_id = st.text_input(ctx.t("unit_id"))
        name = st.text_input(ctx.t("unit_name"))
        level = st.selectbox(ctx.t("level"), LEVELS, format_func=lambda v: ctx.t(f"level_{v}"))
        spokesperson = st.text_input(ctx.t("spokesperson"))
        topics = st.text_input(ctx.t("unit_topics"), help=ctx.t("comma_separated"))
        places = st.text_input(ctx.t("unit_places"), help=ctx.t("comma_separated"))
        channels = st.text_area(ctx.t("channels"), help=ctx.t("channels_help"))
        submitted = st.form_submit_button(ctx.t("save"), type="primary")
    if submitted:
        perform(ctx, "units", lambda: add_unit(Path(ctx.db), Unit(
            id=unit_id.strip(), name=name.strip(), level=level, channels=_channels(channels),
            topics=display.split_list(topics), places=display.split_list(places), spokesperson=spokesperson or None,
        )), ctx.t("saved"))


ctx = page_context()
with ctx.reading():
    topics = ctx.topics()
    subs = fetch(ctx.db, queries.subscriptions)
    history = fetch(ctx.db, queries.alert_history, 200)
    units = fetch(ctx.db, queries.units)

st.title(ctx.t("nav_alerts"))
subs_tab, history_tab, units_tab = st.tabs([ctx.t("subscriptions"), ctx.t("alert_history"), ctx.t("directory")])
with subs_tab:
    table(display.subscriptions_display(subs, ctx.lang), ctx, key="subscriptions")
    subscription_form(ctx, subs)
with history_tab:
    table(display.history_display(history, ctx.lang), ctx, key="alert_history")
    feedback_form(ctx, history)
with units_tab:
    table(display.units_display(units, ctx.lang, topics), ctx, key="units")
    unit_form(ctx)
