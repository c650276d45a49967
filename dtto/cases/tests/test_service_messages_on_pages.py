"""Every recording page shows a service's refusal as the GOV.UK style guide asks: a sentence
that says what to do, naming the field by its label, dates in words (issue 11 item 3).

Each row posts, to one record page, input that the page's form takes (every field typed
well) but the service refuses (a rule between fields or against the record). The expected
message is worked out from the rule and the GOV.UK pattern for dates ("[whatever] must be
the same as or after [date]"), not copied from the page.
"""

from __future__ import annotations

import datetime as dt
import html
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from dtto.cases import reporting_services, services
from dtto.cases.models import Case
from dtto.cases.tests.web import (
    ACTOR,
    RunningCase,
    date_fields,
    make_personas,
    make_running_case,
    post_form,
)
from dtto.lib.dates import long_date

pytestmark = pytest.mark.django_db

_SUMMARY = re.compile(r'govuk-error-summary__list">(.*?)</ul>', re.S)
_ITEM = re.compile(r"<li>(?:<a [^>]*>)?(.*?)(?:</a>)?</li>", re.S)
_ISO_DATE = re.compile(r"\b\d{4}-\d{2}-\d{2}\b")


@dataclass
class World:
    running: RunningCase
    users: dict[str, Any]

    @property
    def ref(self) -> str:
        return self.running.case.reference

    @property
    def made(self) -> dt.date:
        return self.running.order.made_on

    @property
    def today(self) -> dt.date:
        return self.running.today

    def url(self, name: str, **kwargs: Any) -> str:
        return reverse(f"cases:{name}", kwargs={"reference": self.ref, **kwargs})


def _new_case(reference: str, referred_on: dt.date, *, assessed: bool) -> Case:
    case = services.register_referral(
        by=ACTOR,
        reference=reference,
        area="leicestershire",
        name="Sam Second",
        date_of_birth=dt.date(1990, 3, 4),
        sex="F",
        ethnicity="W1",
        referred_on=referred_on,
        referral_source="court",
    )
    if assessed:
        services.record_assessment(case, by=ACTOR, outcome="suitable", completed_on=referred_on)
    return case


# A row: its name, and what it posts (persona, url, fields) and the message expected.
Posting = tuple[str, str, dict[str, str], str]


def _referral(w: World) -> Posting:
    fields = {
        "reference": "NEW 1",
        "name": "Pat New",
        **date_fields("date_of_birth", dt.date(1980, 1, 2)),
        "sex": "F",
        "ethnicity": "W1",
        **date_fields("referred_on", w.today),
        "referral_source": "court",
        "accommodation": "not_known",
    }
    return (
        "case_manager",
        reverse("cases:referral"),
        fields,
        "Case reference must start with a letter or number and only include letters, numbers,"
        " full stops, slashes, hyphens and underscores",
    )


def _assessment(w: World) -> Posting:
    case = _new_case("NEW-2", w.today - dt.timedelta(days=5), assessed=False)
    started = w.today - dt.timedelta(days=1)
    fields = {
        "outcome": "suitable",
        **date_fields("started_on", started),
        **date_fields("completed_on", w.today - dt.timedelta(days=2)),
        "recommended_intensity": "higher",
    }
    return (
        "case_manager",
        reverse("cases:assessment", args=[case.reference]),
        fields,
        f"Date the assessment was completed must be on or after {long_date(started)},"
        " when the assessment started",
    )


def _order(w: World) -> Posting:
    referred = w.today - dt.timedelta(days=5)
    case = _new_case("NEW-3", referred, assessed=True)
    fields = {
        **date_fields("made_on", referred - dt.timedelta(days=1)),
        "length_months": "12",
        "intensity": "higher",
        "court": "leicestershire-mc",
        "treatment_provider": "leicestershire-treatment",
        "team": "leicestershire-dtto",
        "case_manager": "cm",
    }
    return (
        "case_manager",
        reverse("cases:order", args=[case.reference]),
        fields,
        f"Date the Order was made must be on or after {long_date(referred)},"
        " the date of the referral",
    )


def _before_order(name: str, fields: dict[str, str], subject: str) -> Callable[[World], Posting]:
    def row(w: World) -> Posting:
        return (
            "case_manager",
            w.url(name),
            {**date_fields("on", w.made - dt.timedelta(days=1)), **fields},
            f"{subject} must be on or after {long_date(w.made)}, when the Order was made",
        )

    return row


