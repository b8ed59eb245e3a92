"""Nguồn: the registered sources with their volume and tone, and volume over time per source."""

from __future__ import annotations

import streamlit as st

from dashboard import charts, display
from dashboard.data import fetch
from dashboard.widgets import page_context, source_volume_chart
from warehouse import read

ctx = page_context()
start, end = ctx.window
st.title(ctx.t("nav_sources"))

overview = fetch(ctx.db, read.sources_overview, start, end)
st.subheader(ctx.t("registered_sources"))
st.dataframe(display.sources_display(overview, ctx.lang), hide_index=True, width="stretch")

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
    source_volume_chart(ctx, key="source_volume")
