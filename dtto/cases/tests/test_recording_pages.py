"""Recording through the pages: services called, errors put back on the fields."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse

from dtto.accounts.models import Role
from dtto.cases.models import Appointment, DrugTest, ReviewReport
from dtto.cases.tests.web import date_fields, make_running_case, make_user, post_form
from dtto.lib.dates import long_date


@pytest.fixture
def setup(db):
    cm = make_user("cm", Role.CASE_MANAGER)
    tw = make_user("tw", Role.TREATMENT_WORKER)
    running = make_running_case(cm)
    client = Client()
    client.force_login(cm)
    return client, running, cm, tw


def test_recording_an_appointment_calls_the_service_and_returns_to_the_case(setup):
    client, running, _, _ = setup
    ref = running.case.reference
    before = Appointment.objects.count()
    response = post_form(
        client,
        reverse("cases:appointment-new", args=[ref]),
        {
            **date_fields("on", running.today),
            "hours": "2.5",
            "with_whom": "probation",
            "outcome": "ATTC",
        },
    )
    assert response.status_code == 302
    assert Appointment.objects.count() == before + 1


def test_a_date_before_the_order_is_refused_on_its_field_and_what_was_typed_is_kept(setup):
    client, running, _, _ = setup
    early = running.order.made_on - dt.timedelta(days=3)
    response = post_form(
        client,
        reverse("cases:appointment-new", args=[running.case.reference]),
        {**date_fields("on", early), "hours": "2.5", "with_whom": "probation"},
    )
    page = response.content.decode()
    assert response.status_code == 200
    made = long_date(running.order.made_on)
    assert (
        f"The date of the appointment must be on or after {made}, when the Order was made" in page
    )
    assert 'href="#id_on_day"' in page  # the error summary links to the day box
    assert 'value="2.5"' in page
    assert f'value="{early.day}"' in page


def test_an_impossible_date_says_so(setup):
    client, running, _, _ = setup
    page = post_form(
        client,
        reverse("cases:appointment-new", args=[running.case.reference]),
        {
            "on_day": "31",
            "on_month": "2",
            "on_year": "2004",
            "hours": "x",
            "with_whom": "probation",
        },
    ).content.decode()
    assert "Date must be a real date" in page
    assert "Hours" in page


def test_a_drug_test_with_per_substance_results_is_recorded(setup):
    client, running, _, _ = setup
    response = post_form(
        client,
        reverse("cases:test-new", args=[running.case.reference]),
        {
            **date_fields("on", running.today),
            "outcome": "sample",
            "result_opiates": "positive",
            "confirmed_opiates": "yes",
            "result_cocaine": "negative",
        },
    )
    assert response.status_code == 302
    test = DrugTest.objects.latest("id")
    assert {r.substance.code: (r.result, r.confirmed) for r in test.results.all()} == {
        "opiates": ("positive", True),
        "cocaine": ("negative", None),
    }


def test_confirming_a_negative_result_is_refused_on_that_substance(setup):
    client, running, _, _ = setup
    page = post_form(
        client,
        reverse("cases:test-new", args=[running.case.reference]),
        {
            **date_fields("on", running.today),
            "outcome": "sample",
            "result_cocaine": "negative",
            "confirmed_cocaine": "yes",
        },
    ).content.decode()
    # Beside the substance's confirmation, as the service's sentence.
    assert "Only a positive result is sent for confirmation" in page


def test_the_queue_shows_the_breach_awaiting_the_court_and_the_report_due(setup):
    client, running, _, _ = setup
    page = client.get("/").content.decode()
    assert "Breaches awaiting the court" in page
    assert running.case.reference in page


def test_review_report_is_drafted_edited_given_the_provider_view_and_sent(setup):
    client, running, _, tw = setup
    report = running.report
    url = reverse(
        "cases:review-report",
        kwargs={"reference": running.case.reference, "due": report.review_due},
    )
    assert "drug tests between" in report.tests_summary or "No drug tests" in report.tests_summary
    worker = Client()
    worker.force_login(tw)
    post_form(worker, url, {"provider_view": "Engaging well with keywork"})
    response = post_form(
        client,
        url,
        {
            "tests_summary": report.tests_summary,
            "attendance_summary": report.attendance_summary,
            "assessment": "",
            "proposal": "",
            "send": "1",
        },
    )
    assert (
        "Enter the case manager&#x27;s assessment of attitude and response before sending the report"
        in response.content.decode()
    )
    post_form(
        client,
        url,
        {
            "tests_summary": report.tests_summary,
            "attendance_summary": report.attendance_summary,
            "assessment": "Motivated, honest about use",
            "proposal": "Continue",
            "send": "1",
        },
    )
    report.refresh_from_db()
    assert report.status == ReviewReport.Status.SENT
    assert report.provider_view == "Engaging well with keywork"
    pdf = client.get(url.replace("/report/", "/report.pdf"))
    assert pdf["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")