def _refused_test_with_a_result(w: World) -> Posting:
    return (
        "case_manager",
        w.url("test-new"),
        {**date_fields("on", w.today), "outcome": "refused", "result_opiates": "positive"},
        "Results are recorded only when a sample was given",
    )


def _attendance(w: World) -> Posting:
    ahead = w.today + dt.timedelta(days=3)
    appointment = services.record_appointment(
        w.running.order, by=ACTOR, on=ahead, hours="2", with_whom="probation"
    )
    return (
        "case_manager",
        w.url("attendance", pk=appointment.pk),
        {"outcome": "ATTC", "loaded_version": str(appointment.version)},
        f"The appointment on {long_date(ahead)} has not happened yet",
    )


def _suspension(w: World) -> Posting:
    starts = w.made + dt.timedelta(days=10)
    fields = {
        **date_fields("starts_on", starts),
        **date_fields("ends_on", starts - dt.timedelta(days=1)),
        "reason": "Home detoxification",
    }
    return (
        "case_manager",
        w.url("suspension"),
        fields,
        f"The last day of the suspension must be on or after {long_date(starts)},"
        " when the suspension starts",
    )


def _before_breach(name: str, fields: dict[str, str], subject: str) -> Callable[[World], Posting]:
    def row(w: World) -> Posting:
        breach = w.running.breach
        return (
            "case_manager",
            w.url(name, pk=breach.pk),
            {
                **date_fields("on", breach.on - dt.timedelta(days=1)),
                "loaded_version": str(breach.version),
                **fields,
            },
            f"{subject} must be on or after {long_date(breach.on)}, when the breach was instigated",
        )

    return row


def _warrant(w: World) -> Posting:
    breach = w.running.breach
    issued = breach.on + dt.timedelta(days=2)
    fields = {
        **date_fields("issued_on", issued),
        **date_fields("executed_on", issued - dt.timedelta(days=1)),
        "loaded_version": str(breach.version),
    }
    return (
        "case_manager",
        w.url("breach-warrant", pk=breach.pk),
        fields,
        f"The date the warrant was executed must be on or after {long_date(issued)},"
        " when the warrant was issued",
    )


def _conviction(w: World) -> Posting:
    convicted = w.today - dt.timedelta(days=2)
    fields = {
        **date_fields("on", convicted),
        **date_fields("offence_on", convicted + dt.timedelta(days=1)),
        "offence": "Theft",
    }
    return (
        "case_manager",
        w.url("conviction"),
        fields,
        f"Date of the offence must be on or before {long_date(convicted)}, the date of conviction",
    )


def _report_sent_without_assessment(w: World) -> Posting:
    report = w.running.report
    return (
        "case_manager",
        w.url("review-report", due=report.review_due.isoformat()),
        {
            "tests_summary": "Two tests, one positive",
            "assessment": "",
            "loaded_version": str(report.version),
            "send": "Send",
        },
        "Enter the case manager's assessment of attitude and response before sending the report",
    )


def _court_feedback(w: World) -> Posting:
    report = w.running.report
    reporting_services.edit_review_report(report, by=ACTOR, assessment="Engaging well")
    reporting_services.send_review_report(report, by=ACTOR, today=w.today)
    due = report.review_due.isoformat()
    return (
        "court_user",
        w.url("review-report-feedback", due=due),
        {"feedback": "useful", **date_fields("on", w.today - dt.timedelta(days=1))},
        f"Date of the feedback must be on or after {long_date(w.today)}, when the report was sent",
    )


def _reopen_a_draft(w: World) -> Posting:
    report = w.running.report
    return (
        "case_manager",
        w.url("review-report-reopen", due=report.review_due.isoformat()),
        {"reason": "A date is wrong", "loaded_version": str(report.version)},
        "Only a report sent to the court can be reopened",
    )


def _aftercare(w: World) -> Posting:
    services.terminate_order(w.running.order, by=ACTOR, on=w.today, reason="completed")
    fields = {**date_fields("treatment_started_on", w.today - dt.timedelta(days=1))}
    return (
        "case_manager",
        w.url("aftercare"),
        fields,
        f"Date treatment started must be on or after {long_date(w.today)}, when the Order ended",
    )


