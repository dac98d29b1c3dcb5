"""The HTML comparison table in a real headless Chromium: it loads cleanly, filters, sorts,
shows quotes on demand, and the hostile ``<script>`` in the data never runs.

Needs Debian's ``chromium`` and ``chromedriver`` (no browser download: selenium is
pointed at the system driver and runs offline). Skipped only when Chromium is absent.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from claimdiff.export import Format, View, export, table_rows
from claimdiff.model import Report

CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = shutil.which("chromedriver") or "/usr/bin/chromedriver"

pytestmark = pytest.mark.skipif(
    not os.path.exists(CHROMIUM), reason=f"{CHROMIUM} is not installed (apt install chromium)"
)

if os.path.exists(CHROMIUM):
    os.environ.setdefault("SE_OFFLINE", "true")  # never let selenium-manager download anything
    from selenium import webdriver
    from selenium.common.exceptions import NoAlertPresentException
    from selenium.webdriver import Chrome as WebDriver
    from selenium.webdriver.chrome.service import Service
    from selenium.webdriver.common.by import By
    from selenium.webdriver.remote.webelement import WebElement
    from selenium.webdriver.support.ui import Select


@pytest.fixture(scope="module")
def driver(tmp_path_factory: pytest.TempPathFactory) -> Iterator[WebDriver]:
    profile = tmp_path_factory.mktemp("chromium-profile")
    opts = webdriver.ChromeOptions()
    opts.binary_location = CHROMIUM
    for arg in (
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-extensions",
        f"--user-data-dir={profile}",
    ):
        opts.add_argument(arg)
    opts.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    drv = webdriver.Chrome(service=Service(CHROMEDRIVER), options=opts)
    try:
        yield drv
    finally:
        drv.quit()


@pytest.fixture()
def page(driver: WebDriver, report: Report, tmp_path: Path) -> WebDriver:
    path = tmp_path / "table.html"
    path.write_text(export(View.TABLE, Format.HTML, report), encoding="utf-8")
    driver.get_log("browser")  # type: ignore[no-untyped-call]  # drop anything left from an earlier page
    driver.get(path.as_uri())
    return driver


def _visible_ids(drv: WebDriver) -> list[str]:
    rows = drv.find_elements(By.CSS_SELECTOR, "#data tbody tr")
    return [r.find_element(By.CSS_SELECTOR, "td").text for r in rows if r.is_displayed()]


def _header(drv: WebDriver, label: str) -> WebElement:
    for th in drv.find_elements(By.CSS_SELECTOR, "#data thead th"):
        if th.text.strip(" ▲▼") == label:
            return th.find_element(By.TAG_NAME, "button")
    raise AssertionError(f"no column {label!r}")


def test_loads_without_console_errors_and_script_ran(page: WebDriver, report: Report) -> None:
    errors = [
        e
        for e in page.get_log("browser")  # type: ignore[no-untyped-call]
        if e["level"] in ("SEVERE", "ERROR")
    ]
    assert errors == []
    assert len(page.find_elements(By.CSS_SELECTOR, "#data tbody tr")) == len(report.statements)
    # The page's own script counted the rows, so scripts do run (the hostile one must not).
    assert page.find_element(By.ID, "shown").text == str(len(report.statements))


def test_hostile_script_does_not_execute(page: WebDriver) -> None:
    assert page.execute_script("return window.__pwned") is None
    with pytest.raises(NoAlertPresentException):
        page.switch_to.alert.text  # noqa: B018 - accessing it is the check
    assert "<script>window.__pwned=1;alert(1)</script>" in page.find_element(By.ID, "data").text


def test_text_filter_hides_non_matching_rows(page: WebDriver, report: Report) -> None:
    needle = "peacekeepers"
    expected = [
        r.statement.id
        for r in table_rows(report)
        if needle in r.statement.did
        or any(needle in e.claim.did for _, entries in r.cells for e in entries)
    ]
    assert 0 < len(expected) < len(report.statements)
    page.find_element(By.ID, "filter").send_keys(needle)
    assert _visible_ids(page) == expected
    assert page.find_element(By.ID, "shown").text == str(len(expected))
    page.find_element(By.ID, "filter").clear()
    page.find_element(By.ID, "filter").send_keys(" ")  # clear() fires no input event
    assert len(_visible_ids(page)) == len(report.statements)


def test_status_filter(page: WebDriver, report: Report) -> None:
    Select(page.find_element(By.ID, "status")).select_by_value("unique")
    assert _visible_ids(page) == [st.id for st in report.statements if st.status.value == "unique"]


def test_clicking_a_header_sorts(page: WebDriver, report: Report) -> None:
    ids = [st.id for st in report.statements]
    _header(page, "statement").click()
    assert _visible_ids(page) == sorted(ids, key=lambda s: int(s[1:]))
    _header(page, "statement").click()
    assert _visible_ids(page) == sorted(ids, key=lambda s: -int(s[1:]))  # numeric: S11 first
    _header(page, "status").click()
    order = {st.id: i for i, st in enumerate(report.statements)}
    expected = sorted(report.statements, key=lambda st: (st.status.value, order[st.id]))
    assert _visible_ids(page) == [st.id for st in expected]


def test_quotes_are_shown_on_demand(page: WebDriver) -> None:
    details = page.find_elements(By.CSS_SELECTOR, "#data details")
    assert details
    quote = details[0].find_element(By.TAG_NAME, "blockquote")
    assert not quote.is_displayed()
    details[0].find_element(By.TAG_NAME, "summary").click()
    assert quote.is_displayed() and quote.text


def test_descending_sort_keeps_report_order_among_equal_keys(
    page: WebDriver, report: Report
) -> None:
    _header(page, "status").click()
    _header(page, "status").click()
    order = {st.id: i for i, st in enumerate(report.statements)}
    expected = sorted(report.statements, key=lambda st: order[st.id])
    expected = sorted(expected, key=lambda st: st.status.value, reverse=True)  # stable
    assert _visible_ids(page) == [st.id for st in expected]
