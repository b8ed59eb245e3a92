"""Truy vấn SQL: one read-only query at a time against the warehouse, results downloadable as CSV."""

from __future__ import annotations

import streamlit as st

from dashboard.data import console_query
from dashboard.widgets import page_context
from warehouse.errors import ReadOnlyViolation

MAX_ROWS = 10_000
EXAMPLE = (
    "SELECT source, count(*) AS n_documents, max(published_at) AS newest\n"
    "FROM documents\nGROUP BY source\nORDER BY n_documents DESC"
)
RAN_KEY = "sql_ran"

ctx = page_context()
st.title(ctx.t("nav_sql"))
st.caption(ctx.t("sql_help"))

sql = st.text_area(ctx.t("sql_query"), value=EXAMPLE, height=160, key="sql_text")
if st.button(ctx.t("run"), type="primary", key="sql_run"):
    st.session_state[RAN_KEY] = sql
# The query that ran is kept so that the result survives reruns (such as the CSV download).
ran = st.session_state.get(RAN_KEY)
if ran:
    try:
        result = console_query(ctx.db, ran, MAX_ROWS)
    except ReadOnlyViolation as exc:
        st.error(ctx.t("sql_error", reason=str(exc)))
    else:
        st.caption(ctx.t("rows", n=len(result.frame)))
        if result.truncated:
            st.warning(ctx.t("truncated", n=MAX_ROWS))
        st.dataframe(result.frame, hide_index=True, width="stretch")
        st.download_button(
            ctx.t("download_csv"), result.frame.to_csv(index=False).encode("utf-8"),
            file_name="radar-query.csv", mime="text/csv", on_click="ignore",
        )
