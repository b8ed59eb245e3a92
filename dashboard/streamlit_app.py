"""Entry point of the dashboard: language, warehouse check, login, navigation and shared filters."""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from dashboard.actions import show_flash
from dashboard.config import db_path
from dashboard.data import showing_stale_data
from dashboard.display import NARRATIVE_PAGE, POLICY_PAGE, TOPIC_PAGE
from dashboard.i18n import current_lang, tr
from dashboard.login import sidebar_account, signed_in
from dashboard.widgets import guard, language_switch, sidebar_filters
from warehouse.errors import WarehouseLocked, WarehouseMissing

# Not "pages/": a folder of that name puts a fresh Streamlit session in its older pages-directory mode.
VIEWS = Path(__file__).with_name("views")
# (script, label key, icon, url path); the first is the default page.
PAGES = [
    ("overview.py", "nav_overview", "📊", ""),
    ("hotspots.py", "nav_hotspots", "🔥", "hotspots"),
    ("narrative.py", "nav_narrative", "🧵", NARRATIVE_PAGE),
    ("topic.py", "nav_topic", "🏷️", TOPIC_PAGE),
    ("policy.py", "nav_policy", "⚖️", POLICY_PAGE),
    ("search.py", "nav_search", "🔎", "search"),
    ("sources.py", "nav_sources", "📰", "sources"),
    ("alerts.py", "nav_alerts", "🔔", "alerts"),
    ("sql.py", "nav_sql", "🧮", "sql"),
    ("users.py", "nav_users", "👤", "users"),
]

st.set_page_config(page_title=tr("app_title", current_lang(st.session_state)), page_icon="📡", layout="wide")
lang = language_switch()
db = db_path()
showing_stale_data()  # a flag left by an interrupted run must not show on this one
try:
    state = guard(db, lang)
    # Nothing of the warehouse is shown, nor any page listed, before the login.
    user = signed_in(db, lang)
    navigation = st.navigation(
        [
            st.Page(VIEWS / script, title=tr(key, lang), icon=icon, default=not path, url_path=path or None)
            for script, key, icon, path in PAGES
        ]
    )
    st.sidebar.markdown(f"**{tr('app_title', lang)}**")
    sidebar_account(user, lang)
    show_flash()
    sidebar_filters(state, lang)
    navigation.run()
    if showing_stale_data():
        st.sidebar.warning(tr("stale_data", lang))
except WarehouseLocked:
    st.warning(tr("locked_warehouse", lang))
except WarehouseMissing:
    st.info(tr("no_warehouse", lang, path=db))
