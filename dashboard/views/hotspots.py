"""Điểm nóng: ranked emerging and emerging-negative narratives, who answers for them and why each was flagged."""

from __future__ import annotations

import streamlit as st

from dashboard import display, queries
from dashboard.data import fetch
from dashboard.widgets import narrative_table, page_context

TOP = 20

ctx = page_context()
now = ctx.now
with ctx.reading():
    topics = ctx.topics()
    negative = fetch(ctx.db, queries.emerging_narratives, now, True, TOP)
    emerging = fetch(ctx.db, queries.emerging_narratives, now, False, TOP)

st.title(ctx.t("nav_hotspots"))
st.caption(ctx.t("hotspots_caption", time=display.format_time(now, ctx.lang)))
negative_tab, emerging_tab = st.tabs([ctx.t("emerging_negative"), ctx.t("emerging")])
with negative_tab:
    narrative_table(display.hotspots_display(negative, ctx.lang, topics, "negative_score"), ctx, key="hot_negative")
with emerging_tab:
    narrative_table(display.hotspots_display(emerging, ctx.lang, topics, "score"), ctx, key="hot_emerging")
