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

# The session, the user, and the signed-in session's record (has it been ended?) with the
# user's area (does it require a second factor?); the area is then at hand for the page. The
# session is not saved: nothing in it changed, and it was saved less than a minute ago.
SIGNED_IN = 3
# The page's view audited (record_seen): savepoint, chain head locked and read in one
# statement, the event, head updated, release.
VIEW_AUDITED = 5
TIMELINE = 11  # codes, appointments, test results, tests, warnings, breaches, reviews,
# contact levels, suspensions, terminations, the Orders' terms (dtto.cases.timeline)
# "What this case needs now": the case manager's queue items for this one case, from the
# Order, its findings, its reviews, breaches and review reports the page has read already
# (and, with an Order, no assessment to look for): today's test draw, the appointments with
# no outcome, the results awaiting confirmation, the open breaches, the next test draw.
NEEDS_NOW = 1 + 1 + 1 + 1 + 1

# The Order's records, read once for the engine and for the case page's lists
# (dtto.cases.timeline.records_for_case_page): codes, appointments, test results, tests,
# warnings, contact levels, suspensions, the termination with its reason. Its reviews and
# breaches, and its terms, come from the models the page has read.
PAGE_RECORDS = 8
# The case page: the case with its person and their main drug, its Order (with whether it is
# running or past its term), its reviews (for the timeline, the engine and the bench
# changes) and its breaches (for the timeline, the engine and the list), the Order's
# records, the review reports (for the schedule and the panel), the view's audit event, the assessment, the admitted drugs
# and the convictions for the lists, and the panel (whose next test draw also says whether
# the person is called today).
CASE_PAGE = SIGNED_IN + 1 + 1 + 2 + PAGE_RECORDS + 1 + VIEW_AUDITED + 1 + 2 + NEEDS_NOW
# The case manager's queue: the running Orders with their cases and people, the timeline of
# all of them at once, the assessments waiting, the review reports, the Orders past their
# term, today's test draws, the appointments called today, the breaches, the positive
# results awaiting laboratory confirmation, the view's audit event.
HOME_QUEUE = SIGNED_IN + 1 + TIMELINE + 1 + 1 + 1 + 1 + 1 + 1 + 1 + VIEW_AUDITED


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
