"""Truy vấn SQL: one read-only query at a time against the warehouse, results downloadable as CSV."""

from __future__ import annotations

import streamlit as st

from dashboard import display
from dashboard.data import console_query, fetch
from dashboard.widgets import page_context
from warehouse import read
from warehouse.errors import ReadOnlyViolation

MAX_ROWS = 10_000
EXAMPLE = (
    "SELECT source, count(*) AS n_documents, max(published_at) AS newest\n"
    "FROM documents\nGROUP BY source\nORDER BY n_documents DESC"
)
RAN_KEY = "sql_ran"

ctx = page_context()
columns = fetch(ctx.db, read.schema_columns)
st.title(ctx.t("nav_sql"))
st.caption(ctx.t("sql_help"))
with st.expander(ctx.t("tables_and_columns")):
    st.dataframe(columns, hide_index=True, width="stretch", height=300)

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
        csv, parquet = st.columns(2)
        csv.download_button(
            ctx.t("download_csv"), result.frame.to_csv(index=False).encode("utf-8"),
            file_name="radar-query.csv", mime="text/csv", on_click="ignore", key="sql_csv",
        )
        parquet_file = display.parquet_bytes(result.frame)
        if parquet_file is not None:
            parquet.download_button(
                ctx.t("download_parquet"), parquet_file, file_name="radar-query.parquet",
                mime="application/vnd.apache.parquet", on_click="ignore", key="sql_parquet",
            )
