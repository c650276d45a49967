"""The case page and the work queues make a fixed number of queries, however long the record.

Each count is worked out from what the page reads (listed beside it), and is measured twice:
with the running case of ``web.make_running_case`` and again after adding many more records
(or Orders), which must not add a query.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from dtto.accounts.models import Role, User
from dtto.cases import services
from dtto.cases.tests.web import ACTOR, RunningCase, make_running_case, make_user

pytestmark = pytest.mark.django_db

SIGNED_IN = 2  # the session, the user
SESSION_SAVED = 3  # savepoint, the session's update, release
TIMELINE = 11  # codes, appointments, test results, tests, warnings, breaches, reviews,
# contact levels, suspensions, terminations, the Orders' terms (dtto.cases.timeline)

# The case page: the case, its Order, the timeline, the review reports, the view's audit
# event (savepoint, chain head locked and read, the event, head updated, release), the
# assessment, the Order's records for the lists (appointments, tests, their results, the
# substances, admitted drugs, warnings, breaches, reviews, contact levels, suspensions,
# the termination, convictions), the open breaches, this week's test draw, the area, the
# code lists of the forms.
CASE_PAGE = SIGNED_IN + 2 + TIMELINE + 1 + 6 + 1 + 12 + 1 + 1 + 1 + 1 + SESSION_SAVED
# The case manager's queue: the running Orders with their cases and people, the timeline of
# all of them at once, the assessments waiting, the review reports, the Orders past their
# term, today's test draws, the appointments called today, the breaches, the user's area.
HOME_QUEUE = SIGNED_IN + 1 + TIMELINE + 1 + 1 + 1 + 1 + 1 + 1 + 1 + SESSION_SAVED


def queries(client: Client, url: str) -> int:
    client.get(url)  # the first request may fill the process's caches
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured)


def signed_in(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def add_a_month_of_records(running: RunningCase) -> None:
    order, day = running.order, running.order.made_on + dt.timedelta(days=14)
    for offset in range(30):
        on = day + dt.timedelta(days=offset)
        services.record_appointment(
            order, by=ACTOR, on=on, hours="2", with_whom="treatment", outcome="ATTC"
        )
        services.record_test(
            order, by=ACTOR, on=on, outcome="sample", results={"opiates": "negative"}
        )
    services.give_warning(order, by=ACTOR, on=day, reason="Late again")


def test_the_case_page_makes_the_same_queries_however_many_records_it_shows() -> None:
    cm = make_user("cm", Role.CASE_MANAGER)
    running = make_running_case(cm)
    client = signed_in(cm)
    url = reverse("cases:detail", args=[running.case.reference])
    assert queries(client, url) == CASE_PAGE
    add_a_month_of_records(running)
    assert queries(client, url) == CASE_PAGE


def test_the_case_managers_queue_makes_the_same_queries_however_many_orders_it_holds() -> None:
    cm = make_user("cm", Role.CASE_MANAGER)
    running = make_running_case(cm)
    client = signed_in(cm)
    assert queries(client, "/") == HOME_QUEUE
    add_a_month_of_records(running)
    for number in range(2, 6):
        make_running_case(cm, reference=f"WEB-000{number}")
    assert queries(client, "/") == HOME_QUEUE
