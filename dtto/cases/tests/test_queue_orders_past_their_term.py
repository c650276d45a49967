"""An Order whose term has ended with no termination asks only for its termination."""

from __future__ import annotations

import datetime as dt
import html
import re

import pytest
from django.test import Client
from django.urls import reverse

from dtto.accounts.models import Role
from dtto.cases import services
from dtto.cases.models import Order
from dtto.cases.queues import COURT_SECTIONS, build_queue
from dtto.cases.tests.factories import TEST_ACTOR, make_order
from dtto.cases.tests.web import make_user

pytestmark = pytest.mark.django_db

MADE = dt.date(2003, 2, 3)
YEARS_LATER = dt.date(2026, 11, 26)


def _old_order_left_open() -> Order:
    """A 12-month Order from 2003 with a missed appointment and a breach, never terminated."""
    order = make_order(made_on=MADE)
    today = dt.date(2004, 6, 30)
    services.record_appointment(
        order,
        by=TEST_ACTOR,
        on=MADE + dt.timedelta(days=1),
        hours="2",
        with_whom="probation",
        outcome="UAAB",
        today=today,
    )
    services.record_appointment(
        order,
        by=TEST_ACTOR,
        on=MADE + dt.timedelta(days=2),
        hours="2",
        with_whom="treatment",
        today=today,
    )
    breach = services.instigate_breach(
        order, by=TEST_ACTOR, on=MADE + dt.timedelta(days=20), reason="Missed", today=today
    )
    services.record_warrant(
        breach, by=TEST_ACTOR, issued_on=MADE + dt.timedelta(days=30), today=today
    )
    return order


def _items(queue) -> dict[str, list[str]]:
    return {s.key: [i.what for i in s.items] for s in queue.sections if s.items}


def test_an_order_past_its_term_only_asks_for_its_termination() -> None:
    _old_order_left_open()
    queue = build_queue(Order.objects.all(), YEARS_LATER)
    assert _items(queue) == {
        "ending": ["Record the termination: the Order's term ended on 2 February 2004"]
    }
    assert queue.orders == 0  # not counted as running


def test_court_queue_has_no_breaches_or_warrants_from_orders_past_their_term() -> None:
    _old_order_left_open()
    queue = build_queue(Order.objects.all(), YEARS_LATER, sections=COURT_SECTIONS)
    assert queue.total == 0


def test_a_running_order_still_shows_its_breach_and_warrant() -> None:
    _old_order_left_open()
    queue = build_queue(Order.objects.all(), dt.date(2003, 4, 1), sections=COURT_SECTIONS)
    items = _items(queue)
    assert items["breaches"] == [
        "Record the court's decision on the breach instigated on 23 February 2003"
    ]
    assert items["warrants"] == ["Record the execution of the warrant issued on 5 March 2003"]


def _needs_now(page: str) -> str:
    """The text of the case page's panel "What this case needs now"."""
    panel = page.split('id="needs-now"', 1)[1].split("</div>", 1)[0]
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", panel)).split())


def test_the_case_page_asks_only_for_the_termination_of_an_order_past_its_term() -> None:
    # The page hands the queue the Order it has read; the queue's own filters (read with the
    # Order) must still find it past its term today, and not running.
    order = _old_order_left_open()
    client = Client()
    client.force_login(make_user("cm", Role.CASE_MANAGER))
    page = client.get(reverse("cases:detail", args=[order.case.reference])).content.decode()
    panel = _needs_now(page)
    assert "Overdue (1)" in panel
    assert "Record the termination: the Order's term ended on 2 February 2004" in panel
    # The missed appointment of 2003 and the open breach are history, not today's work.
    assert "breach" not in panel.lower()
    assert "warning" not in panel.lower()


def test_the_case_page_of_a_terminated_order_asks_for_nothing() -> None:
    order = _old_order_left_open()
    services.terminate_order(
        order,
        by=TEST_ACTOR,
        on=dt.date(2004, 2, 2),
        reason="completed",
        today=dt.date(2004, 6, 30),
    )
    client = Client()
    client.force_login(make_user("cm", Role.CASE_MANAGER))
    page = client.get(reverse("cases:detail", args=[order.case.reference])).content.decode()
    assert "Record the termination" not in _needs_now(page)
