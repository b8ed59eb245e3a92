"""The login form, the signed-in user kept in the session, logout, and the refusal of a missing role."""

from __future__ import annotations

from dataclasses import dataclass

import streamlit as st

from dashboard.auth import PERMISSIONS, authenticate, can
from dashboard.data import fetch
from dashboard.i18n import tr
from warehouse import users
from warehouse.errors import WarehouseLocked

USER_KEY = "radar_user"
NOTICE_KEY = "radar_login_notice"


@dataclass(frozen=True)
class User:
    """The signed-in user as the pages see it (never the password hash)."""

    username: str
    display_name: str
    role: str

    def can(self, action: str) -> bool:
        """Whether this user's role allows `action` (see dashboard.auth.PERMISSIONS)."""
        return can(self.role, action)


def _stored(db: str, username: str) -> User | None:
    """The account as it is now (role changes and disabling apply on the next click), None if gone or disabled."""
    listed = fetch(db, users.list_users)
    row = listed[listed["username"] == username]
    if row.empty or bool(row["disabled"].iloc[0]):
        return None
    return User(username, str(row["display_name"].iloc[0]), str(row["role"].iloc[0]))


def signed_in(db: str, lang: str) -> User:
    """The signed-in user; otherwise the login form is shown and the run stops."""
    username = st.session_state.get(USER_KEY)
    if username:
        user = _stored(db, str(username))
        if user is not None:
            return user
        st.session_state.pop(USER_KEY, None)
        st.session_state[NOTICE_KEY] = "login_revoked"
    _login_form(db, lang)
    st.stop()
    raise AssertionError("unreachable")  # st.stop raises; this keeps type checkers content


def _login_form(db: str, lang: str) -> None:
    st.title(tr("app_title", lang))
    st.subheader(tr("login_title", lang))
    notice = st.session_state.pop(NOTICE_KEY, None)
    if notice:
        st.warning(tr(notice, lang))
    if fetch(db, users.list_users).empty:
        st.info(tr("no_accounts", lang))
        return
    with st.form("login"):
        username = st.text_input(tr("username", lang), key="login_user")
        password = st.text_input(tr("password", lang), type="password", key="login_password")
        submitted = st.form_submit_button(tr("login", lang), type="primary")
    if not submitted:
        return
    try:
        account = authenticate(db, username, password)
    except WarehouseLocked:
        st.warning(tr("locked_warehouse", lang))
        return
    if account is None:
        st.error(tr("login_failed", lang))
        return
    st.session_state[USER_KEY] = account.username
    st.rerun()


def sidebar_account(user: User, lang: str) -> None:
    """Who is signed in, with which role, and the logout button."""
    st.sidebar.caption(tr("signed_in_as", lang, name=user.display_name, role=tr(f"role_{user.role}", lang)))
    if st.sidebar.button(tr("logout", lang), key="logout"):
        st.session_state.pop(USER_KEY, None)
        st.rerun()


def refusal(user: User, action: str, lang: str) -> str:
    """The one-line refusal of an action the user's role does not allow."""
    return tr("refused", lang, role=tr(f"role_{user.role}", lang), needed=tr(f"role_{PERMISSIONS[action]}", lang))


def require(user: User, action: str, lang: str) -> None:
    """Stop the page with a clear refusal unless the user's role allows `action`."""
    if not user.can(action):
        st.error(refusal(user, action, lang))
        st.stop()
