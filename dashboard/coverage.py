"""Coverage ledger on the dashboard: the per-source health table and the silent-sources banner."""

from __future__ import annotations

import duckdb
import pandas as pd
import streamlit as st

from dashboard import data
from dashboard.data import CACHE_TTL_SECONDS, data_version
from warehouse.db import open_reader
from warehouse.errors import WarehouseLocked, WarehouseMissing
from warehouse.ledger import source_status

STATE_LABELS = {
    "silent": {"vi": "im lặng", "en": "silent"},
    "failing": {"vi": "lỗi", "en": "failing"},
    "ok": {"vi": "ổn", "en": "ok"},
    "no-rhythm": {"vi": "ít dữ liệu", "en": "too few items"},
    "paused": {"vi": "tạm dừng", "en": "paused"},
}
COLUMNS = {
    "source": {"vi": "Nguồn", "en": "Source"},
    "state": {"vi": "Tình trạng", "en": "State"},
    "last_success": {"vi": "Thành công cuối", "en": "Last success"},
    "items_per_day": {"vi": "Tin/ngày (7 ngày)", "en": "Items/day (7 days)"},
    "error_rate": {"vi": "Tỉ lệ lỗi", "en": "Error rate"},
    "hours_since_item": {"vi": "Giờ từ tin cuối", "en": "Hours since last item"},
    "threshold_hours": {"vi": "Ngưỡng im lặng (giờ)", "en": "Silence threshold (h)"},
}
TEXT = {
    "ledger": {"vi": "Sổ theo dõi nguồn", "en": "Coverage ledger"},
    "rule": {
        "vi": "Im lặng: thời gian từ tin cuối vượt max(3 × khoảng cách trung vị giữa các tin trong 14 ngày, 6 giờ).",
        "en": "Silent: time since the last item exceeds max(3 × the median gap between items over 14 days, 6 h).",
    },
    "unavailable": {"vi": "Chưa đọc được sổ theo dõi nguồn.", "en": "The coverage ledger cannot be read now."},
}


@st.cache_data(ttl=CACHE_TTL_SECONDS, max_entries=50, show_spinner=False)
def _status(db: str, version: tuple[int, int]) -> pd.DataFrame:
    # Looked up at each read: the page's wait for the writer is a setting of dashboard.data.
    with open_reader(db, timeout=data.READ_TIMEOUT_S) as con:
        # A warehouse not yet migrated to the ledger (read-only here, so not migrated by us).
        if not con.execute("SELECT count(*) FROM duckdb_tables() WHERE table_name = 'source_health'").fetchone()[0]:  # type: ignore[index]
            return pd.DataFrame()
        return source_status(con)


def ledger(db: str) -> pd.DataFrame | None:
    """The ledger of every source, or None while it cannot be read (writer busy, no warehouse)."""
    try:
        return _status(db, data_version(db))
    except (WarehouseLocked, WarehouseMissing, duckdb.Error):
        return None


def ledger_display(frame: pd.DataFrame, lang: str) -> pd.DataFrame:
    """Ledger rows ready to show: states in words, rates as percentages, times to the minute."""
    out = frame[list(COLUMNS)].copy()
    out["state"] = out["state"].map(lambda s: STATE_LABELS.get(s, {}).get(lang, s))
    out["error_rate"] = out["error_rate"].map(lambda r: "–" if pd.isna(r) else f"{r:.0%}")
    out["last_success"] = out["last_success"].map(lambda t: "–" if pd.isna(t) else str(t)[:16])
    out["items_per_day"] = out["items_per_day"].round(1)
    return out.rename(columns={k: v[lang] for k, v in COLUMNS.items()})


def silent_banner(db: str) -> None:
    """A warning naming the silent sources, when there are any."""
    frame = ledger(db)
    if frame is None or frame.empty:
        return
    names = frame.loc[frame["silent"], "source"].tolist()
    if names:
        shown = ", ".join(names[:8]) + (" …" if len(names) > 8 else "")
        st.warning(f"{len(names)} nguồn im lặng / {len(names)} sources silent: {shown}")


def ledger_section(db: str, lang: str) -> None:
    """The ledger table with its rule, silent and failing sources first."""
    st.subheader(TEXT["ledger"][lang])
    st.caption(TEXT["rule"][lang])
    frame = ledger(db)
    if frame is None:
        st.info(TEXT["unavailable"][lang])
        return
    silent_banner(db)
    if not frame.empty:
        st.dataframe(ledger_display(frame, lang), hide_index=True, width="stretch")
