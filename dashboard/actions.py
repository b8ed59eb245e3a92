"""The dashboard's few writes (feedback, subscriptions, units, accounts, saved queries), each behind a role check."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import duckdb
import streamlit as st

from dashboard.data import clear_cache
from dashboard.login import refusal
from dashboard.widgets import Context
from pipelines.alerts.model import Subscription
from pipelines.alerts.store import SUB_COLUMNS, audit
from warehouse.db import open_writer
from warehouse.errors import WarehouseError, WarehouseLocked

# A click should not hang for the writer's full minute: the analyst can try again.
WRITE_TIMEOUT_S = 10.0
FLASH_KEY = "radar_flash"


def perform(ctx: Context, action: str, write: Callable[[], object], done: str) -> bool:
    """Run `write` if the user's role allows `action`; show the outcome in one line; True when it was done."""
    if not ctx.can(action):
        st.error(refusal(ctx.user, action, ctx.lang))
        return False
    try:
        write()
    except WarehouseLocked:
        st.warning(ctx.t("write_busy"))
        return False
    except (WarehouseError, ValueError, KeyError, duckdb.Error) as exc:
        st.error(ctx.t("write_failed", reason=str(exc).strip("'")))
        return False
    # The writer changed the file: every cached read of this process is out of date, and the page drawn so far
    # shows the old rows, so it is drawn again with the confirmation on top.
    clear_cache()
    st.session_state[FLASH_KEY] = done
    st.rerun()
    return True


def show_flash() -> None:
    """The confirmation of the write the previous run made, once."""
    done = st.session_state.pop(FLASH_KEY, None)
    if done:
        st.toast(str(done), icon="✅")


def write_with(db: str, write: Callable[..., object], *args: object) -> None:
    """`write(con, *args)` on a short write connection (warehouse.users' functions and the like)."""
    with open_writer(Path(db), timeout=WRITE_TIMEOUT_S) as con:
        write(con, *args)


def update_subscription(db: str, sub: Subscription) -> None:
    """Replace a stored subscription's settings (KeyError when there is none with its id)."""
    columns = [c for c in SUB_COLUMNS if c != "id"]
    values = [getattr(sub, c) for c in columns]
    values[columns.index("channels")] = list(sub.channels)
    with open_writer(Path(db), timeout=WRITE_TIMEOUT_S) as con:
        con.execute("BEGIN TRANSACTION")
        found = con.execute(
            f"UPDATE alert_subscriptions SET {', '.join(f'{c} = ?' for c in columns)} WHERE id = ? RETURNING id",
            [*values, sub.id],
        ).fetchall()
        if not found:
            con.execute("ROLLBACK")
            raise KeyError(sub.id)
        audit(con, "edit", f"{sub.who}: {sub.what} {sub.target or ''}".strip(), subscription_id=sub.id)
        con.execute("COMMIT")
