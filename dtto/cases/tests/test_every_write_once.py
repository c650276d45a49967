"""Every write once: a recording form saved twice (Back, then Save) records once.

Each recording form carries a one-time token; the second save of the same form finds it
consumed, records nothing and says so, and takes the user to what the first save recorded
(docs/decisions/0006-every-write-once.md). "Records nothing" is measured on the audit
trail, which every service writes exactly once per change, and on the record's own table
where the form creates one.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.db import models
from django.test import Client
from django.urls import reverse

from dtto.accounts.models import Role, User
from dtto.accounts.tests.signing_in import sign_in_as
from dtto.audit.models import AuditEvent
from dtto.audit.services import SEEN_ACTIONS
from dtto.cases import reporting_services, services
from dtto.cases.models import (
    Appointment,
    Assessment,
    BreachHearing,
    Case,
    ContactLevelChange,
    Conviction,
    CourtReview,
    DrugTest,
    DrugTestResult,
    FormalWarning,
    FormSubmission,
    Order,
    ReviewReport,
    Suspension,
    Termination,
)
from dtto.cases.tests.web import (
    ACTOR,
    RunningCase,
    date_fields,
    form_token,
    make_running_case,
    make_user,
)
from dtto.cases.timeline import evaluate_order
from dtto.cases.views.once import ALREADY_RECORDED, REFUSED
from dtto.lib.dates import long_date
from dtto.standards.errors import RecordInvalid

# The messages as the page shows them (apostrophes escaped by the template).
ALREADY_SHOWN = "Already recorded: this form was saved before, so nothing new was recorded."
REFUSED_SHOWN = "could not be checked as one dtto gave you, so nothing was recorded"
assert ALREADY_RECORDED.startswith(ALREADY_SHOWN) and REFUSED_SHOWN in REFUSED


@dataclass
class World:
    running: RunningCase
    users: dict[str, User]
    new_case: Case  # referred and assessed, no Order yet

    @property
    def ref(self) -> str:
        return self.running.case.reference

    @property
    def today(self) -> dt.date:
        return self.running.today


@pytest.fixture
def world(db) -> World:
    cm = make_user("cm", Role.CASE_MANAGER)
    users = {
        "cm": cm,
        "cm2": make_user("cm2", Role.CASE_MANAGER),
        "tw": make_user("tw", Role.TREATMENT_WORKER),
        "court": make_user("court", Role.COURT_USER),
    }
    running = make_running_case(cm)
    new_case = services.register_referral(
        by=ACTOR,
        reference="WEB-0002",
        area="leicestershire",
        name="Sam Secondperson",
        date_of_birth=dt.date(1985, 5, 6),
        sex="F",
        ethnicity="W1",
        referred_on=running.today - dt.timedelta(days=3),
        referral_source="court",
    )
    services.record_assessment(
        new_case,
        by=ACTOR,
        outcome="suitable",
        started_on=running.today - dt.timedelta(days=2),
        completed_on=running.today - dt.timedelta(days=1),
        recommended_intensity="higher",
    )
    return World(running, users, new_case)


def _report_url(w: World, name: str = "cases:review-report", due: dt.date | None = None) -> str:
    due = due or w.running.report.review_due
    return reverse(name, kwargs={"reference": w.ref, "due": due.isoformat()})


def _second_review_due(w: World) -> dt.date:
    return evaluate_order(w.running.order, w.today).reviews[1].due


def _send_report(w: World) -> None:
    report = reporting_services.edit_review_report(
        w.running.report, by=ACTOR, assessment="Engaging."
    )
    reporting_services.send_review_report(report, by=ACTOR)


@dataclass(frozen=True)
class RecordingForm:
    """One recording form: who fills it, where it is shown and posted, and what it records."""

    name: str
    user: str
    url: Callable[[World], str]
    fields: Callable[[World], dict[str, str]]
    # The table that gains exactly one row, for forms that create a record.
    creates: type[models.Model] | None = None
    shown_at: Callable[[World], str] | None = None  # where the form is shown, if elsewhere
    prepare: Callable[[World], object] | None = None


def _case(name: str, **kwargs: Any) -> Callable[[World], str]:
    return lambda w: reverse(name, kwargs={"reference": w.ref, **kwargs})


def _first_appointment_outcome(w: World) -> str:
    pk = w.running.order.appointments.order_by("on", "pk")[0].pk
    return reverse("cases:attendance", kwargs={"reference": w.ref, "pk": pk})


def _unconfirmed_positive(w: World) -> str:
    result = DrugTestResult.objects.get(test__order=w.running.order, result="positive")
    return reverse("cases:confirm-result", kwargs={"reference": w.ref, "pk": result.pk})


def _breach(name: str) -> Callable[[World], str]:
    return lambda w: reverse(name, kwargs={"reference": w.ref, "pk": w.running.breach.pk})


FORMS: list[RecordingForm] = [
    RecordingForm(
        "referral",
        "cm",
        lambda w: reverse("cases:referral"),
        lambda w: {
            "reference": "WEB-0003",
            "name": "Alex Thirdperson",
            **date_fields("date_of_birth", dt.date(1990, 7, 8)),
            "sex": "M",
            "ethnicity": "W1",
            **date_fields("referred_on", w.today),
            "referral_source": "court",
        },
        creates=Case,
    ),
    RecordingForm(
        "assessment",
        "cm",
        lambda w: reverse("cases:assessment", args=["WEB-0003"]),
        lambda w: {"outcome": "suitable", **date_fields("started_on", w.today)},
        creates=Assessment,
        prepare=lambda w: services.register_referral(
            by=ACTOR,
            reference="WEB-0003",
            area="leicestershire",
            name="Alex Thirdperson",
            date_of_birth=dt.date(1990, 7, 8),
            sex="M",
            ethnicity="W1",
            referred_on=w.today,
            referral_source="court",
        ),
    ),
    RecordingForm(
        "order",
        "cm",
        lambda w: reverse("cases:order", args=[w.new_case.reference]),
        lambda w: {
            **date_fields("made_on", w.today),
            "length_months": "12",
            "intensity": "higher",
            "court": "leicestershire-mc",
            "treatment_provider": "leicestershire-treatment",
            "team": "leicestershire-dtto",
            "case_manager": "cm",
        },
        creates=Order,
    ),
    RecordingForm(
        "case manager", "cm", _case("cases:case-manager"), lambda w: {"case_manager": "cm2"}
    ),
    RecordingForm(
        "appointment",
        "cm",
        _case("cases:appointment-new"),
        lambda w: {
            **date_fields("on", w.today),
            "hours": "2.5",
            "with_whom": "probation",
            "outcome": "ATTC",
        },
        creates=Appointment,
    ),
    RecordingForm("attendance", "tw", _first_appointment_outcome, lambda w: {"outcome": "ATTC"}),
    RecordingForm(
        "drug test",
        "tw",
        _case("cases:test-new"),
        lambda w: {**date_fields("on", w.today), "outcome": "sample", "result_opiates": "negative"},
        creates=DrugTest,
    ),
    RecordingForm("confirmation", "tw", _unconfirmed_positive, lambda w: {"confirmed": "yes"}),
    RecordingForm(
        "contact level",
        "cm",
        _case("cases:contact-level"),
        lambda w: {**date_fields("on", w.today), "level": "reduced"},
        creates=ContactLevelChange,
    ),
    RecordingForm(
        "suspension",
        "cm",
        _case("cases:suspension"),
        lambda w: {
            **date_fields("starts_on", w.today - dt.timedelta(days=6)),
            **date_fields("ends_on", w.today),
            "reason": "Home detoxification",
        },
        creates=Suspension,
    ),
    RecordingForm(
        "warning",
        "cm",
        _case("cases:warning-new"),
        lambda w: {**date_fields("on", w.today), "reason": "Missed keywork on Monday"},
        creates=FormalWarning,
    ),
    RecordingForm(
        "breach hearing",
        "court",
        _breach("cases:breach-hearing"),
        lambda w: date_fields("on", w.today),
        creates=BreachHearing,
    ),
    RecordingForm(
        "warrant",
        "court",
        _breach("cases:breach-warrant"),
        lambda w: date_fields("issued_on", w.today),
    ),
    RecordingForm(
        "breach decision",
        "court",
        _breach("cases:breach-decision"),
        lambda w: {**date_fields("on", w.today), "outcome": "continued"},
    ),
    RecordingForm(
        "review",
        "court",
        _case("cases:review-record"),
        lambda w: {**date_fields("on", w.today), "hearing": "yes", "sat": "HHJ Example"},
        creates=CourtReview,
    ),
    RecordingForm(
        "termination",
        "cm",
        _case("cases:terminate"),
        lambda w: {**date_fields("on", w.today), "reason": "revoked_non_compliance"},
        creates=Termination,
    ),
    RecordingForm(
        "treatment after the Order",
        "cm",
        _case("cases:aftercare"),
        lambda w: {
            **date_fields("treatment_started_on", w.today),
            "treatment_setting": "community",
        },
        prepare=lambda w: services.terminate_order(
            w.running.order, by=ACTOR, on=w.today, reason="revoked_non_compliance"
        ),
    ),
    RecordingForm(
        "conviction",
        "cm",
        _case("cases:conviction"),
        lambda w: {**date_fields("on", w.today), "offence": "Theft from a shop"},
        creates=Conviction,
    ),
    RecordingForm(
        "review report draft",
        "cm",
        lambda w: _report_url(w, "cases:review-report-draft", _second_review_due(w)),
        lambda w: {},
        creates=ReviewReport,
        shown_at=lambda w: _report_url(w, due=_second_review_due(w)),
    ),
    RecordingForm(
        "review report edit",
        "cm",
        _report_url,
        lambda w: {
            "tests_summary": "Tests.",
            "attendance_summary": "Hours.",
            "assessment": "Honest.",
        },
    ),
    RecordingForm(
        "review report send",
        "cm",
        _report_url,
        lambda w: {"tests_summary": "Tests.", "assessment": "Honest.", "send": "1"},
    ),
    RecordingForm(
        "provider's view", "tw", _report_url, lambda w: {"provider_view": "Engaged well."}
    ),
    RecordingForm(
        "review report reopen",
        "cm",
        lambda w: _report_url(w, "cases:review-report-reopen"),
        lambda w: {"reason": "The test dates were wrong"},
        prepare=_send_report,
    ),
    RecordingForm(
        "court's feedback",
        "court",
        lambda w: _report_url(w, "cases:review-report-feedback"),
        lambda w: {"feedback": "useful", **date_fields("on", w.today)},
        prepare=_send_report,
    ),
]


def _changes() -> int:
    """Changes on the audit trail (every service writes one event per change)."""
    return AuditEvent.objects.exclude(action__in=SEEN_ACTIONS).count()


def _client(w: World, user: str) -> Client:
    client = Client()
    sign_in_as(client, w.users[user])
    return client


@pytest.mark.parametrize("form", FORMS, ids=[f.name for f in FORMS])
def test_a_form_saved_twice_records_once_and_says_it_was_already_recorded(world, form):
    if form.prepare is not None:
        form.prepare(world)
    client = _client(world, form.user)
    url = form.url(world)
    token = form_token(client, form.shown_at(world) if form.shown_at else url)
    rows_before = form.creates.objects.count() if form.creates else 0

    first = client.post(url, {**form.fields(world), "form_token": token})
    assert first.status_code == 302, first.content.decode()[:3000]
    changes_after_first = _changes()
    second = client.post(url, {**form.fields(world), "form_token": token})

    assert _changes() == changes_after_first
    submission = FormSubmission.objects.get()
    assert second.status_code == 302
    assert second["Location"] == submission.url
    assert ALREADY_SHOWN in client.get(second["Location"]).content.decode()
    if form.creates is not None:
        assert form.creates.objects.count() == rows_before + 1
        created = form.creates.objects.latest("pk")
        assert submission.record_id == str(created.pk)


def test_the_second_save_of_an_appointment_goes_to_the_first_on_the_case_page(world):
    client = _client(world, "cm")
    url = reverse("cases:appointment-new", args=[world.ref])
    token = form_token(client, url)
    fields = {
        **date_fields("on", world.today),
        "hours": "2.5",
        "with_whom": "probation",
        "form_token": token,
    }
    client.post(url, fields)
    second = client.post(url, fields)
    appointment = Appointment.objects.latest("pk")
    assert second["Location"] == f"/cases/{world.ref}/#appointment-{appointment.pk}"
    assert Appointment.objects.filter(order=world.running.order, on=world.today).count() == 1


def test_the_second_save_of_a_warning_goes_to_its_letter(world):
    client = _client(world, "cm")
    url = reverse("cases:warning-new", args=[world.ref])
    fields = {
        **date_fields("on", world.today),
        "reason": "Missed",
        "form_token": form_token(client, url),
    }
    client.post(url, fields)
    second = client.post(url, fields)
    warning = FormalWarning.objects.latest("pk")
    assert second["Location"] == f"/cases/{world.ref}/warnings/{warning.pk}/letter/"
    assert FormalWarning.objects.filter(order=world.running.order).count() == 2  # one was there


def _appointment_fields(w: World) -> dict[str, str]:
    return {**date_fields("on", w.today), "hours": "2.5", "with_whom": "probation"}


@pytest.mark.parametrize(
    "token",
    [
        None,
        "",
        "made-up",
        # A real token with its signature altered.
        "TAMPER",
    ],
    ids=["no token", "empty token", "made-up token", "altered token"],
)
def test_a_form_without_a_token_dtto_gave_records_nothing_and_says_so(world, token):
    client = _client(world, "cm")
    url = reverse("cases:appointment-new", args=[world.ref])
    fields = _appointment_fields(world)
    if token == "TAMPER":
        real = form_token(client, url)
        token = real[:-3] + ("aaa" if not real.endswith("aaa") else "bbb")
    if token is not None:
        fields["form_token"] = token
    appointments, changes = Appointment.objects.count(), _changes()

    response = client.post(url, fields)

    page = response.content.decode()
    assert response.status_code == 200
    assert REFUSED_SHOWN in page
    assert Appointment.objects.count() == appointments
    assert _changes() == changes
    assert not FormSubmission.objects.exists()
    assert 'value="2.5"' in page  # what was typed is kept, with a new token to save it
    new_token = form_token_in(page)
    assert client.post(url, {**fields, "form_token": new_token}).status_code == 302
    assert Appointment.objects.count() == appointments + 1


def form_token_in(page: str) -> str:
    start = page.index('name="form_token" value="') + len('name="form_token" value="')
    return page[start : page.index('"', start)]


def test_a_token_given_to_another_user_is_refused(world):
    url = reverse("cases:appointment-new", args=[world.ref])
    workers_token = form_token(_client(world, "tw"), url)
    appointments = Appointment.objects.count()
    response = _client(world, "cm").post(
        url, {**_appointment_fields(world), "form_token": workers_token}
    )
    assert REFUSED_SHOWN in response.content.decode()
    assert Appointment.objects.count() == appointments


def test_a_token_given_for_another_form_is_refused(world):
    client = _client(world, "cm")
    warning_token = form_token(client, reverse("cases:warning-new", args=[world.ref]))
    appointments = Appointment.objects.count()
    response = client.post(
        reverse("cases:appointment-new", args=[world.ref]),
        {**_appointment_fields(world), "form_token": warning_token},
    )
    assert REFUSED_SHOWN in response.content.decode()
    assert Appointment.objects.count() == appointments


def test_a_form_shown_again_with_errors_keeps_its_token_which_then_records_once(world):
    client = _client(world, "cm")
    url = reverse("cases:appointment-new", args=[world.ref])
    token = form_token(client, url)
    before_order = world.running.order.made_on - dt.timedelta(days=2)
    refused = client.post(
        url, {**_appointment_fields(world), **date_fields("on", before_order), "form_token": token}
    )
    made = long_date(world.running.order.made_on)
    assert (
        f"The date of the appointment must be on or after {made}, when the Order was made"
        in refused.content.decode()
    )
    assert form_token_in(refused.content.decode()) == token
    assert not FormSubmission.objects.exists()  # the refused save consumed nothing

    appointments = Appointment.objects.count()
    fields = {**_appointment_fields(world), "form_token": token}
    assert client.post(url, fields).status_code == 302
    assert client.post(url, fields).status_code == 302
    assert Appointment.objects.count() == appointments + 1


def test_each_showing_of_a_form_gives_a_new_token_so_two_appointments_can_be_recorded(world):
    # Two identical appointments on one day can be real (a morning and an afternoon
    # group): only the same form saved twice is refused, not the same facts.
    client = _client(world, "cm")
    url = reverse("cases:appointment-new", args=[world.ref])
    appointments = Appointment.objects.count()
    for _ in range(2):
        fields = {**_appointment_fields(world), "form_token": form_token(client, url)}
        assert client.post(url, fields).status_code == 302
    assert Appointment.objects.count() == appointments + 2


# --- The treatment provider's view is written only by the provider --------------------------


def test_the_case_managers_form_has_no_providers_view_and_cannot_set_it(world):
    client = _client(world, "cm")
    url = _report_url(world)
    page = client.get(url).content.decode()
    assert 'name="provider_view"' not in page
    client.post(
        url,
        {
            "assessment": "Honest.",
            "provider_view": "Written by the case manager",
            "form_token": form_token_in(page),
        },
    )
    world.running.report.refresh_from_db()
    assert world.running.report.assessment == "Honest."
    assert world.running.report.provider_view == ""


def test_the_providers_view_is_written_through_the_page_by_the_orders_treatment_worker(world):
    client = _client(world, "tw")
    url = _report_url(world)
    page = client.get(url).content.decode()
    assert 'name="provider_view"' in page
    client.post(url, {"provider_view": "Engaged well.", "form_token": form_token_in(page)})
    world.running.report.refresh_from_db()
    assert world.running.report.provider_view == "Engaged well."
    event = AuditEvent.objects.get(action="cases.review_report.provider_view_added")
    assert event.actor == world.users["tw"]


@pytest.mark.parametrize("who", ["cm", "court", "system", "other provider"])
def test_no_one_but_the_orders_provider_writes_the_providers_view(world, who):
    if who == "system":
        by = ACTOR
    elif who == "other provider":
        by = make_user("kent-tw", Role.TREATMENT_WORKER, "kent")
    else:
        by = world.users[who]
    with pytest.raises(RecordInvalid) as refused:
        reporting_services.add_provider_view(world.running.report, by=by, provider_view="Mine.")
    assert list(refused.value.by_field()) == ["provider_view"]
    world.running.report.refresh_from_db()
    assert world.running.report.provider_view == ""


def test_editing_the_report_cannot_write_the_providers_view(world):
    with pytest.raises(RecordInvalid) as refused:
        reporting_services.edit_review_report(
            world.running.report, by=world.users["cm"], provider_view="Mine."
        )
    assert list(refused.value.by_field()) == ["provider_view"]


def test_a_provider_posting_a_view_to_a_report_of_another_providers_order_is_refused(world):
    # The worker can open the case only through their provider, so the page is not found.
    other = make_user("kent-tw", Role.TREATMENT_WORKER, "kent")
    client = Client()
    sign_in_as(client, other)
    response = client.post(_report_url(world), {"provider_view": "Mine.", "form_token": "x"})
    assert response.status_code == 404
    world.running.report.refresh_from_db()
    assert world.running.report.provider_view == ""


# --- Back: the form shown again from its address keeps its token --------------------------


def test_the_form_shown_again_from_its_address_keeps_its_token_and_says_it_was_saved(world):
    client = _client(world, "cm")
    url = reverse("cases:appointment-new", args=[world.ref])
    token = form_token(client, url)
    fields = {**_appointment_fields(world), "form_token": token}
    client.post(f"{url}?form={token}", fields)

    # What Back asks for: the page at its address, which carries the token.
    page = client.get(url, {"form": token}).content.decode()
    assert form_token_in(page) == token
    assert "This form was saved already" in page
    appointment = Appointment.objects.latest("pk")
    assert f'href="/cases/{world.ref}/#appointment-{appointment.pk}"' in page
    appointments = Appointment.objects.count()
    client.post(f"{url}?form={token}", fields)
    assert Appointment.objects.count() == appointments


def test_an_address_with_a_token_dtto_did_not_give_shows_a_new_form(world):
    client = _client(world, "cm")
    url = reverse("cases:appointment-new", args=[world.ref])
    others = form_token(_client(world, "tw"), url)
    for shown in ("made-up", others):
        page = client.get(url, {"form": shown}).content.decode()
        assert form_token_in(page) not in ("made-up", others)
        assert "This form was saved already" not in page
