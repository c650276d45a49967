"""Each role's day in a real browser (issue 11): the queue leads with what is overdue, a
form saved, then Back and saved again, records once, no link leads to a refusal, every main
page fits a 375 pixel screen and passes axe. The main pages are photographed for the user
guide (``DTTO_SCREENSHOT_DIR``, default a temporary folder; docs/screenshots/ in the
repository holds the last ones taken)."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path
from typing import Any

import pytest
from django.urls import reverse

from dtto.accounts.models import Role
from dtto.browser_tests.conftest import assert_accessible
from dtto.browser_tests.test_journeys import fill_date, save, sign_in
from dtto.cases import services
from dtto.cases.models import Appointment
from dtto.cases.tests.web import ACTOR, PASSWORD, make_running_case, make_user
from dtto.lib.dates import long_date

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

NARROW = {"width": 375, "height": 812}
WIDE = {"width": 1024, "height": 900}


def _screenshots(tmp_path: Path) -> Path:
    folder = Path(os.environ.get("DTTO_SCREENSHOT_DIR", tmp_path))
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _fits(page: Any) -> None:
    """Nothing wider than the screen: no sideways scrolling of the page itself."""
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= page.viewport_size["width"], (page.url, width)


def _photo(page: Any, folder: Path, name: str) -> None:
    """The top of the page at a desktop width: what a user sees first, and a small file."""
    page.set_viewport_size(WIDE)
    page.evaluate("window.scrollTo(0, 0)")
    page.screenshot(path=str(folder / name))
    page.set_viewport_size(NARROW)


def _overdue_outcome(running: Any) -> dt.date:
    """A probation appointment two days ago with no outcome: overdue work."""
    day = running.today - dt.timedelta(days=2)
    services.record_appointment(running.order, by=ACTOR, on=day, hours="2", with_whom="probation")
    return day


def test_case_manager_queue_leads_with_overdue_work_and_a_resubmitted_form_records_once(
    page: Any, live_server: Any, reference_data: None, tmp_path: Path
) -> None:
    shots = _screenshots(tmp_path)
    cm = make_user("cm", Role.CASE_MANAGER, password=PASSWORD)
    running = make_running_case(cm)
    ref = running.case.reference
    missed = _overdue_outcome(running)
    page.set_viewport_size(NARROW)

    sign_in(page, live_server, "cm")
    main = page.locator("main")
    assert main.locator("h2").first.inner_text().startswith("Overdue (")
    overdue = main.locator("[data-group=overdue]").inner_text()
    assert f"Record the outcome of the probation appointment on {long_date(missed)}" in overdue
    _fits(page)
    assert_accessible(page)
    _photo(page, shots, "queue-case-manager.png")

    # The case page leads with what the case needs now, and fits the narrow screen too.
    page.goto(f"{live_server.url}{reverse('cases:detail', args=[ref])}")
    panel = page.locator("#needs-now")
    assert panel.locator("h2").inner_text() == "What this case needs now"
    assert "2 days overdue" in panel.inner_text()
    _fits(page)
    assert_accessible(page)
    _photo(page, shots, "case-page.png")

    # A form saved, then Back, then saved again: one appointment, and the page says so.
    before = Appointment.objects.filter(order=running.order).count()
    page.goto(f"{live_server.url}{reverse('cases:appointment-new', args=[ref])}")
    fill_date(page, "on", running.today)
    page.fill("#id_hours", "1.5")
    page.check("input[name=with_whom][value=treatment]")
    save(page)
    assert page.url.split("#")[0].split("?")[0].endswith(f"/cases/{ref}/")
    page.go_back()
    page.wait_for_load_state()
    save(page)
    assert "Already recorded" in page.content()
    assert Appointment.objects.filter(order=running.order).count() == before + 1

    # An error says what to do, the title says there is an error, and each summary link
    # moves focus to the field's first input (here the first of a list of radios).
    page.goto(f"{live_server.url}{reverse('cases:appointment-new', args=[ref])}")
    page.fill("#id_hours", "two")
    save(page)
    assert page.title().startswith("Error: Record an appointment")
    summary = page.locator(".govuk-error-summary")
    assert "Select who the appointment is with" in summary.inner_text()
    summary.locator("a").first.click()
    assert page.evaluate("document.activeElement.id") == "id_with_whom_0"
    page.check("input[name=with_whom][value=probation]")
    save(page)
    assert "Enter the hours as a number, like 2.5" in summary.inner_text()
    summary.locator("a").first.click()
    assert page.evaluate("document.activeElement.id") == "id_hours"
    _fits(page)
    assert_accessible(page)
    _photo(page, shots, "form-error.png")


def test_area_manager_is_never_shown_a_link_the_role_may_not_follow(
    page: Any, live_server: Any, reference_data: None, tmp_path: Path
) -> None:
    shots = _screenshots(tmp_path)
    cm = make_user("cm", Role.CASE_MANAGER)
    running = make_running_case(cm)
    _overdue_outcome(running)
    make_user("am", Role.AREA_MANAGER, password=PASSWORD)
    page.set_viewport_size(NARROW)

    sign_in(page, live_server, "am")
    assert page.locator("h1").inner_text().endswith("queue")
    _fits(page)
    assert_accessible(page)
    _photo(page, shots, "queue-area-manager.png")
    for start in ("/team/", reverse("cases:detail", args=[running.case.reference])):
        page.goto(f"{live_server.url}{start}")
        hrefs = page.eval_on_selector_all(
            "main a[href^='/']", "links => links.map(a => a.getAttribute('href'))"
        )
        assert hrefs, start
        answers = {
            href: page.request.get(f"{live_server.url}{href.split('#')[0]}").status
            for href in set(hrefs)
        }
        assert {href: code for href, code in answers.items() if code != 200} == {}, start


@pytest.mark.parametrize(
    ("username", "role", "photo"),
    [
        ("tw", Role.TREATMENT_WORKER, "queue-treatment-worker.png"),
        ("court", Role.COURT_USER, "queue-court.png"),
    ],
)
def test_each_roles_queue_fits_a_narrow_screen_and_passes_axe(
    page: Any,
    live_server: Any,
    reference_data: None,
    tmp_path: Path,
    username: str,
    role: str,
    photo: str,
) -> None:
    shots = _screenshots(tmp_path)
    cm = make_user("cm", Role.CASE_MANAGER)
    running = make_running_case(cm)
    _overdue_outcome(running)
    make_user(username, role, password=PASSWORD)
    page.set_viewport_size(NARROW)

    sign_in(page, live_server, username)
    heading = page.locator("h1").inner_text()
    assert page.title() == f"{heading} \N{EN DASH} dtto"
    _fits(page)
    assert_accessible(page)
    _photo(page, shots, photo)
    page.goto(f"{live_server.url}{reverse('cases:detail', args=[running.case.reference])}")
    _fits(page)
    assert_accessible(page)


def test_the_case_list_and_a_search_fit_the_narrowest_screen_and_pass_axe(
    page: Any, live_server: Any, reference_data: None
) -> None:
    cm = make_user("cm", Role.CASE_MANAGER, password=PASSWORD)
    for number in range(1, 4):
        make_running_case(cm, reference=f"WEB-000{number}")
    # 320 CSS pixels: the narrowest screen GOV.UK designs for.
    page.set_viewport_size({"width": 320, "height": 640})
    sign_in(page, live_server, "cm")
    for address in ("/cases/", "/cases/?q=WEB-0002"):
        page.goto(f"{live_server.url}{address}")
        assert page.locator("table").count() == 1
        _fits(page)
        assert_accessible(page)