ROWS: list[tuple[str, Callable[[World], Posting]]] = [
    ("referral", _referral),
    ("assessment", _assessment),
    ("order", _order),
    (
        "appointment",
        _before_order(
            "appointment-new",
            {"hours": "2", "with_whom": "probation"},
            "The date of the appointment",
        ),
    ),
    ("attendance", _attendance),
    ("drug test", _before_order("test-new", {"outcome": "refused"}, "Date of the test")),
    ("drug test results", _refused_test_with_a_result),
    (
        "contact level",
        _before_order(
            "contact-level", {"level": "reduced"}, "The date the new contact level starts"
        ),
    ),
    ("suspension", _suspension),
    ("warning", _before_order("warning-new", {"reason": "Missed"}, "Date of the warning")),
    (
        "breach",
        _before_order(
            "breach-new", {"reason": "Missed twice"}, "Date breach action was instigated"
        ),
    ),
    ("breach hearing", _before_breach("breach-hearing", {}, "Date of the hearing")),
    ("warrant", _warrant),
    (
        "breach decision",
        _before_breach("breach-decision", {"outcome": "continued"}, "Date of the decision"),
    ),
    ("conviction", _conviction),
    (
        "review",
        _before_order(
            "review-record", {"hearing": "yes", "sat": "HHJ Example"}, "Date of the review"
        ),
    ),
    ("review report sent", _report_sent_without_assessment),
    ("court feedback", _court_feedback),
    ("reopening a draft report", _reopen_a_draft),
    (
        "termination",
        _before_order("terminate", {"reason": "completed"}, "Date the Order ended"),
    ),
    ("aftercare", _aftercare),
]


@pytest.fixture
def world(db: None) -> World:
    users = make_personas()
    return World(make_running_case(users["case_manager"]), users)


def _summary(page: str) -> list[str]:
    found = _SUMMARY.search(page)
    assert found is not None, "the page shows no error summary"
    return [html.unescape(re.sub(r"\s+", " ", m).strip()) for m in _ITEM.findall(found.group(1))]


@pytest.mark.parametrize(("name", "row"), ROWS, ids=[name for name, _ in ROWS])
def test_a_service_refusal_reads_as_a_sentence_on_the_page(
    world: World, name: str, row: Callable[[World], Posting]
) -> None:
    persona, url, fields, expected = row(world)
    client = Client()
    client.force_login(world.users[persona])
    response = post_form(client, url, fields)
    assert response.status_code == 200
    messages = _summary(response.content.decode())
    assert expected in messages
    for message in messages:
        assert message[:1].isupper(), message
        assert "YYYY-MM-DD" not in message
        assert not _ISO_DATE.search(message), message
        assert "_" not in message
        assert "is required" not in message


# --- Every field of every recording form, as a service's message would name it ---------------


def _every_form() -> list[Any]:
    from dtto.accounts.models import Area
    from dtto.cases import forms

    area = Area.objects.get(code="leicestershire").pk
    built = []
    for form_class in _subclasses(forms.ServiceForm):
        if form_class in (forms.OrderForm, forms.CaseManagerForm):
            extra: dict[str, Any] = {"area_id": area}
            if form_class is forms.OrderForm:
                extra["assessed_suitable"] = False  # with the questions about the advice
            built.append(form_class(**extra))
        else:
            built.append(form_class())
    return built


def _subclasses(cls: type) -> list[type]:
    found = []
    for sub in cls.__subclasses__():
        found.append(sub)
        found.extend(_subclasses(sub))
    return found


def test_every_field_a_service_finds_missing_is_asked_for_in_words(db: None) -> None:
    from dtto.standards.errors import FieldError

    wrong = []
    for form in _every_form():
        for name, field in form.fields.items():
            if not field.label:
                continue  # hidden: the record's version, never named on the page
            said = form.service_message(name, FieldError(name, "is required"))
            if not said.startswith(("Enter ", "Select ")) or "_" in said or "?" in said:
                wrong.append(f"{type(form).__name__}.{name}: {said}")
    assert wrong == []


# Labels that cannot begin "<label> must be ...": a question, or a bare preposition.
_NOT_A_SUBJECT = re.compile(r"\?|^(From|To|With)$| (on|to|by|from)$|\(inclusive\)")


def test_every_field_begins_a_sentence_when_a_service_refuses_its_value(db: None) -> None:
    from dtto.standards.errors import FieldError

    wrong = []
    for form in _every_form():
        for name, field in form.fields.items():
            if not field.label:
                continue
            said = form.service_message(name, FieldError(name, "must be today or in the past"))
            subject = said.removesuffix(" must be today or in the past")
            if not subject[:1].isupper() or _NOT_A_SUBJECT.search(subject):
                wrong.append(f"{type(form).__name__}.{name}: {said}")
    assert wrong == []
