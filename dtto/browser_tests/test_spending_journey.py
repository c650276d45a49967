"""An area manager records their area's spending in a real browser, by keyboard, on a 320
pixel screen: a figure typed wrongly is refused on its field, then recorded and listed with
the year's total; an axe check on every page."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from dtto.accounts.models import AreaSpending, Role
from dtto.browser_tests.conftest import assert_accessible
from dtto.cases.tests.web import PASSWORD, make_user

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def _fits(page: Any) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= page.viewport_size["width"], (page.url, width)


def test_an_area_manager_records_spending_by_keyboard_on_a_small_screen(
    page: Any, live_server: Any, reference_data: None
) -> None:
    make_user("am", Role.AREA_MANAGER, "leicestershire", password=PASSWORD)
    page.set_viewport_size({"width": 320, "height": 800})
    page.goto(f"{live_server.url}/accounts/sign-in/")
    page.fill("#id_username", "am")
    page.fill("#id_password", PASSWORD)
    page.click("button:has-text('Sign in')")
    page.wait_for_load_state()

    # /reports/spending/ goes straight to the one area the manager reads.
    page.goto(f"{live_server.url}/reports/spending/")
    assert page.locator("h1").inner_text() == "Spending: Leicestershire and Rutland"
    assert "No spending recorded for Leicestershire and Rutland." in page.content()
    _fits(page)
    assert_accessible(page)

    page.click("a:has-text('Record spending')")
    page.wait_for_load_state()
    assert page.locator("h1").inner_text() == "Record spending: Leicestershire and Rutland"
    _fits(page)
    assert_accessible(page)
    page.focus("#id_financial_year")
    page.keyboard.type("2003")
    page.focus("#id_heading_1")  # Treatment, the second heading of the list
    page.keyboard.press("Space")
    page.focus("#id_amount")
    page.keyboard.type("96,000.505")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    # Refused on the amount, with what was typed kept.
    assert page.title().startswith("Error:")
    assert "two decimal places" in page.locator(".govuk-error-summary").inner_text()
    assert page.input_value("#id_amount") == "96,000.505"
    assert not AreaSpending.objects.exists()
    _fits(page)
    assert_accessible(page)

    page.fill("#id_amount", "96,000.50")
    page.focus("button:has-text('Save')")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.locator("h1").inner_text() == "Spending: Leicestershire and Rutland"
    table = page.locator("table").inner_text()
    assert "April 2003 to March 2004" in table
    assert "£96,000.50" in table
    assert AreaSpending.objects.get().amount == Decimal("96000.50")
    _fits(page)
    assert_accessible(page)
