"""Điểm nóng: ranked emerging and emerging-negative narratives, who answers for them and why each was flagged."""

from __future__ import annotations

import streamlit as st

from dashboard import display, queries
from dashboard.data import fetch
from dashboard.widgets import narrative_table, page_context

TOP = 20

ctx = page_context()
now = ctx.now
st.title(ctx.t("nav_hotspots"))
st.caption(ctx.t("hotspots_caption", time=display.format_time(now, ctx.lang)))
# One ranking per run (a choice, not two tabs): scoring every active narrative is the page's slow part.
negative = st.radio(
    ctx.t("ranking"), [True, False], key="hot_negative", horizontal=True,
    format_func=lambda n: ctx.t("emerging_negative" if n else "emerging"),
)
score = "negative_score" if negative else "score"
with ctx.reading():
    topics = ctx.topics()
    ranked = fetch(ctx.db, queries.emerging_narratives, now, bool(negative), TOP)
narrative_table(display.hotspots_display(ranked, ctx.lang, topics, score), ctx, key="hotspots")
