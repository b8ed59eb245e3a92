"""The served dashboard in a real headless Chromium: log in, open every page, look for errors, take screenshots."""

from __future__ import annotations

import json
import os
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.dashboard.corpus import PASSWORD, USERS, build_warehouse
from tests.dashboard.serving import free_port, serving
from tests.e2e.chrome import CHROMEDRIVER, CHROMIUM, headless_chrome

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]
ARTEFACTS = Path(os.environ.get("RADAR_E2E_ARTEFACTS", ROOT / "build" / "e2e-screenshots"))
ADMIN = next(u for u, role in USERS.items() if role == "admin")
VIEWER = next(u for u, role in USERS.items() if role == "viewer")
# url path, heading, an element every such page shows (data-testid).
PAGES = [
    ("", "Tổng quan", "stMetric"),
    ("hotspots", "Điểm nóng", "stDataFrame"),
    ("narrative", "Diễn biến câu chuyện", "stMetric"),
    ("topic", "Chủ đề", "stSelectbox"),
    ("policy", "Chính sách", "stMetric"),
    ("search", "Tìm kiếm", "stTextInput"),
    ("sources", "Nguồn", "stDataFrame"),
    ("alerts", "Cảnh báo", "stTabs"),
    ("sql", "Truy vấn SQL", "stTextArea"),
    ("users", "Tài khoản", "stDataFrame"),
]
# Words that only show when something broke (Streamlit's exception box shows the first two).
ERROR_TEXT = ("Traceback", "Error", "Exception")
WAIT_S = 30

if not (CHROMIUM.exists() and CHROMEDRIVER.exists()):
    pytest.skip(f"no {CHROMIUM} and {CHROMEDRIVER}: install Debian's chromium and chromium-driver",
                allow_module_level=True)

from selenium.common.exceptions import StaleElementReferenceException  # noqa: E402
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.common.keys import Keys  # noqa: E402
from selenium.webdriver.remote.webdriver import WebDriver  # noqa: E402
from selenium.webdriver.support import expected_conditions as ec  # noqa: E402
from selenium.webdriver.support.ui import WebDriverWait  # noqa: E402


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """`radar dashboard` on a small test warehouse with one account per role; yields its address."""
    folder = tmp_path_factory.mktemp("e2e")
    db = build_warehouse(folder / "radar.duckdb")
    port = free_port()
    url = f"http://localhost:{port}"
    command = [sys.executable, "-m", "pipelines.cli", "dashboard", "--db", str(db), "--port", str(port), "--no-browser"]
    with serving(command, url, folder / "dashboard.log", cwd=ROOT):
        yield url


@pytest.fixture()
def browser(tmp_path: Path) -> Iterator[WebDriver]:
    """Headless Chromium with a fresh profile, no background traffic."""
    driver = headless_chrome(tmp_path / "profile")
    try:
        yield driver
    finally:
        driver.quit()


def wait(driver: WebDriver) -> WebDriverWait[WebDriver]:
    """A wait that retries through elements Streamlit replaced while it looked (a rerun redraws them)."""
    return WebDriverWait(driver, WAIT_S, ignored_exceptions=(StaleElementReferenceException,))


def body_text(driver: WebDriver) -> str:
    """The page's visible text, read again if Streamlit redraws the page meanwhile."""
    for _ in range(5):
        try:
            return str(driver.find_element(By.TAG_NAME, "body").text)
        except StaleElementReferenceException:
            time.sleep(0.2)
    return str(driver.find_element(By.TAG_NAME, "body").text)


def wait_idle(driver: WebDriver) -> None:
    """Until the script run is over (Streamlit's "running" widget gone) and the page has settled."""
    time.sleep(0.3)
    wait(driver).until(
        lambda d: not d.find_elements(By.CSS_SELECTOR, '[data-testid="stStatusWidget"]')
    )
    time.sleep(0.3)


def heading(driver: WebDriver, text: str) -> None:
    """Wait for the page's main heading to read `text`."""
    wait(driver).until(
        lambda d: any(h.text.strip() == text for h in d.find_elements(By.CSS_SELECTOR, "h1"))
    )


