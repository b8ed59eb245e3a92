"""Tổng quan: headline counts, volume over time, top and rising topics."""

from __future__ import annotations

import streamlit as st

from dashboard import charts, display, queries
from dashboard.coverage import silent_banner
from dashboard.data import fetch
from dashboard.widgets import chart, page_context, source_volume, table
from warehouse import read

ctx = page_context()
start, end = ctx.window
now = ctx.now
with ctx.reading():
    topics = ctx.topics()
    counts = fetch(ctx.db, read.overview_counts, start, end).iloc[0]
    by_source = source_volume(ctx)
    by_sentiment = fetch(ctx.db, read.volume, start, end, ctx.grain, "sentiment")
    top = fetch(ctx.db, read.top_topics, start, end, 10)
    growth = fetch(ctx.db, read.topic_growth, now, 10)
    turning = fetch(ctx.db, read.negative_shift, now, 10)
    alerts = fetch(ctx.db, read.recent_spikes, start, end, 10)
    best = fetch(ctx.db, read.top_spikes, start, end, 10)
    mainstream = fetch(ctx.db, queries.mainstream_share, start, end).iloc[0]

st.title(ctx.t("nav_overview"))
silent_banner(ctx.db)
c1, c2, c3, c4 = st.columns(4)
c1.metric(ctx.t("documents"), display.format_count(counts["n_documents"], ctx.lang))
c2.metric(ctx.t("sources"), int(counts["n_sources"]))
c3.metric(ctx.t("period"), display.format_period(ctx.start, ctx.end, ctx.lang))
c4.metric(ctx.t("negative_share"), display.format_share(counts["negative_share"]))
m1, m2 = st.columns(2)
m1.metric(
    ctx.t("official_share"), display.format_share(mainstream["official_share"]), help=ctx.t("official_share_help")
)
m2.metric(ctx.t("non_negative_share"), display.format_share(mainstream["non_negative_share"]),
          help=ctx.t("non_negative_share_help"))

left, right = st.columns(2)
with left:
    st.subheader(ctx.t("volume_by_source"))
    st.plotly_chart(
        charts.stacked_volume(by_source, x_title=ctx.t("time"), y_title=ctx.t("count")), key="vol_source"
    )
with right:
    st.subheader(ctx.t("volume_by_sentiment"))
    st.plotly_chart(
        charts.stacked_volume(
            display.by_sentiment(by_sentiment, "key", ctx.lang), colors=display.sentiment_colors(ctx.lang),
            x_title=ctx.t("time"), y_title=ctx.t("count"),
        ),
        key="vol_sentiment",
    )

left, right = st.columns(2)
with left:
    st.subheader(ctx.t("top_topics"))
    chart(
        display.with_labels(top, ctx.lang, topics), ctx, key="top_topics",
        figure=lambda f: charts.horizontal_bars(f, y="topic", x="n_documents", x_title=ctx.t("count"), y_title=""),
    )
with right:
    st.subheader(ctx.t("rising_topics"))
    st.caption(ctx.t("growth_caption", time=display.format_time(now, ctx.lang)))
    table(display.growth_display(growth, ctx.lang, topics), ctx)

left, right = st.columns(2)
with left:
    st.subheader(ctx.t("turning_negative"))
    st.caption(ctx.t("negative_caption", time=display.format_time(now, ctx.lang)))
    table(display.negative_shift_display(turning, ctx.lang, topics), ctx)
with right:
    st.subheader(ctx.t("spikes"))
    recent_tab, best_tab = st.tabs([ctx.t("recent_alerts"), ctx.t("highest_scores")])
    with recent_tab:
        table(display.spikes_display(alerts, ctx.lang, topics), ctx)
    with best_tab:
        table(display.spikes_display(best, ctx.lang, topics), ctx)
