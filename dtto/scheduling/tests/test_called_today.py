"""Tests called for today: in the case manager's queue and on the case page, never a failure
by themselves.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from dtto.accounts.models import Role
from dtto.audit.services import Actor
from dtto.cases import services as case_services
from dtto.cases.models import Order
from dtto.cases.queues import build_queue
from dtto.cases.tests.web import make_running_case, make_user
from dtto.cases.timeline import evaluate_order
from dtto.scheduling import draw as drawing
from dtto.scheduling.models import TestDraw
from dtto.scheduling.services import draw_week

pytestmark = pytest.mark.django_db

MADE_ON = dt.date(2026, 11, 2)  # a Monday
WEEK_ONE = [MADE_ON + dt.timedelta(days=n) for n in range(5)]  # Monday 2 to Friday 6 November
ACTOR = Actor.system("test")
CALLED = "Drug test called for today"


@pytest.fixture(autouse=True)
def _key(settings: Any) -> None:
    settings.DTTO_TEST_DRAW_KEY = "a test key, not the demo key"


def _order() -> Order:
    case = case_services.register_referral(
        by=ACTOR,
        today=MADE_ON,
        reference="LEI-1",
        area="leicestershire",
        name="Sam Test",
        date_of_birth=dt.date(1980, 5, 1),
        sex="M",
        ethnicity="W1",
        referred_on=MADE_ON - dt.timedelta(days=30),
        referral_source="court",
    )
    case_services.record_assessment(case, by=ACTOR, outcome="suitable", today=MADE_ON)
    return case_services.make_order(
        case, by=ACTOR, today=MADE_ON, made_on=MADE_ON, length_months=12, intensity="higher"
    )


def _called_in_queue(day: dt.date) -> list[str]:
    queue = build_queue(Order.objects.all(), day)
    section = next(s for s in queue.sections if s.key == "called")
    return [item.reference for item in section.items]


def test_the_queue_lists_the_person_on_each_called_day_and_on_no_other_weekday():
    _order()
    draw_week(MADE_ON, today=MADE_ON - dt.timedelta(days=3))
    called = TestDraw.objects.get().called_days

    shown = {day: _called_in_queue(day) for day in WEEK_ONE}

    assert shown == {day: ["LEI-1"] if day in called else [] for day in WEEK_ONE}
    assert len([day for day in WEEK_ONE if shown[day]]) == 2


def test_the_call_leaves_the_queue_once_the_days_test_is_recorded():
    order = _order()
    draw_week(MADE_ON, today=MADE_ON - dt.timedelta(days=3))
    day = TestDraw.objects.get().called_days[0]

    case_services.record_test(
        order, by=ACTOR, on=day, outcome="sample", results={"opiates": "negative"}, today=day
    )

    assert _called_in_queue(day) == []


def test_a_call_in_not_answered_is_not_an_unacceptable_failure_by_itself():
    order = _order()
    draw_week(MADE_ON, today=MADE_ON - dt.timedelta(days=3))

    evaluation = evaluate_order(order, MADE_ON + dt.timedelta(days=13))

    assert evaluation.weeks[0].tests_met is False  # the week is short of tests, and that is all
    assert evaluation.failures == ()


def _called_today(order: Order) -> None:
    """A recorded draw calling the person today (the real today, which the case page uses)."""
    today = timezone.localdate()
    week = drawing.week_number(order.made_on, today)
    starts = drawing.week_starts_on(order.made_on, week)
    TestDraw.objects.create(
        order=order,
        week=week,
        starts_on=starts,
        ends_on=starts + dt.timedelta(days=6),
        callable_from=starts,
        rule_set="higher-2001",
        tests_required=1,
        algorithm=drawing.ALGORITHM,
        days=today.isoformat(),
        digest="0" * 64,
        key_id="0" * 12,
        made_by="test",
    )


@pytest.mark.parametrize(
    ("role", "shown"),
    [(Role.CASE_MANAGER, True), (Role.TREATMENT_WORKER, True), (Role.COURT_USER, False)],
)
def test_the_case_page_says_a_test_is_called_for_today_to_those_who_see_tests(role, shown):
    case_manager = make_user("cm", Role.CASE_MANAGER)
    running = make_running_case(case_manager)
    _called_today(running.order)
    viewer = case_manager if role == Role.CASE_MANAGER else make_user("viewer", role)
    client = Client()
    client.force_login(viewer)

    page = client.get(reverse("cases:detail", args=[running.case.reference])).content.decode()

    assert (CALLED in page) is shown


def test_the_case_page_says_nothing_on_a_day_with_no_call():
    case_manager = make_user("cm", Role.CASE_MANAGER)
    running = make_running_case(case_manager)
    client = Client()
    client.force_login(case_manager)

    page = client.get(reverse("cases:detail", args=[running.case.reference])).content.decode()

    assert CALLED not in page


def test_the_case_page_links_the_call_to_recording_the_test():
    case_manager = make_user("cm", Role.CASE_MANAGER)
    running = make_running_case(case_manager)
    _called_today(running.order)
    client = Client()
    client.force_login(case_manager)

    page = client.get(reverse("cases:detail", args=[running.case.reference])).content.decode()

    assert (
        f'href="{reverse("cases:test-new", args=[running.case.reference])}">Record the test' in page
    )