def log_in(driver: WebDriver, url: str, username: str, screenshot: Path | None = None) -> float:
    """Sign in through the form; return seconds from the address being opened to the form being shown."""
    started = time.monotonic()
    driver.get(url)
    user_box = wait(driver).until(
        ec.presence_of_element_located((By.CSS_SELECTOR, 'input[aria-label="Tên đăng nhập"]'))
    )
    painted = time.monotonic() - started
    if screenshot is not None:
        driver.save_screenshot(str(screenshot))
    user_box.send_keys(username)
    driver.find_element(By.CSS_SELECTOR, 'input[aria-label="Mật khẩu"]').send_keys(PASSWORD + Keys.ENTER)
    wait(driver).until(
        ec.presence_of_element_located((By.CSS_SELECTOR, '[data-testid="stSidebarNav"]'))
    )
    return painted


def open_page(driver: WebDriver, path: str) -> None:
    """Follow the sidebar link to a page (a new address would start a new, signed-out session)."""
    links = driver.find_elements(By.CSS_SELECTOR, '[data-testid="stSidebarNav"] a')
    target = [a for a in links if (a.get_attribute("href") or "").rstrip("/").rsplit("/", 1)[-1] == path]
    if not path:
        target = links[:1]
    assert target, [a.get_attribute("href") for a in links]
    target[0].click()


def no_error_text(driver: WebDriver) -> None:
    """No exception box and no error words anywhere in the page."""
    assert not driver.find_elements(By.CSS_SELECTOR, '[data-testid="stException"]')
    body = body_text(driver)
    assert not [w for w in ERROR_TEXT if w in body], body[:2000]


def test_every_page_in_a_real_browser(served: str, browser: WebDriver) -> None:
    ARTEFACTS.mkdir(parents=True, exist_ok=True)
    login = log_in(browser, served, ADMIN, screenshot=ARTEFACTS / "login.png")
    timings: dict[str, float] = {"login form, fresh server": round(login, 3)}
    for index, (path, title, element) in enumerate(PAGES):
        started = time.monotonic()
        open_page(browser, path)
        heading(browser, title)
        wait(browser).until(
            ec.presence_of_element_located((By.CSS_SELECTOR, f'[data-testid="{element}"]'))
        )
        timings[title] = round(time.monotonic() - started, 3)  # first paint: click to heading and key element
        wait_idle(browser)
        no_error_text(browser)
        browser.save_screenshot(str(ARTEFACTS / f"{index:02d}-{path or 'overview'}.png"))
    (ARTEFACTS / "first-paint.json").write_text(json.dumps(timings, ensure_ascii=False, indent=1), encoding="utf-8")
    assert max(timings.values()) < 10, timings


def test_a_viewer_is_refused_the_accounts_page(served: str, browser: WebDriver) -> None:
    warm = log_in(browser, served, VIEWER)
    # The first session of a fresh server also pays its Python imports; this one shows the usual wait.
    timings = ARTEFACTS / "first-paint.json"
    if timings.exists():
        recorded = json.loads(timings.read_text(encoding="utf-8"))
        recorded["login form, warm server"] = round(warm, 3)
        timings.write_text(json.dumps(recorded, ensure_ascii=False, indent=1), encoding="utf-8")
    open_page(browser, "users")
    heading(browser, "Tài khoản")
    wait(browser).until(ec.presence_of_element_located((By.CSS_SELECTOR, '[data-testid="stAlert"]')))
    wait_idle(browser)
    assert "Không được phép" in body_text(browser)
    assert not browser.find_elements(By.CSS_SELECTOR, '[data-testid="stDataFrame"]')
    browser.save_screenshot(str(ARTEFACTS / "viewer-refused.png"))


def test_a_wrong_password_is_refused(served: str, browser: WebDriver) -> None:
    browser.get(served)
    wait(browser).until(
        ec.presence_of_element_located((By.CSS_SELECTOR, 'input[aria-label="Tên đăng nhập"]'))
    ).send_keys(ADMIN)
    browser.find_element(By.CSS_SELECTOR, 'input[aria-label="Mật khẩu"]').send_keys("sai-mat-khau" + Keys.ENTER)
    wait(browser).until(lambda d: "Sai tên đăng nhập" in body_text(d))
    assert not browser.find_elements(By.CSS_SELECTOR, '[data-testid="stSidebarNav"]')
