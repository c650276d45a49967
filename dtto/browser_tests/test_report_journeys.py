"""An analyst's journey through the reports in a real browser: the headline page, a period
picked and one typed wrongly, a section, every area compared and sorted, by keyboard and on a
375 pixel screen, with an axe check on every page. The main pages are photographed for the
user guide (``DTTO_SCREENSHOT_DIR``, default a temporary folder; docs/screenshots/ in the
repository holds the last ones taken)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest

from dtto.accounts.models import Area, Court, Role
from dtto.browser_tests.conftest import assert_accessible
from dtto.cases.tests.web import PASSWORD, make_user
from dtto.reports.tests.factories import case, ended, load

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def _orders() -> None:
    """Two financial years in two areas, enough for every figure to be published."""
    load(
        *[
            case(referred="2003-04-20", made="2003-05-01", events=[ended("2004-01-05", "other")])
            for _ in range(6)
        ],
        *[
            case(made="2004-05-03", referred="2004-04-20", events=[ended("2005-02-01", reason)])
            for reason in ["completed"] * 7 + ["revoked_non_compliance"] * 5
        ],
        *[
            case(
                area="kent",
                made="2004-05-03",
                referred="2004-04-20",
                sex="F",
                events=[ended("2005-02-01", "completed")],
            )
            for _ in range(6)
        ],
        *[
            case(
                referred="2004-06-01", assessment="not_assessed", reason="did_not_attend", made=None
            )
            for _ in range(5)
        ],
    )


def _screenshots(tmp_path: Path) -> Path:
    folder = Path(os.environ.get("DTTO_SCREENSHOT_DIR", tmp_path))
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _fits(page: Any) -> None:
    """Nothing wider than the screen: no sideways scrolling of the page itself."""
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= page.viewport_size["width"], (page.url, width)


def test_an_analyst_reads_the_reports_picks_a_year_and_corrects_a_period(
    page: Any, live_server: Any, reference_data: None, tmp_path: Path
) -> None:
    _orders()
    make_user("analyst", Role.NATIONAL_ANALYST, None, password=PASSWORD)
    shots = _screenshots(tmp_path)
    page.set_viewport_size({"width": 1100, "height": 900})
    page.goto(f"{live_server.url}/accounts/sign-in/")
    page.fill("#id_username", "analyst")
    page.fill("#id_password", PASSWORD)
    page.click("button:has-text('Sign in')")
    page.wait_for_load_state()

    page.goto(f"{live_server.url}/reports/")
    assert_accessible(page)
    # Pick 2004-05 from the period picker, by keyboard.
    page.click("summary:has-text('Change the period')")
    page.focus("#year")
    page.select_option("#year", "2004")
    page.focus("button:has-text('Show the figures')")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert "year=2004" in page.url
    assert page.locator(".govuk-caption-l").inner_text() == "1 April 2004 to 31 March 2005"
    # Dorset 7 of 12 and Kent 6 of 6 completed: 13 of 18, 72.2%.
    assert "72.2%" in page.locator("#successful-completion").inner_text()
    assert_accessible(page)
    page.screenshot(path=str(shots / "reports-headline.png"), full_page=True)

    # A period typed wrongly: 31 February.
    page.click("summary:has-text('Change the period')")
    page.select_option("#year", "")
    page.fill("#from-day", "31")
    page.fill("#from-month", "2")
    page.fill("#from-year", "2005")
    with page.expect_navigation():
        page.click("button:has-text('Show the figures')")
    summary = page.locator(".govuk-error-summary")
    assert "The start of the period must be a real date" in summary.inner_text()
    assert page.locator("#from-day").input_value() == "31"  # what was typed is kept
    assert page.locator("#successful-completion").count() == 0  # no figures for a guess
    assert_accessible(page)
    page.screenshot(path=str(shots / "reports-period-error.png"), full_page=True)
    summary.locator("a").first.click()
    assert page.evaluate("document.activeElement.id") == "from-day"

    # One section, its table beside its chart.
    page.goto(f"{live_server.url}/reports/?year=2004")
    with page.expect_navigation():
        page.click("#successful-completion a:has-text('Details')")
    assert page.locator("h1").inner_text() == "Terminations and successful completion"
    assert "Completed full term" in page.locator("table").inner_text()
    assert_accessible(page)
    page.screenshot(path=str(shots / "reports-section.png"), full_page=True)

    # Every area compared; sorting by rate puts Kent (100%) above Dorset (58.3%).
    page.goto(f"{live_server.url}/reports/areas/?year=2004")
    assert_accessible(page)
    rate = page.locator("th[data-sort-key=rate] button")
    rate.focus()
    page.keyboard.press("Enter")
    assert page.locator("th[data-sort-key=rate]").get_attribute("aria-sort") == "descending"
    names = page.locator("table[data-dtto-sortable] tbody th").all_inner_texts()
    assert names.index("Kent") < names.index("Dorset")
    page.screenshot(path=str(shots / "reports-areas.png"), full_page=True)

    # On a 375 pixel screen (and 320) nothing runs off the side; tables scroll in their box.
    for width in (375, 320):
        page.set_viewport_size({"width": width, "height": 800})
        for url in (
            "/reports/?year=2004",
            "/reports/sections/terminations/?year=2004",
            "/reports/areas/?year=2004",
        ):
            page.goto(f"{live_server.url}{url}")
            _fits(page)
    court = Court.objects.filter(area__code="dorset").order_by("code").first()
    assert court is not None, "the reference data has courts in Dorset"
    for url in (
        "/reports/courts/",
        f"/reports/courts/{court.code}/",
        "/accessibility/",
        "/privacy/",
    ):
        page.goto(f"{live_server.url}{url}")
        _fits(page)
        assert page.locator("h1").count() == 1, url
        assert_accessible(page)
    page.set_viewport_size({"width": 375, "height": 800})
    page.goto(f"{live_server.url}/reports/?year=2004")
    assert_accessible(page)
    page.screenshot(path=str(shots / "reports-headline-375.png"), full_page=True)
    assert Area.objects.filter(code="kent").exists()


def test_the_sorting_script_runs_under_the_content_security_policy(
    browser: Any, live_server: Any, reference_data: None
) -> None:
    _orders()
    make_user("analyst", Role.NATIONAL_ANALYST, None, password=PASSWORD)
    # A context that keeps the CSP (the shared page fixture bypasses it for axe-core).
    context = browser.new_context(locale="en-GB", timezone_id="Europe/London")
    page = context.new_page()
    refused: list[str] = []
    page.on(
        "console",
        lambda message: (
            refused.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    page.goto(f"{live_server.url}/accounts/sign-in/")
    page.fill("#id_username", "analyst")
    page.fill("#id_password", PASSWORD)
    page.click("button:has-text('Sign in')")
    page.wait_for_load_state()
    page.goto(f"{live_server.url}/reports/areas/?year=2004")
    # The script swapped each sort link for a button and sorts in place without a new page.
    page.click("th[data-sort-key=terminations] button")
    assert page.url.endswith("/reports/areas/?year=2004")
    names = page.locator("table[data-dtto-sortable] tbody th").all_inner_texts()
    assert names[:2] == ["Dorset", "Kent"]  # 12 and 6 Orders ended
    assert refused == []
    context.close()
