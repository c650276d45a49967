"""No dead ends: every link a role is shown on its queues and a case page answers for it.

The proof follows each href on the page as that role and asserts 200, so a link to a page
the role is refused (403) or cannot open (404) fails here.
"""

from __future__ import annotations

import datetime as dt
import html
import re

import pytest
from django.test import Client
from django.urls import reverse

from dtto.accounts.tests.signing_in import sign_in_as
from dtto.cases import services
from dtto.cases.models import DrugTestResult
from dtto.cases.tests.web import ACTOR, PERSONAS, make_personas, make_running_case

CM, TW, CO, AM = PERSONAS[:4]

_HREF = re.compile(r'<a\b[^>]*\bhref="([^"#][^"]*)"')


@pytest.fixture
def world(db):
    users = make_personas()
    running = make_running_case(users[CM])
    # A referral awaiting assessment, so the case manager's queues have an assessment item.
    services.register_referral(
        by=ACTOR,
        reference="WEB-0002",
        area="leicestershire",
        name="Sam Awaiting",
        date_of_birth=dt.date(1990, 3, 4),
        sex="F",
        ethnicity="W1",
        referred_on=running.today - dt.timedelta(days=2),
        referral_source="court",
        main_drug="heroin",
    )
    return users, running


def _links(page: str) -> set[str]:
    return {html.unescape(h) for h in _HREF.findall(page)}


def _pages_for(client: Client, reference: str) -> dict[str, str]:
    """The role's home queue (where it lands), team queue (if it has one) and the case page."""
    pages = {}
    home = client.get("/", follow=True)
    assert home.status_code == 200
    pages["home"] = home.content.decode()
    team = client.get(reverse("team-queue"))
    if team.status_code == 200:
        pages["team"] = team.content.decode()
    pages["case"] = client.get(reverse("cases:detail", args=[reference])).content.decode()
    return pages


@pytest.mark.parametrize("persona", [CM, TW, CO, AM])
def test_every_link_on_a_roles_queues_and_case_page_answers_for_that_role(world, persona):
    users, running = world
    client = Client()
    sign_in_as(client, users[persona])
    dead = []
    followed = 0
    for where, page in _pages_for(client, running.case.reference).items():
        for href in sorted(_links(page)):
            if href.startswith("/static/"):
                continue
            followed += 1
            # A redirect (the area manager's home is the team queue) counts where it lands.
            status = client.get(href, follow=True).status_code
            if status != 200:
                dead.append((where, href, status))
    assert dead == []
    # Every role's case page links at least to its queue and the case list: the test would
    # prove nothing if the pages had no links at all.
    assert followed >= 3


def test_the_area_manager_is_offered_no_recording_link_on_the_team_queue(world):
    # Area managers read their area's cases and queues and record nothing
    # (dtto/accounts/permissions.py): the queue shows the items without "Record a test",
    # "Arrange an appointment" or "Record the assessment", but still links each case.
    users, running = world
    ref = running.case.reference
    recording = {
        # The breach page is readable by the area manager, but its queue action is recording
        # the hearing or decision, which they may not do.
        reverse("cases:breach", kwargs={"reference": ref, "pk": running.breach.pk}),
        reverse("cases:test-new", args=[ref]),
        reverse("cases:appointment-new", args=[ref]),
        reverse("cases:assessment", args=["WEB-0002"]),
    }
    client = Client()
    sign_in_as(client, users[AM])
    links = _links(client.get(reverse("team-queue")).content.decode())
    assert reverse("cases:detail", args=[ref]) in links
    assert reverse("cases:detail", args=["WEB-0002"]) in links
    assert links & recording == set()
    # The case manager, who may record them, is offered the same items with their actions.
    sign_in_as(client, users[CM])
    cm_links = _links(client.get(reverse("team-queue")).content.decode())
    assert recording <= cm_links


