"""Accounts and roles: the login, `radar users`, and each role's reach on every page that writes."""

from __future__ import annotations

import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from dashboard.auth import authenticate, can, ensure_admin
from dashboard.console import run_isolated
from tests.dashboard.conftest import PAGES
from tests.dashboard.corpus import ALERT_KEY, PASSWORD, USERS
from warehouse.db import open_reader, open_writer
from warehouse.errors import ReadOnlyViolation
from warehouse.users import list_users, set_disabled

MakeApp = Callable[..., AppTest]
ROOT = Path(__file__).resolve().parents[2]
BY_ROLE = {role: user for user, role in USERS.items()}
REFUSED = "Không được phép"


@pytest.fixture()
def own_db(corpus_db: Path, tmp_path: Path) -> Path:
    """A copy of the corpus warehouse this test may write to."""
    return Path(shutil.copy(corpus_db, tmp_path / "radar.duckdb"))


def texts(elements: object) -> list[str]:
    """The values of a list of text elements."""
    return [str(e.value) for e in elements]  # type: ignore[attr-defined]


def button(at: AppTest, label: str) -> object:
    """The only button (form submit buttons included) with this label."""
    found = [b for b in at.button if b.label == label]
    assert len(found) == 1, [b.label for b in at.button]
    return found[0]


def test_roles_allow_what_the_lower_roles_allow() -> None:
    assert can("viewer", "read") and not can("viewer", "feedback") and not can("viewer", "users")
    assert can("analyst", "feedback") and can("analyst", "subscriptions") and not can("analyst", "units")
    assert all(can("admin", a) for a in ("read", "feedback", "subscriptions", "units", "users", "sources"))
    assert not can(None, "read") and not can("boss", "read") and not can("admin", "unknown")


def test_nothing_shows_before_the_login(app: MakeApp, corpus_db: Path) -> None:
    at = app(corpus_db, user=None)
    assert not at.exception
    assert texts(at.title) == ["Radar Truyền thông Chính sách"]
    assert not at.metric and not at.dataframe  # no warehouse figure before signing in
    at.text_input(key="login_user").input(BY_ROLE["viewer"])
    at.text_input(key="login_password").input("sai-mat-khau")
    button(at, "Đăng nhập").click().run()  # type: ignore[attr-defined]
    assert "Sai tên đăng nhập" in at.error[0].value
    at.text_input(key="login_password").input(PASSWORD)
    button(at, "Đăng nhập").click().run()  # type: ignore[attr-defined]
    assert not at.exception
    assert texts(at.title) == ["Tổng quan"]
    assert any("người xem" in c for c in texts(at.sidebar.caption))
    button(at, "Đăng xuất").click().run()  # type: ignore[attr-defined]
    assert not at.metric and "Đăng nhập" in texts(at.subheader)


def test_a_disabled_account_is_signed_out_at_its_next_click(app: MakeApp, own_db: Path) -> None:
    at = app(own_db, user=BY_ROLE["analyst"])
    assert texts(at.title) == ["Tổng quan"]
    with open_writer(own_db) as con:
        set_disabled(con, BY_ROLE["analyst"])
    at.run()
    assert not at.metric
    assert "bị khóa" in at.warning[0].value
    assert authenticate(own_db, BY_ROLE["analyst"], PASSWORD) is None
    assert authenticate(own_db, BY_ROLE["viewer"], PASSWORD) is not None


@pytest.mark.parametrize("role", ["viewer", "analyst", "admin"])
@pytest.mark.parametrize("page", PAGES)
def test_every_page_renders_for_every_role(app: MakeApp, corpus_db: Path, page: str, role: str) -> None:
    at = app(corpus_db, user=BY_ROLE[role]).switch_page(page).run()
    assert not at.exception
    assert len(at.title) == 1
    refused = [e for e in texts(at.error) if REFUSED in e]
    assert bool(refused) == (page == "views/users.py" and role != "admin")


def test_a_viewer_reads_alerts_but_is_refused_every_write(app: MakeApp, corpus_db: Path) -> None:
    at = app(corpus_db, user=BY_ROLE["viewer"]).switch_page("views/alerts.py").run()
    assert not at.exception
    assert "Cảnh báo: ùn tắc giao thông" in set(at.dataframe[1].value["Tiêu đề"])  # the history is readable
    refusals = [i for i in texts(at.info) if REFUSED in i]
    assert len(refusals) == 3  # subscriptions, feedback, units
    assert not [b for b in at.button if b.label in ("Lưu", "👍 Hữu ích")]
    users_page = at.switch_page("views/users.py").run()
    assert not users_page.dataframe and REFUSED in users_page.error[0].value


def test_an_analyst_subscribes_and_gives_feedback_but_cannot_edit_units(app: MakeApp, own_db: Path) -> None:
    at = app(own_db, user=BY_ROLE["analyst"]).switch_page("views/alerts.py").run()
    assert [i for i in texts(at.info) if REFUSED in i] == [
        "Không được phép: vai trò chuyên viên phân tích không thực hiện được thao tác này (cần vai trò quản trị viên)."
    ]
    [target] = [t for t in at.text_input if t.label == "Đối tượng"]
    target.input("ha-noi")
    [what] = [s for s in at.selectbox if s.label == "Theo dõi"]
    what.set_value("place")
    [channels] = [t for t in at.text_area if t.label == "Kênh nhận (mỗi dòng một URL)"]
    channels.input("json://localhost/hook")
    [save] = [b for b in at.button if b.label == "Lưu"]
    save.click().run()
    assert not at.exception and not at.error, texts(at.error)
    subs = at.dataframe[0].value
    assert "ha-noi" in set(subs["Đối tượng"])
    button(at, "👍 Hữu ích").click().run()  # type: ignore[attr-defined]
    assert not at.error, texts(at.error)
    with open_reader(own_db) as con:
        assert con.execute("SELECT useful FROM alert_feedback WHERE key = ?", [ALERT_KEY]).fetchall() == [(True,)]
        assert con.execute("SELECT count(*) FROM alert_subscriptions WHERE target = 'ha-noi'").fetchone() == (1,)


