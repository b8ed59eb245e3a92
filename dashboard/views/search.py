"""Tìm kiếm: keyword search over titles and texts, with source, topic and sentiment filters."""

from __future__ import annotations

import streamlit as st

from dashboard import display
from dashboard.data import fetch
from dashboard.widgets import link_table, page_context
from warehouse import read, search

RESULT_LIMIT = 200
# Titles listed with their matches marked (the table above holds them all).
HIGHLIGHTED = 30

ctx = page_context()
start, end = ctx.window
st.title(ctx.t("nav_search"))
with ctx.reading():
    topics = ctx.topics()
    query = st.text_input(ctx.t("search_query"), key="search_query", help=ctx.t("search_help"))
    fold = st.checkbox(ctx.t("fold_accents"), key="search_fold", help=ctx.t("fold_accents_help"))
    c1, c2, c3 = st.columns(3)
    sources = c1.multiselect(
        ctx.t("filter_sources"), list(fetch(ctx.db, read.source_names)["name"]), key="search_sources"
    )
    chosen_topics = c2.multiselect(
        ctx.t("filter_topics"), list(fetch(ctx.db, read.topics_present)["topic"]), key="search_topics",
        format_func=lambda s: display.label(s, topics),
    )
    sentiments = c3.multiselect(
        ctx.t("filter_sentiments"), list(display.SENTIMENT_ORDER), key="search_sentiments",
        format_func=lambda s: display.sentiment_label(s, ctx.lang),
    )
    request = read.SearchQuery(
        query, start, end, tuple(sources), tuple(chosen_topics), tuple(sentiments), RESULT_LIMIT, fold
    )
    results = fetch(ctx.db, search.search, request)
    indexed: bool = fetch(ctx.db, search.has_search_index)

total = int(results["total"].iloc[0]) if not results.empty else 0
note = f" {ctx.t('showing_first', n=RESULT_LIMIT)}" if total > RESULT_LIMIT else ""
st.markdown(f"**{ctx.t('matches', n=display.format_count(total, ctx.lang))}**{note}")
if indexed and request.terms and not request.fold_accents:
    st.caption(ctx.t("search_index_used"))
if not results.empty:
    link_table(results, ctx, key="search_results")
    export = display.documents_display(results, ctx.lang, topics)
    csv, excel = st.columns(2)
    csv.download_button(
        ctx.t("download_csv"), export.to_csv(index=False).encode("utf-8"),
        file_name="radar-search.csv", mime="text/csv", on_click="ignore", key="search_csv",
    )
    excel.download_button(
        ctx.t("download_excel"), display.excel_bytes(export, ctx.t("title"), request.terms),
        file_name="radar-search.xlsx", on_click="ignore", key="search_xlsx",
        mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    if request.terms:
        st.subheader(ctx.t("highlighted_matches"))
        st.markdown(display.highlighted_lines(results.head(HIGHLIGHTED), request.terms, ctx.lang))
