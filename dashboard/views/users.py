"""Tài khoản: dashboard accounts and their roles (admins only)."""

from __future__ import annotations

import streamlit as st

from dashboard import display
from dashboard.actions import perform, write_with
from dashboard.auth import hash_password
from dashboard.data import fetch
from dashboard.widgets import page_context, table
from warehouse import users

ctx = page_context()
st.title(ctx.t("nav_users"))
ctx.require("users")
with ctx.reading():
    accounts = fetch(ctx.db, users.list_users)
table(display.users_display(accounts, ctx.lang), ctx, key="accounts")

st.subheader(ctx.t("add_user"))
with st.form("add_user", clear_on_submit=True):
    username = st.text_input(ctx.t("username"), key="new_username")
    name = st.text_input(ctx.t("display_name"), key="new_display_name")
    role = st.selectbox(ctx.t("role"), users.ROLES, key="new_role", format_func=lambda r: ctx.t(f"role_{r}"))
    password = st.text_input(ctx.t("password"), type="password", key="new_password")
    if st.form_submit_button(ctx.t("add_user"), type="primary"):
        perform(ctx, "users", lambda: write_with(
            ctx.db, users.add_user, username.strip().lower(), name.strip(), hash_password(password), role,
        ), ctx.t("saved"))

st.subheader(ctx.t("change_user"))
names = [str(u) for u in accounts["username"]]
if names:
    chosen = st.selectbox(ctx.t("username"), names, key="change_username")
    row = accounts[accounts["username"] == chosen].iloc[0]
    new_role = st.selectbox(ctx.t("role"), users.ROLES, index=users.ROLES.index(str(row["role"])), key="change_role",
                            format_func=lambda r: ctx.t(f"role_{r}"))
    left, right = st.columns(2)
    if left.button(ctx.t("save_role"), key="save_role"):
        perform(ctx, "users", lambda: write_with(ctx.db, users.set_role, chosen, new_role), ctx.t("saved"))
    disabled = bool(row["disabled"])
    if right.button(ctx.t("enable_user" if disabled else "disable_user"), key="toggle_user"):
        if chosen == ctx.user.username and not disabled:
            st.error(ctx.t("cannot_disable_self"))
        else:
            perform(ctx, "users", lambda: write_with(ctx.db, users.set_disabled, chosen, not disabled),
                    ctx.t("saved"))