def test_an_analyst_pauses_a_subscription(app: MakeApp, own_db: Path) -> None:
    at = app(own_db, user=BY_ROLE["analyst"]).switch_page("views/alerts.py").run()
    at.selectbox(key="sub_choice").set_value("sub-1").run()
    [paused] = [c for c in at.checkbox if c.label == "Tạm dừng"]
    paused.check()
    [save] = [b for b in at.button if b.label == "Lưu"]
    save.click().run()
    assert not at.error, texts(at.error)
    with open_reader(own_db) as con:
        assert con.execute("SELECT paused, target FROM alert_subscriptions WHERE id = 'sub-1'").fetchone() == (
            True, "giao-thong")


def test_an_admin_adds_and_disables_an_account(app: MakeApp, own_db: Path) -> None:
    at = app(own_db, user=BY_ROLE["admin"]).switch_page("views/users.py").run()
    at.text_input(key="new_username").input("lan")
    at.text_input(key="new_display_name").input("Chị Lan")
    at.selectbox(key="new_role").set_value("analyst")
    at.text_input(key="new_password").input("mat-khau-cua-lan")
    button(at, "Thêm tài khoản").click().run()  # type: ignore[attr-defined]
    assert not at.error, texts(at.error)
    assert authenticate(own_db, "lan", "mat-khau-cua-lan") is not None
    at.selectbox(key="change_username").set_value("lan").run()
    button(at, "Khóa tài khoản").click().run()  # type: ignore[attr-defined]
    assert authenticate(own_db, "lan", "mat-khau-cua-lan") is None


def test_the_console_refuses_the_account_tables(corpus_db: Path) -> None:
    for sql in ("SELECT * FROM users", "SELECT * FROM query('SELECT password_hash FROM Users')",
                "SUMMARIZE saved_queries"):
        with pytest.raises(ReadOnlyViolation, match="account tables"):
            run_isolated(str(corpus_db), sql, 10)


def radar(*args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    """Run the radar command."""
    return subprocess.run([sys.executable, "-m", "pipelines.cli", *args], input=stdin, capture_output=True,
                          text=True, cwd=ROOT, timeout=120, check=False)


def test_radar_users_add_list_disable(tmp_path: Path) -> None:
    db = str(tmp_path / "radar.duckdb")
    added = radar("users", "add", "minh", "--role", "analyst", "--name", "Anh Minh", "--password-stdin", "--db", db,
                  stdin="mat-khau-cua-minh\n")
    assert added.returncode == 0, added.stderr
    listed = radar("users", "list", "--db", db, "--format", "json")
    assert '"username": "minh"' in listed.stdout and '"role": "analyst"' in listed.stdout
    assert "mat-khau" not in listed.stdout and "argon2" not in listed.stdout
    assert authenticate(db, "minh", "mat-khau-cua-minh") is not None
    assert radar("users", "disable", "minh", "--db", db).returncode == 0
    assert authenticate(db, "minh", "mat-khau-cua-minh") is None
    for args, stdin, message in (
        (("users", "add", "minh", "--role", "viewer", "--password-stdin"), "mat-khau-khac\n", "already exists"),
        (("users", "add", "x y", "--role", "viewer", "--password-stdin"), "mat-khau-khac\n", "invalid username"),
        (("users", "add", "hoa", "--role", "viewer", "--password-stdin"), "ngan\n", "too short"),
        (("users", "disable", "ai-do"), "", "no user"),
    ):
        refused = radar(*args, "--db", db, stdin=stdin)
        assert refused.returncode == 2 and message in refused.stderr and "Traceback" not in refused.stderr


def test_the_demo_admin_is_created_once(tmp_path: Path) -> None:
    db = tmp_path / "radar.duckdb"
    password = ensure_admin(db, None)
    assert password and authenticate(db, "admin", password) is not None
    assert ensure_admin(db, "another-password") is None  # an admin exists: nothing changes
    with open_reader(db) as con:
        assert list(list_users(con)["username"]) == ["admin"]


def test_a_viewer_cannot_save_a_query_an_analyst_can(app: MakeApp, own_db: Path) -> None:
    viewer = app(own_db, user=BY_ROLE["viewer"]).switch_page("views/sql.py").run()
    viewer.text_input(key="sql_name").input("của tôi")
    viewer.button(key="sql_save").click().run()
    assert REFUSED in viewer.error[0].value
    analyst = app(own_db, user=BY_ROLE["analyst"]).switch_page("views/sql.py").run()
    analyst.text_input(key="sql_name").input("đếm bài")
    analyst.text_area(key="sql_text").input("SELECT count(*) FROM documents")
    analyst.button(key="sql_save").click().run()
    assert not analyst.error
    assert "đếm bài (phantich)" in analyst.selectbox(key="saved_choice").options
