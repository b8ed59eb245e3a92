"""Entry point of the dashboard: language, navigation, warehouse check and shared filters."""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from dashboard.config import db_path
from dashboard.data import showing_stale_data
from dashboard.display import TOPIC_PAGE
from dashboard.i18n import current_lang, tr
from dashboard.widgets import guard, language_switch, sidebar_filters
from warehouse.errors import WarehouseLocked, WarehouseMissing

# Not "pages/": a folder of that name puts a fresh Streamlit session in its older pages-directory mode.
VIEWS = Path(__file__).with_name("views")

st.set_page_config(page_title=tr("app_title", current_lang(st.session_state)), page_icon="📡", layout="wide")
lang = language_switch()
navigation = st.navigation(
    [
        st.Page(VIEWS / "overview.py", title=tr("nav_overview", lang), icon="📊", default=True),
        st.Page(VIEWS / "topic.py", title=tr("nav_topic", lang), icon="🏷️", url_path=TOPIC_PAGE),
        st.Page(VIEWS / "search.py", title=tr("nav_search", lang), icon="🔎", url_path="search"),
        st.Page(VIEWS / "sources.py", title=tr("nav_sources", lang), icon="📰", url_path="sources"),
        st.Page(VIEWS / "sql.py", title=tr("nav_sql", lang), icon="🧮", url_path="sql"),
    ]
)
st.sidebar.markdown(f"**{tr('app_title', lang)}**")
db = db_path()
showing_stale_data()  # a flag left by an interrupted run must not show on this one
try:
    sidebar_filters(guard(db, lang), lang)
    navigation.run()
    if showing_stale_data():
        st.sidebar.warning(tr("stale_data", lang))
except WarehouseLocked:
    st.warning(tr("locked_warehouse", lang))
except WarehouseMissing:
    st.info(tr("no_warehouse", lang, path=db))
