"""Debian's headless Chromium as the browser tests and the first-paint benchmark drive it."""

from __future__ import annotations

import os
from pathlib import Path

from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.chrome.webdriver import WebDriver

CHROMIUM = Path(os.environ.get("RADAR_CHROMIUM", "/usr/bin/chromium"))
CHROMEDRIVER = Path(os.environ.get("RADAR_CHROMEDRIVER", "/usr/bin/chromedriver"))
# The machine's network is closed: without the background-networking flags Chromium keeps
# opening connections that are refused, many at a time.
FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-dev-shm-usage",
         "--window-size=1400,1000")


def headless_chrome(profile: Path) -> WebDriver:
    """A headless Chromium with a fresh profile in `profile` and no background traffic."""
    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for flag in (*FLAGS, f"--user-data-dir={profile}"):
        options.add_argument(flag)
    return webdriver.Chrome(service=Service(str(CHROMEDRIVER)), options=options)
