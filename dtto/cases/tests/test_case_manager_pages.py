"""What a case manager found missing or wrong when trying the demo as a new user."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from dtto.accounts.models import Role
from dtto.audit.models import AuditEvent
from dtto.cases import reporting_services, services
from dtto.cases.models import DrugTest, ReviewReport
from dtto.cases.tests.web import ACTOR, date_fields, make_running_case, make_user, post_form
from dtto.lib.dates import long_date
from dtto.standards.errors import RecordInvalid


@pytest.fixture
def setup(db):
    cm = make_user("cm", Role.CASE_MANAGER)
    running = make_running_case(cm)
    client = Client()
    client.force_login(cm)
    return client, running, cm


# --- Changing the case manager --------------------------------------------------------------


def test_case_manager_hands_an_order_to_another_case_manager_of_the_area(setup):
    client, running, cm = setup
    colleague = make_user("cm2", Role.CASE_MANAGER)
    ref = running.case.reference
    case_page = client.get(reverse("cases:detail", args=[ref])).content.decode()
    assert reverse("cases:case-manager", args=[ref]) in case_page

    response = post_form(client, reverse("cases:case-manager", args=[ref]), {"case_manager": "cm2"})

    assert response.status_code == 302
    running.order.refresh_from_db()
    assert running.order.case_manager == colleague
    event = AuditEvent.objects.get(action="cases.order.case_manager_assigned")
    assert event.actor == cm
    assert event.before["case_manager_id"] == cm.pk
    assert event.after["case_manager_id"] == colleague.pk
    colleague_client = Client()
    colleague_client.force_login(colleague)
    assert ref in colleague_client.get(reverse("home")).content.decode()


def test_the_case_manager_page_offers_only_case_managers_of_the_area(setup):
    client, running, _ = setup
    make_user("kent-cm", Role.CASE_MANAGER, "kent")
    make_user("am", Role.AREA_MANAGER)
    page = client.get(reverse("cases:case-manager", args=[running.case.reference]))
    text = page.content.decode()
    assert 'value="cm"' in text
    assert 'value="kent-cm"' not in text and 'value="am"' not in text


def test_an_order_cannot_be_given_to_someone_who_is_not_a_case_manager_of_its_area(setup):
    _, running, _ = setup
    for user in (
        make_user("kent-cm", Role.CASE_MANAGER, "kent"),
        make_user("am", Role.AREA_MANAGER),
    ):
        with pytest.raises(RecordInvalid, match="not an active case manager"):
            services.assign_case_manager(running.order, by=ACTOR, case_manager=user)
    running.order.refresh_from_db()
    assert running.order.case_manager.username == "cm"


# --- Reopening a sent review report ---------------------------------------------------------


def _send(running) -> ReviewReport:
    report = reporting_services.edit_review_report(
        running.report, by=ACTOR, assessment="Engaging well."
    )
    return reporting_services.send_review_report(report, by=ACTOR)


def test_a_sent_review_report_is_reopened_for_correction_with_the_reason_audited(setup):
    client, running, cm = setup
    _send(running)
    ref, due = running.case.reference, running.report.review_due.isoformat()
    report_url = reverse("cases:review-report", args=[ref, due])
    assert "Reopen the report to correct it" in client.get(report_url).content.decode()

    response = post_form(
        client,
        reverse("cases:review-report-reopen", args=[ref, due]),
        {"reason": "The proposal named the wrong review date"},
    )

    assert response.status_code == 302 and response["Location"] == report_url
    report = ReviewReport.objects.get(pk=running.report.pk)
    assert report.status == ReviewReport.Status.DRAFT and report.sent_on is None
    event = AuditEvent.objects.get(action="cases.review_report.reopened")
    assert event.actor == cm
    assert event.detail == {"reason": "The proposal named the wrong review date"}
    assert event.before["status"] == "sent"
    page = client.get(report_url).content.decode()
    assert "Save and send to the court" in page


def test_reopening_needs_a_reason_and_a_sent_report(setup):
    client, running, _ = setup
    with pytest.raises(RecordInvalid, match="only a report sent"):
        reporting_services.reopen_review_report(running.report, by=ACTOR, reason="Typo")
    _send(running)
    response = post_form(
        client,
        reverse(
            "cases:review-report-reopen",
            args=[running.case.reference, running.report.review_due.isoformat()],
        ),
        {"reason": ""},
    )
    assert response.status_code == 200
    assert "There is a problem" in response.content.decode()
    assert ReviewReport.objects.get(pk=running.report.pk).status == ReviewReport.Status.SENT


def test_the_court_reads_a_reopened_report_again_only_once_it_is_re_sent(setup):
    _, running, _ = setup
    court = make_user("court", Role.COURT_USER)
    court_client = Client()
    court_client.force_login(court)
    url = reverse("cases:review-report", args=[running.case.reference, running.report.review_due])
    _send(running)
    assert "Engaging well." in court_client.get(url).content.decode()
    reporting_services.reopen_review_report(running.report, by=ACTOR, reason="Correction")
    assert "Engaging well." not in court_client.get(url).content.decode()
    _send(running)
    assert "Engaging well." in court_client.get(url).content.decode()


def test_sending_without_the_providers_view_is_flagged_before_it_goes(setup):
    client, running, _ = setup
    url = reverse("cases:review-report", args=[running.case.reference, running.report.review_due])
    assert "has not added their view yet" in client.get(url).content.decode()
    worker = make_user("tw", Role.TREATMENT_WORKER)
    reporting_services.add_provider_view(running.report, by=worker, provider_view="Stable.")
    assert "has not added their view yet" not in client.get(url).content.decode()


def test_the_court_records_its_review_from_the_review_report(setup):
    _, running, _ = setup
    _send(running)
    court = make_user("court", Role.COURT_USER)
    client = Client()
    client.force_login(court)
    url = reverse("cases:review-report", args=[running.case.reference, running.report.review_due])
    assert reverse("cases:review-record", args=[running.case.reference]) in (
        client.get(url).content.decode()
    )


def test_the_drafted_attendance_counts_read_as_english(setup):
    _, running, _ = setup
    text = running.report.attendance_summary
    assert "1 formal warning given" in text
    assert "warning(s)" not in text
    assert "1 unacceptable absences" not in text


# --- Recording and reading the case page ----------------------------------------------------


def test_a_sample_with_no_result_is_refused_and_what_was_typed_is_kept(setup):
    client, running, _ = setup
    before = DrugTest.objects.count()
    response = post_form(
        client,
        reverse("cases:test-new", args=[running.case.reference]),
        {**date_fields("on", running.today), "outcome": "sample"},
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "at least one substance" in page
    assert f'value="{running.today.day}"' in page
    assert DrugTest.objects.count() == before


def test_an_ended_order_says_how_it_ended_and_where_treatment_continues(setup):
    client, running, _ = setup
    services.terminate_order(
        running.order,
        by=ACTOR,
        on=running.today,
        reason="early_good_progress",
        onward_referral_to="Community treatment service",
    )
    page = client.get(reverse("cases:detail", args=[running.case.reference])).content.decode()
    assert "How it ended" in page
    assert "Referred for onward treatment to Community treatment service" in page
    # A breach was pending on the day, so early good progress is not a success (3.3).
    assert "not a successful completion (in breach on that day)" in page


def test_failures_link_to_their_evidence_in_words_not_record_numbers(setup):
    client, running, _ = setup
    page = client.get(reverse("cases:detail", args=[running.case.reference])).content.decode()
    assert ">the appointment</a>" in page
    assert ">appointment:" not in page


def test_the_timeline_shows_the_order_first_on_its_day_and_hours_plainly(setup):
    client, running, _ = setup
    page = client.get(reverse("cases:detail", args=[running.case.reference])).content.decode()
    timeline = page[page.index("Everything recorded") :]
    assert timeline.index("Order made by") < timeline.index("Probation")
    assert "3 h: Attended" in timeline and "3.00 h" not in timeline


def test_the_panel_says_whether_the_review_due_has_a_report_yet(setup):
    client, running, _ = setup
    page = client.get(reverse("cases:detail", args=[running.case.reference])).content.decode()
    # The running case's first review has a drafted report; a report's state is its status.
    due = long_date(running.report.review_due)
    assert f"Prepare for the court review due {due} (report draft)" in page
    assert f"Prepare for the court review due {due} (no report yet)" not in page
