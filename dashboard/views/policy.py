"""Chính sách: per legal reference, coverage over time, tone, the concerns of negative documents, before and after."""

from __future__ import annotations

import streamlit as st

from dashboard import charts, display, queries
from dashboard.data import fetch
from dashboard.widgets import chart, document_list, page_context, query_choice, table

POLICY_KEY = "legal_ref"

ctx = page_context()
start, end = ctx.window
st.title(ctx.t("nav_policy"))
with ctx.reading():
    refs = fetch(ctx.db, queries.legal_refs_in, start, end, 100)
    if refs.empty:
        st.info(ctx.t("no_legal_refs"))
        st.stop()
    counts = dict(zip(refs["legal_ref"], refs["n_documents"], strict=True))
    ref = query_choice(
        ctx.t("choose_legal_ref"), list(counts), key=POLICY_KEY, param=display.POLICY_PARAM,
        format_func=lambda r: f"{r} ({counts.get(r, 0)})",
    )
    coverage = fetch(ctx.db, queries.legal_ref_coverage, ref, "day")
    concerns = fetch(ctx.db, queries.legal_ref_concerns, ref)
    documents = fetch(ctx.db, queries.legal_ref_documents, ref)

effective = display.effective_date(ref)
c1, c2, c3 = st.columns(3)
c1.metric(ctx.t("documents"), display.format_count(coverage["n_documents"].sum(), ctx.lang))
c2.metric(ctx.t("negative_share"), display.format_share(display.negative_share(coverage)))
c3.metric(ctx.t("effective_date"), display.format_day(effective, ctx.lang) if effective else "–")

left, right = st.columns(2)
with left:
    st.subheader(ctx.t("coverage_over_time"))
    chart(
        display.by_sentiment(coverage, "sentiment", ctx.lang).rename(columns={"sentiment": "key"}), ctx,
        key="policy_coverage",
        figure=lambda f: charts.stacked_volume(
            f, colors=display.sentiment_colors(ctx.lang), x_title=ctx.t("time"), y_title=ctx.t("count")
        ),
    )
with right:
    st.subheader(ctx.t("main_concerns"))
    st.caption(ctx.t("main_concerns_caption"))
    chart(
        concerns, ctx, key="policy_concerns",
        figure=lambda f: charts.horizontal_bars(f, y="key_term", x="n_documents", x_title=ctx.t("count"), y_title=""),
    )

st.subheader(ctx.t("before_after"))
if effective is None:
    st.info(ctx.t("no_effective_date"))
else:
    table(display.before_after(coverage, effective, ctx.lang), ctx, key="policy_before_after")

st.subheader(ctx.t("sample_documents"))
if documents.empty:
    st.info(ctx.t("no_rows"))
else:
    document_list(documents, ctx)
