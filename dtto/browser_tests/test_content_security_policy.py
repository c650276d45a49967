"""With the Content-Security-Policy enforced by chromium, dtto's own scripts still run."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.urls import reverse

from dtto.accounts.models import Role
from dtto.cases.tests.web import PASSWORD, make_running_case, make_user

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


@pytest.fixture
def enforcing_page(browser: Any) -> Iterator[Any]:
    """A page that keeps the CSP (the shared fixture bypasses it for axe-core)."""
    context = browser.new_context(locale="en-GB", timezone_id="Europe/London")
    page = context.new_page()
    page.set_default_timeout(15_000)
    # Printing would open a dialog; record the call instead. Init scripts run outside the CSP.
    page.add_init_script("window.print = () => { window.dttoPrinted = true; };")
    yield page
    context.close()


def test_scripts_run_and_nothing_is_refused_under_the_policy(
    enforcing_page: Any, live_server: Any, reference_data: None
) -> None:
    page = enforcing_page
    refused: list[str] = []
    page.on(
        "console",
        lambda message: (
            refused.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    cm = make_user("cm", Role.CASE_MANAGER, password=PASSWORD)
    running = make_running_case(cm)
    page.goto(f"{live_server.url}/accounts/sign-in/")
    page.fill("#id_username", "cm")
    page.fill("#id_password", PASSWORD)
    page.click("button:has-text('Sign in')")
    page.wait_for_load_state()
    letter = reverse(
        "cases:warning-letter",
        kwargs={"reference": running.case.reference, "pk": running.warning.pk},
    )
    page.goto(f"{live_server.url}{letter}")
    # js-enabled.js ran (GOV.UK Frontend's marker) and init.mjs wired the print button.
    assert "js-enabled" in (page.get_attribute("body", "class") or "")
    page.click("button:has-text('Print the letter')")
    assert page.evaluate("window.dttoPrinted === true")
    assert refused == []
