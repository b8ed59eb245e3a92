"""Nguồn: the registered sources with their volume and tone, the coverage ledger, volume over time per source."""

from __future__ import annotations

import streamlit as st

from dashboard import charts, display
from dashboard.coverage import ledger_section
from dashboard.data import fetch
from dashboard.widgets import page_context, source_volume, table
from warehouse import read

ctx = page_context()
start, end = ctx.window
with ctx.reading():
    overview = fetch(ctx.db, read.sources_overview, start, end)
    by_source = source_volume(ctx)

st.title(ctx.t("nav_sources"))
st.subheader(ctx.t("registered_sources"))
table(display.sources_display(overview, ctx.lang), ctx)
ledger_section(ctx.db, ctx.lang)

left, right = st.columns(2)
with left:
    st.subheader(ctx.t("volume_per_source"))
    st.plotly_chart(
        charts.horizontal_bars(
            overview.head(20), y="name", x="n_documents", x_title=ctx.t("count"), y_title=""
        ),
        key="source_bars",
    )
with right:
    st.subheader(ctx.t("volume_by_source"))
    st.plotly_chart(
        charts.stacked_volume(by_source, x_title=ctx.t("time"), y_title=ctx.t("count")), key="source_volume"
    )
