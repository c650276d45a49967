"""The main journeys, as the users would walk them, with an axe check on every page."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from django.urls import reverse

from dtto.accounts.models import Role
from dtto.browser_tests.conftest import assert_accessible
from dtto.cases import reporting_services, services
from dtto.cases.models import ReviewReport, Termination
from dtto.cases.tests.web import ACTOR, PASSWORD, make_running_case, make_user

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def sign_in(page: Any, live_server: Any, username: str) -> None:
    page.goto(f"{live_server.url}/")
    assert "/accounts/sign-in/" in page.url
    assert_accessible(page)
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("button:has-text('Sign in')")
    page.wait_for_load_state()


def fill_date(page: Any, prefix: str, day: dt.date) -> None:
    page.fill(f"#id_{prefix}_day", str(day.day))
    page.fill(f"#id_{prefix}_month", str(day.month))
    page.fill(f"#id_{prefix}_year", str(day.year))


def save(page: Any) -> None:
    page.click("button:text-is('Save')")
    page.wait_for_load_state()


def record_absence(page: Any, live_server: Any, ref: str, day: dt.date) -> None:
    page.goto(f"{live_server.url}{reverse('cases:appointment-new', args=[ref])}")
    fill_date(page, "on", day)
    page.fill("#id_hours", "2")
    page.check("input[name=with_whom][value=treatment]")
    page.select_option("#id_outcome", "UAAB")
    save(page)


def test_case_manager_runs_an_order_from_queue_to_termination(
    page: Any, live_server: Any, reference_data: None
) -> None:
    cm = make_user("cm", Role.CASE_MANAGER, password=PASSWORD)
    make_user("tw", Role.TREATMENT_WORKER, password=PASSWORD)
    running = make_running_case(cm)
    ref = running.case.reference
    today = running.today

    sign_in(page, live_server, "cm")
    assert page.locator("h1").inner_text() == "My queue"
    assert_accessible(page)

    # A week of appointments and tests, recorded for today.
    for hours, with_whom, outcome in (("3", "probation", "ATTC"), ("2", "treatment", "ATTC")):
        page.goto(f"{live_server.url}{reverse('cases:appointment-new', args=[ref])}")
        fill_date(page, "on", today)
        page.fill("#id_hours", hours)
        page.check(f"input[name=with_whom][value={with_whom}]")
        page.select_option("#id_outcome", outcome)
        assert_accessible(page)
        save(page)
        assert page.url.endswith(f"/cases/{ref}/")
    page.goto(f"{live_server.url}{reverse('cases:test-new', args=[ref])}")
    fill_date(page, "on", today)
    page.select_option("#id_result_opiates", "negative")
    page.select_option("#id_result_cocaine", "negative")
    assert_accessible(page)
    save(page)
    assert page.url.endswith(f"/cases/{ref}/")
    assert "This week" in page.content()
    assert_accessible(page)

    # A form that fails keeps what was typed and says what is wrong.
    page.goto(f"{live_server.url}{reverse('cases:appointment-new', args=[ref])}")
    fill_date(page, "on", running.order.made_on - dt.timedelta(days=5))
    page.fill("#id_hours", "1.5")
    page.check("input[name=with_whom][value=probation]")
    save(page)
    assert page.locator(".govuk-error-summary").is_visible()
    assert page.input_value("#id_hours") == "1.5"
    assert_accessible(page)

    # An unacceptable absence yesterday, handled from the queue with a formal warning...
    record_absence(page, live_server, ref, today - dt.timedelta(days=1))
    page.goto(f"{live_server.url}/")
    page.locator(".dtto-worklist a", has_text="Decide").first.click()
    page.wait_for_load_state()
    assert "Give a formal warning" in page.locator("h1").inner_text()
    assert_accessible(page)
    save(page)
    assert "Formal warning" in page.locator("h1").inner_text()  # the drafted letter
    assert_accessible(page)

    # ...and a second one today, which requires breach action.
    record_absence(page, live_server, ref, today)
    page.goto(f"{live_server.url}/")
    page.locator(".dtto-worklist a", has_text="Instigate breach action").first.click()
    page.wait_for_load_state()
    assert "Instigate breach action" in page.locator("h1").inner_text()
    assert_accessible(page)
    save(page)
    assert "Breach of the Order" in page.locator("h1").inner_text()
    assert "Drafted breach report for the court" in page.content()
    assert_accessible(page)

    # The review report: drafted from the record, assessed, sent, downloadable.
    page.goto(
        f"{live_server.url}"
        + reverse(
            "cases:review-report",
            kwargs={"reference": ref, "due": running.report.review_due.isoformat()},
        )
    )
    assert_accessible(page)
    page.fill("#id_assessment", "Honest about relapse; attending keywork.")
    page.click("button:has-text('Save and send to the court')")
    page.wait_for_load_state()
    assert "Sent to the court" in page.content()
    with page.expect_download() as download:
        page.click("text=Download the report as a PDF")
    assert download.value.suggested_filename.endswith(".pdf")

    # A mistake seen after sending: reopen the report, correct it, send it again.
    page.click("text=Reopen the report to correct it")
    page.wait_for_load_state()
    assert_accessible(page)
    page.fill("#id_reason", "The proposal named the wrong date")
    save(page)
    page.fill("#id_proposal", "Continue the Order; review again next month.")
    page.click("button:has-text('Save and send to the court')")
    page.wait_for_load_state()
    assert "Sent to the court" in page.content()

    # The Order goes to a colleague, then ends with onward treatment.
    make_user("cm2", Role.CASE_MANAGER)
    page.goto(f"{live_server.url}{reverse('cases:detail', args=[ref])}")
    # The case page has other "Change" links (the assessment's, for one): this is the
    # case manager's.
    page.click("a:has-text('Change the case manager')")
    page.wait_for_load_state()
    assert_accessible(page)
    page.select_option("#id_case_manager", "cm2")
    save(page)
    assert "Case manager changed" in page.content()

    # Termination with onward treatment.
    page.goto(f"{live_server.url}{reverse('cases:terminate', args=[ref])}")
    fill_date(page, "on", today)
    page.check("input[name=reason][value=revoked_non_compliance]")
    page.fill("#id_onward_referral_to", "Community drug team")
    assert_accessible(page)
    save(page)
    assert page.url.endswith(f"/cases/{ref}/")
    assert Termination.objects.filter(order=running.order).exists()
    assert re.search(r"Revoked for failure to comply", page.content())


def test_every_role_sees_accessible_pages(
    page: Any, live_server: Any, reference_data: None
) -> None:
    cm = make_user("cm", Role.CASE_MANAGER, password=PASSWORD)
    running = make_running_case(cm)
    ref = running.case.reference
    due = running.report.review_due.isoformat()
    pages = {
        "cm": [
            "/",
            "/team/",
            "/cases/",
            reverse("cases:referral"),
            reverse("cases:detail", args=[ref]),
            reverse("cases:assessment", args=[ref]),
            reverse("cases:contact-level", args=[ref]),
            reverse("cases:suspension", args=[ref]),
            reverse("cases:warning-new", args=[ref]),
            reverse("cases:breach", kwargs={"reference": ref, "pk": running.breach.pk}),
            reverse("cases:breach-decision", kwargs={"reference": ref, "pk": running.breach.pk}),
            reverse("cases:breach-warrant", kwargs={"reference": ref, "pk": running.breach.pk}),
            reverse("cases:review-record", args=[ref]),
            reverse("cases:conviction", args=[ref]),
            reverse("cases:case-manager", args=[ref]),
        ],
        "tw": ["/", reverse("cases:detail", args=[ref]), f"/cases/{ref}/reviews/{due}/report/"],
        "court": [
            "/",
            "/reports/",
            reverse("cases:detail", args=[ref]),
            reverse("cases:review-record", args=[ref]),
        ],
        "am": [
            "/team/",
            reverse("cases:detail", args=[ref]),
            reverse("reports:spending-area", args=["leicestershire"]),
            reverse("reports:spending-record", args=["leicestershire"]),
        ],
        "analyst": ["/", reverse("reports:spending")],
    }
    make_user("tw", Role.TREATMENT_WORKER, password=PASSWORD)
    make_user("court", Role.COURT_USER, password=PASSWORD)
    make_user("am", Role.AREA_MANAGER, password=PASSWORD)
    make_user("analyst", Role.NATIONAL_ANALYST, None, password=PASSWORD)
    for username, urls in pages.items():
        page.context.clear_cookies()
        sign_in(page, live_server, username)
        for url in urls:
            page.goto(f"{live_server.url}{url}")
            assert page.locator("h1").count() == 1, url
            assert_accessible(page)


def test_case_manager_records_treatment_after_an_ended_order(
    page: Any, live_server: Any, reference_data: None
) -> None:
    cm = make_user("cm", Role.CASE_MANAGER, password=PASSWORD)
    running = make_running_case(cm)
    services.terminate_order(
        running.order, by=ACTOR, on=running.today, reason="revoked_non_compliance"
    )

    sign_in(page, live_server, "cm")
    page.goto(f"{live_server.url}{reverse('cases:detail', args=[running.case.reference])}")
    # Treatment after the Order (3.30): recorded once it has started.
    page.click("text=Record treatment after the Order")
    page.wait_for_load_state()
    assert_accessible(page)
    fill_date(page, "treatment_started_on", running.today)
    page.select_option("#id_treatment_setting", "community")
    save(page)
    assert "Treatment after the Order recorded" in page.content()
    assert Termination.objects.get(order=running.order).treatment_started_on == running.today


def test_court_user_records_a_review_and_decides_a_breach(
    page: Any, live_server: Any, reference_data: None
) -> None:
    cm = make_user("cm", Role.CASE_MANAGER)
    make_user("court", Role.COURT_USER, password=PASSWORD)
    running = make_running_case(cm)
    reporting_services.edit_review_report(running.report, by=ACTOR, assessment="Engaging.")
    reporting_services.send_review_report(running.report, by=ACTOR)

    sign_in(page, live_server, "court")
    assert_accessible(page)
    page.locator(".dtto-worklist a", has_text="Open the review report").first.click()
    page.wait_for_load_state()
    assert "Engaging." in page.content()
    page.click("text=Record the court review")
    page.wait_for_load_state()
    page.check("input[name=hearing][value=yes]")
    page.fill("#id_sat", "HHJ Example\nMs Adviser")
    save(page)
    assert "Review recorded" in page.content()
    assert "See the appointment" not in page.content()

    # The court's view of the report it was sent (Appendix 1 standard 7).
    report_url = reverse(
        "cases:review-report",
        kwargs={"reference": running.case.reference, "due": running.report.review_due},
    )
    page.goto(f"{live_server.url}{report_url}")
    page.click("text=Give the court's view of this report")
    page.wait_for_load_state()
    assert_accessible(page)
    page.check("input[name=feedback][value=useful]")
    save(page)
    assert "The court's view of the report recorded" in page.content()
    assert ReviewReport.objects.get(pk=running.report.pk).court_feedback == "useful"

    page.goto(f"{live_server.url}/")
    page.locator(".dtto-worklist a", has_text="Record the hearing or decision").first.click()
    page.wait_for_load_state()
    page.click("text=Record the decision")
    page.wait_for_load_state()
    page.check("input[name=outcome][value=continued]")
    assert_accessible(page)
    save(page)
    assert "Decision recorded" in page.content()
    running.breach.refresh_from_db()
    assert running.breach.decided_on == running.today


def test_refused_and_missing_pages_are_accessible_with_a_way_home(
    page: Any, live_server: Any, reference_data: None
) -> None:
    make_user("tw", Role.TREATMENT_WORKER, password=PASSWORD)
    sign_in(page, live_server, "tw")
    for url, heading, status in [
        ("/team/", "You do not have permission to see this page", 403),
        ("/no-such-page/", "Page not found", 404),
    ]:
        response = page.goto(f"{live_server.url}{url}")
        assert response is not None and response.status == status, url
        assert page.locator("h1").inner_text() == heading
        assert_accessible(page)
        page.click("a:text-is('Go to your home page')")
        page.wait_for_load_state()
        assert page.url == f"{live_server.url}/"
