"""Issue 14's new facts recorded through the pages: treatment after the Order, what an
appointment was for, the pre-sentence report and a recommended health assessment, and the
court's feedback on a review report it was sent (decision 0017)."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.urls import reverse

from dtto.audit.models import AuditEvent
from dtto.audit.services import SEEN_ACTIONS
from dtto.cases import reporting_services, services
from dtto.cases.models import Appointment, Assessment, ReviewReport, Termination
from dtto.cases.tests.web import (
    ACTOR,
    PERSONAS,
    client_of,
    date_fields,
    make_personas,
    make_running_case,
    post_form,
)
from dtto.lib.dates import long_date

CM, TW, CO, AM = PERSONAS[:4]


@pytest.fixture
def world(db):
    users = make_personas()
    running = make_running_case(users[CM])
    return users, running


def _changes() -> int:
    return AuditEvent.objects.exclude(action__in=SEEN_ACTIONS).count()


def _title(page: str) -> str:
    found = re.search(r"<title>(.*?)</title>", page, re.S)
    assert found is not None
    return found.group(1).strip()


# base.html: the heading, an en dash, then "dtto".
TITLE_SUFFIX = " \N{EN DASH} dtto"


def _heading(page: str) -> str:
    found = re.search(r'<h1 class="govuk-heading-l">(.*?)</h1>', page, re.S)
    assert found is not None
    return found.group(1).strip()


# --- Treatment after the Order ----------------------------------------------------------


def _end_order(running, *, custody: bool = False) -> Termination:
    return services.terminate_order(
        running.order,
        by=ACTOR,
        on=running.today - dt.timedelta(days=5),
        reason="revoked_non_compliance",
        custody_handover_on=running.today - dt.timedelta(days=4) if custody else None,
    )


def _aftercare_url(running) -> str:
    return reverse("cases:aftercare", args=[running.case.reference])


def test_the_case_manager_records_treatment_started_after_the_order(world):
    users, running = world
    _end_order(running)
    client = client_of(users, CM)
    started = running.today - dt.timedelta(days=2)
    response = post_form(
        client,
        _aftercare_url(running),
        {
            **date_fields("treatment_started_on", started),
            "treatment_setting": "community",
            "treatment_intensity": "structured",
        },
    )
    assert response.status_code == 302
    termination = Termination.objects.get(order=running.order)
    assert termination.treatment_started_on == started
    assert termination.treatment_setting == "community"
    assert termination.treatment_intensity == "structured"
    page = client.get(reverse("cases:detail", args=[running.case.reference])).content.decode()
    assert f"Started {started.day} {started:%B %Y}: community treatment" in page


def test_the_custody_handover_received_is_asked_only_when_a_handover_was_sent(world):
    users, running = world
    _end_order(running, custody=True)
    client = client_of(users, CM)
    received = running.today - dt.timedelta(days=3)
    response = post_form(
        client, _aftercare_url(running), date_fields("custody_handover_received_on", received)
    )
    assert response.status_code == 302
    assert Termination.objects.get().custody_handover_received_on == received


def test_without_a_handover_the_form_does_not_ask_when_the_prison_received_it(world):
    users, running = world
    _end_order(running)
    page = client_of(users, CM).get(_aftercare_url(running)).content.decode()
    assert "treatment_started_on_day" in page
    assert "custody_handover_received_on" not in page


def test_treatment_starting_before_the_order_ended_is_refused_on_its_field(world):
    users, running = world
    termination = _end_order(running)
    client = client_of(users, CM)
    changes = _changes()
    response = post_form(
        client,
        _aftercare_url(running),
        date_fields("treatment_started_on", termination.on - dt.timedelta(days=1)),
    )
    assert response.status_code == 200
    assert list(response.context["form"].errors) == ["treatment_started_on"]
    assert (
        f"Date treatment started must be on or after {long_date(termination.on)},"
        " when the Order ended" in response.content.decode()
    )
    assert _changes() == changes
    assert Termination.objects.get().treatment_started_on is None


def test_the_aftercare_page_on_a_running_order_says_why_it_cannot_be_recorded(world):
    users, running = world
    page = client_of(users, CM).get(_aftercare_url(running)).content.decode()
    assert "The Order has not ended" in page
    assert 'name="form_token"' not in page
    assert _title(page) == _heading(page) + TITLE_SUFFIX


def test_the_aftercare_page_title_is_its_heading(world):
    users, running = world
    _end_order(running)
    page = client_of(users, CM).get(_aftercare_url(running)).content.decode()
    assert _heading(page) == "Record treatment after the Order"
    assert _title(page) == "Record treatment after the Order" + TITLE_SUFFIX


@pytest.mark.parametrize("persona", [TW, CO, AM])
def test_roles_other_than_the_case_manager_are_refused_treatment_after_the_order(world, persona):
    users, running = world
    _end_order(running)
    client = client_of(users, persona)
    assert client.get(_aftercare_url(running)).status_code == 403
    case_page = client.get(reverse("cases:detail", args=[running.case.reference]))
    assert _aftercare_url(running) not in case_page.content.decode()


def test_the_case_page_links_to_treatment_after_the_order_only_once_it_ended(world):
    users, running = world
    client = client_of(users, CM)
    case_url = reverse("cases:detail", args=[running.case.reference])
    assert _aftercare_url(running) not in client.get(case_url).content.decode()
    _end_order(running)
    assert _aftercare_url(running) in client.get(case_url).content.decode()


# --- What an appointment is for; the pre-sentence report; a health assessment ------------


def test_an_appointment_records_what_the_contact_is_for(world):
    users, running = world
    client = client_of(users, TW)
    response = post_form(
        client,
        reverse("cases:appointment-new", args=[running.case.reference]),
        {
            **date_fields("on", running.today),
            "hours": "1.5",
            "with_whom": "treatment",
            "activity": "lifestyle",
        },
    )
    assert response.status_code == 302
    assert Appointment.objects.latest("pk").activity == "lifestyle"


def test_an_activity_not_on_the_list_is_refused_on_its_field(world):
    users, running = world
    appointments = Appointment.objects.count()
    response = post_form(
        client_of(users, CM),
        reverse("cases:appointment-new", args=[running.case.reference]),
        {
            **date_fields("on", running.today),
            "hours": "1.5",
            "with_whom": "probation",
            "activity": "gardening",
        },
    )
    assert response.status_code == 200
    assert list(response.context["form"].errors) == ["activity"]
    assert Appointment.objects.count() == appointments


def _referral(running, reference: str = "WEB-0009"):
    return services.register_referral(
        by=ACTOR,
        reference=reference,
        area="leicestershire",
        name="Kim Assessed",
        date_of_birth=dt.date(1988, 2, 3),
        sex="F",
        ethnicity="W1",
        referred_on=running.today - dt.timedelta(days=10),
        referral_source="court",
    )


def test_the_assessment_records_the_pre_sentence_reports_dates(world):
    users, running = world
    case = _referral(running)
    requested = running.today - dt.timedelta(days=9)
    adjourned = running.today - dt.timedelta(days=8)
    delivered = running.today - dt.timedelta(days=2)
    response = post_form(
        client_of(users, CM),
        reverse("cases:assessment", args=[case.reference]),
        {
            "outcome": "suitable",
            **date_fields("started_on", requested),
            **date_fields("psr_requested_on", requested),
            **date_fields("adjourned_on", adjourned),
            **date_fields("psr_delivered_on", delivered),
        },
    )
    assert response.status_code == 302
    assessment = Assessment.objects.get(case=case)
    assert (assessment.psr_requested_on, assessment.adjourned_on, assessment.psr_delivered_on) == (
        requested,
        adjourned,
        delivered,
    )
    assert assessment.health_assessment_recommended is None


def test_a_report_delivered_before_it_was_requested_is_refused_on_its_field(world):
    users, running = world
    case = _referral(running)
    changes = _changes()
    response = post_form(
        client_of(users, CM),
        reverse("cases:assessment", args=[case.reference]),
        {
            "outcome": "suitable",
            **date_fields("psr_requested_on", running.today - dt.timedelta(days=3)),
            **date_fields("psr_delivered_on", running.today - dt.timedelta(days=5)),
        },
    )
    assert response.status_code == 200
    assert list(response.context["form"].errors) == ["psr_delivered_on"]
    requested = long_date(running.today - dt.timedelta(days=3))
    assert (
        f"Date the pre-sentence report was delivered must be on or after {requested},"
        " when the report was requested" in response.content.decode()
    )
    assert _changes() == changes
    assert not Assessment.objects.filter(case=case).exists()


def test_a_health_assessment_recommended_is_recorded_for_unsuitable_on_mental_health(world):
    users, running = world
    case = _referral(running)
    response = post_form(
        client_of(users, CM),
        reverse("cases:assessment", args=[case.reference]),
        {
            "outcome": "unsuitable",
            "reason": "mental_health",
            **date_fields("completed_on", running.today),
            "health_assessment_recommended": "yes",
        },
    )
    assert response.status_code == 302
    assert Assessment.objects.get(case=case).health_assessment_recommended is True


def test_a_health_assessment_for_a_suitable_person_is_refused_on_its_field(world):
    users, running = world
    case = _referral(running)
    response = post_form(
        client_of(users, CM),
        reverse("cases:assessment", args=[case.reference]),
        {"outcome": "suitable", "health_assessment_recommended": "no"},
    )
    assert response.status_code == 200
    assert list(response.context["form"].errors) == ["health_assessment_recommended"]
    assert not Assessment.objects.filter(case=case).exists()


# --- The court's view of a review report -----------------------------------------------


def _send(running) -> ReviewReport:
    report = reporting_services.edit_review_report(running.report, by=ACTOR, assessment="Engaging.")
    return reporting_services.send_review_report(report, by=ACTOR)


def _feedback_url(running) -> str:
    return reverse(
        "cases:review-report-feedback",
        kwargs={"reference": running.case.reference, "due": running.report.review_due},
    )


def _report_page(running) -> str:
    return reverse(
        "cases:review-report",
        kwargs={"reference": running.case.reference, "due": running.report.review_due},
    )


def test_the_court_that_made_the_order_gives_its_view_of_a_sent_report(world):
    users, running = world
    _send(running)
    client = client_of(users, CO)
    assert _feedback_url(running) in client.get(_report_page(running)).content.decode()
    response = post_form(
        client,
        _feedback_url(running),
        {
            "feedback": "partly_useful",
            "notes": "More on housing",
            **date_fields("on", running.today),
        },
    )
    assert response.status_code == 302
    assert response["Location"] == _report_page(running)
    report = ReviewReport.objects.get(pk=running.report.pk)
    assert (report.court_feedback, report.court_feedback_notes, report.court_feedback_on) == (
        "partly_useful",
        "More on housing",
        running.today,
    )
    page = client.get(_report_page(running)).content.decode()
    assert "Partly useful" in page and "More on housing" in page


def test_feedback_dated_before_the_report_was_sent_is_refused_on_its_field(world):
    users, running = world
    _send(running)
    changes = _changes()
    response = post_form(
        client_of(users, CO),
        _feedback_url(running),
        {"feedback": "useful", **date_fields("on", running.today - dt.timedelta(days=1))},
    )
    assert response.status_code == 200
    assert list(response.context["form"].errors) == ["on"]
    sent = ReviewReport.objects.get(pk=running.report.pk).sent_on
    assert sent is not None
    assert (
        f"Date of the feedback must be on or after {long_date(sent)}, when the report was sent"
        in response.content.decode()
    )
    assert _changes() == changes
    assert ReviewReport.objects.get(pk=running.report.pk).court_feedback == ""


def test_feedback_without_an_answer_says_which_question(world):
    users, running = world
    _send(running)
    response = post_form(
        client_of(users, CO), _feedback_url(running), date_fields("on", running.today)
    )
    assert list(response.context["form"].errors) == ["feedback"]
    assert "Select how useful the report was to the court" in response.content.decode()


def test_the_feedback_page_title_is_its_heading(world):
    users, running = world
    _send(running)
    page = client_of(users, CO).get(_feedback_url(running)).content.decode()
    assert _heading(page) == "Give the court&#x27;s view of the review report"
    assert _title(page) == _heading(page) + TITLE_SUFFIX


def test_the_court_is_told_a_report_not_yet_sent_has_no_view_to_give(world):
    users, running = world
    page = client_of(users, CO).get(_feedback_url(running)).content.decode()
    assert "has not sent this report to the court yet" in page
    assert 'name="form_token"' not in page


@pytest.mark.parametrize("persona", [CM, TW, AM])
def test_no_one_but_the_court_is_offered_or_allowed_the_courts_view(world, persona):
    users, running = world
    _send(running)
    client = client_of(users, persona)
    assert client.get(_feedback_url(running)).status_code == 403
    assert _feedback_url(running) not in client.get(_report_page(running)).content.decode()
