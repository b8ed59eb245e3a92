"""Diễn biến câu chuyện: one narrative's timeline by source kind, tone, sources, places, documents, related ones."""

from __future__ import annotations

import streamlit as st

from dashboard import charts, display, queries
from dashboard.data import fetch
from dashboard.widgets import chart, document_list, page_context, query_choice, sentiment_chart, table
from warehouse import narratives

NARRATIVE_KEY = "narrative"
LISTED = 200

ctx = page_context()
start, end = ctx.window
st.title(ctx.t("nav_narrative"))
with ctx.reading():
    listed = fetch(ctx.db, narratives.list_narratives, start, end, min_documents=1, limit=LISTED)
    labels = dict(zip(listed["id"], listed["label"], strict=True))
    # A link may open a narrative with no document in the chosen dates, or one merged since: offered too.
    asked = st.query_params.get(display.NARRATIVE_PARAM)
    if asked and asked not in labels:
        found = fetch(ctx.db, narratives.narrative_summary, asked)
        if not found.empty:
            labels = {asked: str(found["label"].iloc[0]), **labels}
    if not labels:
        st.info(ctx.t("no_narratives"))
        st.stop()
    chosen = query_choice(
        ctx.t("choose_narrative"), list(labels), key=NARRATIVE_KEY, param=display.NARRATIVE_PARAM,
        format_func=lambda i: labels.get(i, i),
    )
    info = fetch(ctx.db, narratives.narrative_summary, chosen).iloc[0]
    nid = str(info["id"])  # the narrative it lives under now, if it was merged
    grain = display.narrative_grain(info["first_seen"], info["last_seen"])
    timeline = fetch(ctx.db, queries.narrative_volume, nid, grain, "kind")
    mix = fetch(ctx.db, queries.narrative_volume, nid, grain, "sentiment").rename(columns={"key": "sentiment"})
    sources = fetch(ctx.db, queries.narrative_sources, nid)
    places = fetch(ctx.db, queries.narrative_places, nid)
    documents = fetch(ctx.db, narratives.narrative_documents, nid, limit=15)
    related = fetch(ctx.db, narratives.related_narratives, nid, limit=8)
    forecast = fetch(ctx.db, narratives.narrative_forecast, nid)

c1, c2, c3, c4 = st.columns(4)
c1.metric(ctx.t("documents"), display.format_count(info["n_documents"], ctx.lang))
c2.metric(ctx.t("sources"), len(sources))
c3.metric(ctx.t("negative_share"), display.format_share(display.narrative_negativity(info)))
c4.metric(ctx.t("first_seen"), display.format_time(info["first_seen"], ctx.lang))
st.caption(display.narrative_terms(info))

left, right = st.columns(2)
with left:
    st.subheader(ctx.t("timeline_by_kind"))
    chart(
        display.kinds_named(timeline, ctx.lang), ctx, key="narrative_timeline",
        figure=lambda f: charts.stacked_volume(f, x_title=ctx.t("time"), y_title=ctx.t("count")),
    )
with right:
    st.subheader(ctx.t("sentiment_over_time"))
    sentiment_chart(mix, ctx, key="narrative_mix")

left, right = st.columns(2)
with left:
    st.subheader(ctx.t("provinces"))
    chart(
        places, ctx, key="narrative_places",
        figure=lambda f: charts.horizontal_bars(f, y="place", x="n_documents", x_title=ctx.t("count"), y_title=""),
    )
with right:
    st.subheader(ctx.t("forecast"))
    if forecast.empty:
        st.caption(ctx.t("forecast_unavailable"))
    else:
        st.plotly_chart(
            charts.forecast(forecast, name=ctx.t("forecast"), band_name=ctx.t("forecast_band"),
                            x_title=ctx.t("time"), y_title=ctx.t("count")),
            key="narrative_forecast",
        )
        st.caption(ctx.t("forecast_caption", time=display.format_time(forecast["made_at"].iloc[0], ctx.lang),
                         expected=f"{forecast['expected'].sum():.0f}"))

st.subheader(ctx.t("topic_sources"))
table(display.narrative_sources_display(sources, ctx.lang), ctx)

left, right = st.columns(2)
with left:
    st.subheader(ctx.t("legal_refs"))
    table(display.legal_refs_display(info["legal_refs"], ctx.lang), ctx, key="narrative_refs")
with right:
    st.subheader(ctx.t("related_narratives"))
    table(display.related_display(related, ctx.lang), ctx, key="narrative_related")

st.subheader(ctx.t("representative_documents"))
if documents.empty:
    st.info(ctx.t("no_rows"))
else:
    document_list(documents.rename(columns={"time": "published_at"}), ctx)
