"""Chủ đề: one topic's trend with its spikes, its sentiment mix and sample documents."""

from __future__ import annotations

import streamlit as st

from dashboard import charts, display
from dashboard.data import fetch
from dashboard.widgets import document_list, page_context, sentiment_chart, table, topic_choice
from warehouse import read

ctx = page_context()
start, end = ctx.window
st.title(ctx.t("nav_topic"))
with ctx.reading():
    topics = ctx.topics()
    present = fetch(ctx.db, read.topics_present)
    if present.empty:
        st.info(ctx.t("no_topics"))
        st.stop()
    slug = topic_choice(ctx, list(present["topic"]), topics)
    grain = st.radio(
        ctx.t("granularity"), ["hour", "day"], index=0 if ctx.grain == "hour" else 1, horizontal=True,
        format_func=lambda g: ctx.t(f"grain_{g}"), key="topic_grain",
    )
    trend = fetch(ctx.db, read.topic_trend, slug, start, end, grain)
    mix = fetch(ctx.db, read.topic_sentiment, slug, start, end, grain)
    spikes = fetch(ctx.db, read.recent_spikes, start, end, 20, slug)
    samples = fetch(ctx.db, read.sample_documents, slug, start, end, 20)
    where = fetch(ctx.db, read.topic_sources, slug, start, end)
name = display.label(slug, topics)

st.subheader(f"{ctx.t('trend')}: {name}")
st.plotly_chart(
    charts.trend_with_spikes(
        trend, name=name, spike_name=ctx.t("spike"), x_title=ctx.t("time"), y_title=ctx.t("count")
    ),
    key="topic_trend",
)
st.metric(ctx.t("documents"), display.format_count(trend["n_documents"].sum(), ctx.lang))

left, right = st.columns(2)
with left:
    st.subheader(ctx.t("sentiment_mix"))
    sentiment_chart(mix, ctx, key="topic_mix")
with right:
    st.subheader(ctx.t("topic_sources"))
    table(display.topic_sources_display(where, ctx.lang), ctx)

st.subheader(ctx.t("topic_spikes"))
table(display.spikes_display(spikes, ctx.lang, topics), ctx)

st.subheader(ctx.t("sample_documents"))
if samples.empty:
    st.info(ctx.t("no_rows"))
else:
    document_list(samples, ctx)