@pytest.mark.parametrize(
    ("persona", "offered"),
    # Case managers and treatment workers record laboratory confirmations; the court and
    # the area manager do not (permissions: _TREATMENT_ACTIONS and the case manager's).
    [(CM, True), (TW, True), (CO, False), (AM, False)],
)
def test_a_positive_awaiting_the_laboratory_links_to_its_confirmation_for_who_may_record_it(
    world, persona, offered
):
    users, running = world
    # make_running_case records one positive (opiates), not yet confirmed.
    awaiting = DrugTestResult.objects.get(test__order=running.order, result="positive")
    assert awaiting.confirmed is None
    confirm = reverse(
        "cases:confirm-result", kwargs={"reference": running.case.reference, "pk": awaiting.pk}
    )
    client = Client()
    sign_in_as(client, users[persona])
    page = client.get(reverse("cases:detail", args=[running.case.reference])).content.decode()
    assert (confirm in _links(page)) is offered


def test_a_confirmed_positive_no_longer_links_to_its_confirmation(world):
    users, running = world
    awaiting = DrugTestResult.objects.get(test__order=running.order, result="positive")
    services.confirm_test_result(awaiting, by=ACTOR, confirmed=True)
    confirm = reverse(
        "cases:confirm-result", kwargs={"reference": running.case.reference, "pk": awaiting.pk}
    )
    client = Client()
    sign_in_as(client, users[CM])
    page = client.get(reverse("cases:detail", args=[running.case.reference])).content.decode()
    assert confirm not in _links(page)


# --- Every role's day, two links deep ------------------------------------------------------

# Each role that uses the pages, the six the issue walks (the administrator works in the
# admin, the outsider's refusals are tested by test_pages_by_role).
DAY_ROLES = (CM, TW, CO, AM, "national_analyst", "commissioner")
# From the home page: its links, and theirs. A case page, a form or a report section is at
# most two links from where a role lands; deeper are more of the same kinds of page.
MAX_DEPTH = 2
# Enough for every kind of page a role is shown; the analyst's report pages link to every
# area and section, which would make an exhaustive crawl slow and prove nothing more.
MAX_PAGES = 120
_NOT_FOLLOWED = ("/static/", "/admin/", "/accounts/logout")


def _crawl(client: Client, start: list[str]) -> tuple[dict[str, int], list[tuple[str, str, int]]]:
    """Breadth first from ``start``, following every in-service link shown, in order."""
    status: dict[str, int] = {}
    dead: list[tuple[str, str, int]] = []
    queue = [(url, 0, "(start)") for url in start]
    while queue and len(status) < MAX_PAGES:
        url, depth, found_on = queue.pop(0)
        if url in status:
            continue
        response = client.get(url, follow=True)
        status[url] = response.status_code
        if response.status_code != 200:
            dead.append((found_on, url, response.status_code))
            continue
        if depth == MAX_DEPTH or "text/html" not in response["Content-Type"]:
            continue
        for href in sorted(_links(response.content.decode())):
            if href.startswith("/") and not href.startswith(_NOT_FOLLOWED):
                queue.append((href, depth + 1, url))
    return status, dead


@pytest.mark.parametrize("persona", DAY_ROLES)
def test_no_link_shown_to_a_role_two_links_deep_is_refused_or_missing(world, persona):
    users, _ = world
    client = Client()
    sign_in_as(client, users[persona])
    status, dead = _crawl(client, ["/"])
    assert dead == []
    # The crawl reached past the home page: a role shown no links would prove nothing.
    assert len(status) >= 5


def test_a_negative_result_has_no_laboratory_confirmation_page(world):
    # Only a positive is sent for confirmation: a form the service would always refuse is
    # not offered at all.
    users, running = world
    test = services.record_test(
        running.order, by=ACTOR, on=running.today, outcome="sample", results={"opiates": "negative"}
    )
    negative = test.results.get()
    client = Client()
    sign_in_as(client, users[CM])
    url = reverse(
        "cases:confirm-result", kwargs={"reference": running.case.reference, "pk": negative.pk}
    )
    assert client.get(url).status_code == 404
