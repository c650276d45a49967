"""Every write once, as a user meets it: save, press Back, save again, one appointment."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.urls import reverse

from dtto.accounts.models import Role
from dtto.browser_tests.conftest import assert_accessible
from dtto.browser_tests.test_journeys import fill_date, save, sign_in
from dtto.cases.models import Appointment
from dtto.cases.tests.web import PASSWORD, make_running_case, make_user

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_an_appointment_saved_again_after_back_is_recorded_once(
    page: Any, live_server: Any, reference_data: None
) -> None:
    cm = make_user("cm", Role.CASE_MANAGER, password=PASSWORD)
    running = make_running_case(cm)
    ref = running.case.reference
    sign_in(page, live_server, "cm")

    page.goto(f"{live_server.url}{reverse('cases:appointment-new', args=[ref])}")
    fill_date(page, "on", running.today)
    page.fill("#id_hours", "2.5")
    page.check("input[name=with_whom][value=probation]")
    page.select_option("#id_outcome", "ATTC")
    save(page)
    assert page.url.endswith(f"/cases/{ref}/")

    page.go_back()
    page.wait_for_load_state()
    assert "/appointments/new/" in page.url
    # Back asks for the form again (the POST made the browser drop its copy); the address
    # keeps the form's token, so the page is the same form, saved already.
    assert "This form was saved already" in page.content()
    # What the user sees after Back: the form as they filled it (typed again to be sure).
    fill_date(page, "on", running.today)
    page.fill("#id_hours", "2.5")
    page.check("input[name=with_whom][value=probation]")
    page.select_option("#id_outcome", "ATTC")
    save(page)

    assert "Already recorded" in page.locator(".govuk-notification-banner").inner_text()
    appointment = Appointment.objects.get(order=running.order, on=running.today)
    assert appointment.hours == Decimal("2.5")
    assert page.url.endswith(f"/cases/{ref}/#appointment-{appointment.pk}")
    assert_accessible(page)
