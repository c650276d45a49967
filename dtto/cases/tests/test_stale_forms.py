"""Stale forms: two people load the same edit form, both save; the second is refused.

Each edit form carries the version of the record it was loaded with; the service moves the
version on in the same UPDATE that checks it, so the second save finds the record changed,
is refused with who changed it and when, and changes nothing: the first person's change
survives and no audit event is added (docs/decisions/0011-optimistic-locking-and-input-limits.md).
"""

from __future__ import annotations

import datetime as dt
import html
import re
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from dtto.accounts.models import Role, User
from dtto.audit.models import AuditEvent
from dtto.cases import reporting_services, services
from dtto.cases.models import (
    Appointment,
    Breach,
    DrugTestResult,
    Order,
    ReviewReport,
    Versioned,
)
from dtto.cases.tests.web import ACTOR, RunningCase, date_fields, make_running_case, make_user
from dtto.lib.dates import long_date_time
from dtto.standards.errors import RecordChanged

pytestmark = pytest.mark.django_db

_HIDDEN = re.compile(r'<input type="hidden" name="([^"]+)" value="([^"]*)"')


def loaded(client: Client, url: str) -> dict[str, str]:
    """The hidden fields of the form at ``url`` (token and version), as a browser keeps them."""
    response = client.get(url)
    assert response.status_code == 200
    return {
        name: html.unescape(value) for name, value in _HIDDEN.findall(response.content.decode())
    }


@dataclass(frozen=True)
class EditForm:
    """One edit form: who edits it, what each of the two saves posts, and what survives."""

    name: str
    url: Callable[[RunningCase], str]
    editors: tuple[str, str]  # usernames of the first and second editor
    first: Callable[[RunningCase], dict[str, str]]
    second: Callable[[RunningCase], dict[str, str]]
    current: Callable[[RunningCase], object]
    first_value: Callable[[RunningCase], object]
    record: Callable[[RunningCase], Versioned]


def _appointment(world: RunningCase) -> Appointment:
    return Appointment.objects.filter(order=world.order).order_by("on", "id").first()  # type: ignore[return-value]


def _result(world: RunningCase) -> DrugTestResult:
    return DrugTestResult.objects.get(test__order=world.order, substance__code="opiates")


def _report_url(world: RunningCase) -> str:
    return reverse(
        "cases:review-report",
        kwargs={"reference": world.case.reference, "due": world.report.review_due.isoformat()},
    )


def _ref(world: RunningCase) -> str:
    return world.case.reference


EDIT_FORMS = [
    EditForm(
        "case manager of the Order",
        lambda w: reverse("cases:case-manager", kwargs={"reference": _ref(w)}),
        ("cm", "cm2"),
        lambda w: {"case_manager": "cm2"},
        lambda w: {"case_manager": ""},
        lambda w: Order.objects.get(pk=w.order.pk).case_manager_id,
        lambda w: User.objects.get(username="cm2").pk,
        lambda w: w.order,
    ),
    EditForm(
        "attendance outcome",
        lambda w: reverse(
            "cases:attendance", kwargs={"reference": _ref(w), "pk": _appointment(w).pk}
        ),
        ("cm", "cm2"),
        lambda w: {"outcome": "UAAB"},
        lambda w: {"outcome": "ATTC"},
        lambda w: _appointment(w).outcome.code,
        lambda w: "UAAB",
        _appointment,
    ),
    EditForm(
        "review report",
        _report_url,
        ("cm", "cm2"),
        lambda w: {"assessment": "Engaging well", "tests_summary": "As drafted"},
        lambda w: {"assessment": "Not engaging", "tests_summary": "As drafted"},
        lambda w: ReviewReport.objects.get(pk=w.report.pk).assessment,
        lambda w: "Engaging well",
        lambda w: w.report,
    ),
    EditForm(
        "treatment provider's view",
        _report_url,
        ("tw", "tw2"),
        lambda w: {"provider_view": "Attending keywork"},
        lambda w: {"provider_view": "Missed keywork"},
        lambda w: ReviewReport.objects.get(pk=w.report.pk).provider_view,
        lambda w: "Attending keywork",
        lambda w: w.report,
    ),
    EditForm(
        "laboratory confirmation",
        lambda w: reverse(
            "cases:confirm-result", kwargs={"reference": _ref(w), "pk": _result(w).pk}
        ),
        ("cm", "cm2"),
        lambda w: {"confirmed": "yes"},
        lambda w: {"confirmed": "no"},
        lambda w: _result(w).confirmed,
        lambda w: True,
        _result,
    ),
    EditForm(
        "warrant",
        lambda w: reverse("cases:breach-warrant", kwargs={"reference": _ref(w), "pk": w.breach.pk}),
        ("cm", "cm2"),
        lambda w: date_fields("issued_on", w.breach.on + dt.timedelta(days=2)),
        lambda w: date_fields("issued_on", w.breach.on + dt.timedelta(days=5)),
        lambda w: Breach.objects.get(pk=w.breach.pk).warrant_issued_on,
        lambda w: w.breach.on + dt.timedelta(days=2),
        lambda w: w.breach,
    ),
]


