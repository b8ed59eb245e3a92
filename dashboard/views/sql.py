"""Truy vấn SQL: a read-only console with a schema browser and saved queries; results as CSV or Parquet."""

from __future__ import annotations

import streamlit as st

from dashboard import display
from dashboard.actions import perform, write_with
from dashboard.console import PRIVATE_TABLES
from dashboard.data import console_query, fetch
from dashboard.widgets import page_context
from warehouse import read, users
from warehouse.errors import ReadOnlyViolation

MAX_ROWS = 10_000
EXAMPLE = (
    "SELECT source, count(*) AS n_documents, max(published_at) AS newest\n"
    "FROM documents\nGROUP BY source\nORDER BY n_documents DESC"
)
# Shipped examples, offered next to the queries users saved.
BUILT_IN = {
    "Số bài theo nguồn / Documents per source": EXAMPLE,
    "Tỷ lệ tiêu cực theo chủ đề / Negative share per topic": (
        "SELECT a.topic, count(*) AS n, avg((a.sentiment = 'negative')::INT) AS negative_share\n"
        "FROM annotations a GROUP BY a.topic ORDER BY n DESC"
    ),
    "Câu chuyện lớn nhất / Largest narratives": (
        "SELECT label, n_documents, first_seen, last_seen FROM narratives ORDER BY n_documents DESC LIMIT 50"
    ),
}
RAN_KEY = "sql_ran"
TEXT_KEY = "sql_text"

ctx = page_context()
with ctx.reading():
    columns = fetch(ctx.db, read.schema_columns)
    saved = fetch(ctx.db, users.saved_queries)
# Account tables stay out of the console (see dashboard.console.PRIVATE_TABLES).
columns = columns[~columns["table_name"].isin(PRIVATE_TABLES)]
st.title(ctx.t("nav_sql"))
st.caption(ctx.t("sql_help"))

browser, editor = st.columns([1, 2])
with browser:
    st.subheader(ctx.t("tables_and_columns"))
    tables = sorted(set(columns["table_name"]))
    chosen = st.selectbox(ctx.t("table"), tables, key="schema_table")
    st.dataframe(
        columns[columns["table_name"] == chosen].drop(columns=["table_schema", "table_name"]), hide_index=True,
        width="stretch",
        height=300, key="schema_columns",
    )
    st.subheader(ctx.t("saved_queries"))
    library = {**BUILT_IN, **{f"{r.name} ({r.username})": r.sql for r in saved.itertuples()}}
    picked = st.selectbox(ctx.t("open_saved"), list(library), key="saved_choice")
    if st.button(ctx.t("load"), key="saved_load"):
        st.session_state[TEXT_KEY] = library[picked]

with editor:
    sql = st.text_area(ctx.t("sql_query"), value=EXAMPLE, height=200, key=TEXT_KEY)
    run_col, name_col, save_col = st.columns([1, 2, 1])
    if run_col.button(ctx.t("run"), type="primary", key="sql_run"):
        st.session_state[RAN_KEY] = sql
    name = name_col.text_input(ctx.t("query_name"), key="sql_name", label_visibility="collapsed",
                               placeholder=ctx.t("query_name"))
    if save_col.button(ctx.t("save"), key="sql_save"):
        perform(ctx, "save_query", lambda: write_with(ctx.db, users.save_query, ctx.user.username, name, sql),
                ctx.t("saved"))

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
        st.dataframe(result.frame, hide_index=True, width="stretch", key="sql_result")
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
