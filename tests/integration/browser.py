"""The dashboard in a real browser: Debian's headless Chromium driven by its ChromeDriver
(Selenium; no browser download), read the way a person sees it: bars, feed, counters."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

import pytest
from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.support.ui import Select

CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--window-size=1400,1100",
]


class Dashboard:
    """One browser on one dashboard page; every method is blocking (run it in a thread)."""

    def __init__(self, url: str) -> None:
        if not (CHROMIUM.exists() and CHROMEDRIVER.exists()):
            pytest.fail(
                "the browser tests need Debian's chromium and chromium-driver (.ci/run installs them)"
            )
        options = webdriver.ChromeOptions()
        options.binary_location = str(CHROMIUM)
        for flag in FLAGS:
            options.add_argument(flag)
        self.profile = tempfile.TemporaryDirectory(prefix="investwire-chromium-")
        options.add_argument(f"--user-data-dir={self.profile.name}")
        self.driver = webdriver.Chrome(service=Service(str(CHROMEDRIVER)), options=options)
        self.driver.get(url)

    def close(self) -> None:
        self.driver.quit()
        self.profile.cleanup()

    def bars(self, level: str) -> dict[str, float]:
        """Region name → bar length (亿元) of the province or city chart, as Chart.js draws it."""
        canvas = "provinces" if level == "province" else "cities"
        labels, values = self.driver.execute_script(
            f"const c = Chart.getChart('{canvas}'); return [c.data.labels, c.data.datasets[0].data];"
        )
        return dict(zip(labels, values, strict=True))

    def feed(self) -> list[dict[str, Any]]:
        """Each feed item: its highlighted evidence, its link and its event id."""
        items: list[dict[str, Any]] = self.driver.execute_script(
            """return [...document.querySelectorAll('#feed li')].map(li => ({
                 event_id: li.dataset.eventId,
                 evidence: li.querySelector('mark').textContent,
                 href: li.querySelector('a').href }));"""
        )
        return items

    def text(self, element_id: str) -> str:
        text: str = self.driver.find_element("id", element_id).text
        return text

    def years(self) -> list[str]:
        return [
            o.get_attribute("value") or "" for o in Select(self.driver.find_element("id", "year")).options
        ]

    def pick(self, picker: str, value: str) -> None:
        Select(self.driver.find_element("id", picker)).select_by_value(value)

    def screenshot(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.driver.save_screenshot(str(path))