@pytest.fixture
def world() -> RunningCase:
    case_manager = make_user("cm", Role.CASE_MANAGER)
    make_user("cm2", Role.CASE_MANAGER)
    make_user("tw", Role.TREATMENT_WORKER)
    make_user("tw2", Role.TREATMENT_WORKER)
    return make_running_case(case_manager)


def _client(username: str) -> Client:
    client = Client()
    client.force_login(User.objects.get(username=username))
    return client


def _changes() -> int:
    """Audit events of changes (a page showing the record is audited as a view)."""
    return AuditEvent.objects.exclude(action="cases.person.viewed").count()


@pytest.mark.parametrize("form", EDIT_FORMS, ids=lambda f: f.name)
def test_second_of_two_saves_of_one_loaded_form_is_refused_and_the_first_survives(
    world: RunningCase, form: EditForm
) -> None:
    url = form.url(world)
    first_client, second_client = (_client(name) for name in form.editors)
    first_loaded = loaded(first_client, url)
    second_loaded = loaded(second_client, url)
    assert first_loaded["loaded_version"] == second_loaded["loaded_version"]

    first = first_client.post(url, {**form.first(world), **first_loaded})
    assert first.status_code == 302, re.findall(r"Error:</span>([^<]*)", first.content.decode())
    events = _changes()
    first_change = AuditEvent.objects.order_by("-sequence").first()
    assert first_change is not None
    version = type(form.record(world))._default_manager.get(pk=form.record(world).pk).version

    second = second_client.post(url, {**form.second(world), **second_loaded})

    assert second.status_code == 200
    page = html.unescape(second.content.decode())
    first_name = User.objects.get(username=form.editors[0]).get_full_name()
    when = long_date_time(timezone.localtime(first_change.at))
    assert f"This was changed by {first_name} at {when}: review the changes and try again" in page
    assert form.current(world) == form.first_value(world)
    assert _changes() == events
    record = form.record(world)
    assert type(record)._default_manager.get(pk=record.pk).version == version


@pytest.mark.parametrize("form", EDIT_FORMS, ids=lambda f: f.name)
def test_form_loaded_after_the_change_saves(world: RunningCase, form: EditForm) -> None:
    url = form.url(world)
    first_client, second_client = (_client(name) for name in form.editors)
    first = first_client.post(url, {**form.first(world), **loaded(first_client, url)})
    assert first.status_code == 302

    second = second_client.post(url, {**form.second(world), **loaded(second_client, url)})

    assert second.status_code == 302
    assert form.current(world) != form.first_value(world)


def test_service_refuses_a_stale_version_naming_who_changed_it_and_when(
    world: RunningCase,
) -> None:
    order = world.order
    loaded_version = Order.objects.get(pk=order.pk).version
    second_manager = User.objects.get(username="cm2")
    services.assign_case_manager(
        order, by=second_manager, case_manager=second_manager, loaded_version=loaded_version
    )
    changed_at = AuditEvent.objects.order_by("-sequence").first()
    assert changed_at is not None

    with pytest.raises(RecordChanged) as refused:
        services.assign_case_manager(
            Order.objects.get(pk=order.pk),
            by=ACTOR,
            case_manager=None,
            loaded_version=loaded_version,
        )

    assert refused.value.changed_by == "Cm2"
    assert refused.value.changed_at == long_date_time(timezone.localtime(changed_at.at))
    assert refused.value.version == loaded_version + 1
    assert Order.objects.get(pk=order.pk).case_manager == second_manager


def test_every_change_moves_the_version_on_by_one(world: RunningCase) -> None:
    report = ReviewReport.objects.get(pk=world.report.pk)
    start = report.version

    reporting_services.edit_review_report(report, by=ACTOR, assessment="First")
    reporting_services.edit_review_report(report, by=ACTOR, assessment="Second")

    assert ReviewReport.objects.get(pk=report.pk).version == start + 2


def test_long_date_time_reads_as_people_write_it() -> None:
    assert long_date_time(dt.datetime(2026, 11, 15, 10, 4)) == "15 November 2026, 10:04"
