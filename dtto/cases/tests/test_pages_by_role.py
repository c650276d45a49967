"""Every role against every page: each sees exactly what it should (and an outsider nothing).

In the style of pretix's tests/api/test_permissions.py: one table of pages, one row of
expected answers per page, one persona per role plus a case manager from another area.
"""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from dtto.accounts.tests.signing_in import sign_in_as
from dtto.audit.models import AuditEvent
from dtto.audit.services import SEEN_ACTIONS
from dtto.cases.tests.web import OFFENCE, PERSON, PERSONAS, make_personas, make_running_case

CM, TW, CO, AM, NA, AD, OUT, DAT = PERSONAS

# page -> expected status for (case manager, treatment worker, court user, area manager,
# national analyst, administrator, outsider from another area, Drug Action Team commissioner).
# The commissioner, like the national analyst, never opens a case (issue 14).
# 404 where the case is outside what the user may open (so its existence is not confirmed).
PAGES: list[tuple[str, tuple[int, ...]]] = [
    ("home", (200, 200, 200, 302, 200, 200, 200, 200)),
    ("team-queue", (200, 403, 403, 200, 403, 403, 200, 403)),
    ("cases:list", (200, 200, 200, 200, 403, 403, 200, 403)),
    ("cases:referral", (200, 403, 403, 403, 403, 403, 200, 403)),
    ("cases:detail", (200, 200, 200, 200, 404, 404, 404, 404)),
    ("cases:assessment", (200, 403, 403, 403, 404, 404, 404, 404)),
    ("cases:case-manager", (200, 403, 403, 403, 404, 404, 404, 404)),
    ("cases:appointment-new", (200, 200, 403, 403, 404, 404, 404, 404)),
    ("cases:attendance", (200, 200, 403, 403, 404, 404, 404, 404)),
    ("cases:test-new", (200, 200, 403, 403, 404, 404, 404, 404)),
    ("cases:contact-level", (200, 403, 403, 403, 404, 404, 404, 404)),
    ("cases:suspension", (200, 403, 403, 403, 404, 404, 404, 404)),
    ("cases:warning-new", (200, 403, 403, 403, 404, 404, 404, 404)),
    ("cases:warning-letter", (200, 403, 403, 200, 404, 404, 404, 404)),
    ("cases:breach-new", (200, 403, 403, 403, 404, 404, 404, 404)),
    ("cases:breach", (200, 403, 200, 200, 404, 404, 404, 404)),
    ("cases:breach-hearing", (200, 403, 200, 403, 404, 404, 404, 404)),
    ("cases:breach-decision", (200, 403, 200, 403, 404, 404, 404, 404)),
    ("cases:review-record", (200, 403, 200, 403, 404, 404, 404, 404)),
    ("cases:review-report", (200, 200, 200, 200, 404, 404, 404, 404)),
    ("cases:review-report-reopen", (200, 403, 403, 403, 404, 404, 404, 404)),
    # Only the court gives its view; of the draft report it is told it is not sent yet.
    ("cases:review-report-feedback", (403, 403, 200, 403, 404, 404, 404, 404)),
    # The PDF holds the attendance summary with its warnings: not for treatment workers.
    ("cases:review-report-pdf", (200, 403, 404, 200, 404, 404, 404, 404)),
    ("cases:terminate", (200, 403, 403, 403, 404, 404, 404, 404)),
    # On the running Order the case manager is told it has not ended (200, no form).
    ("cases:aftercare", (200, 403, 403, 403, 404, 404, 404, 404)),
    ("cases:conviction", (200, 403, 403, 403, 404, 404, 404, 404)),
]


@pytest.fixture
def world(db):
    users = make_personas()
    running = make_running_case(users[CM])
    return users, running


def _url(name: str, running) -> str:
    ref = running.case.reference
    due = running.report.review_due.isoformat()
    kwargs: dict[str, object] = {
        "home": {},
        "team-queue": {},
        "cases:list": {},
        "cases:referral": {},
        "cases:attendance": {"reference": ref, "pk": running.order.appointments.first().pk},
        "cases:warning-letter": {"reference": ref, "pk": running.warning.pk},
        "cases:breach": {"reference": ref, "pk": running.breach.pk},
        "cases:breach-hearing": {"reference": ref, "pk": running.breach.pk},
        "cases:breach-decision": {"reference": ref, "pk": running.breach.pk},
        "cases:review-report": {"reference": ref, "due": due},
        "cases:review-report-pdf": {"reference": ref, "due": due},
        "cases:review-report-reopen": {"reference": ref, "due": due},
        "cases:review-report-draft": {"reference": ref, "due": due},
        "cases:review-report-feedback": {"reference": ref, "due": due},
    }.get(name, {"reference": ref})
    return reverse(name, kwargs=kwargs)


@pytest.mark.parametrize(("page", "expected"), PAGES, ids=[p for p, _ in PAGES])
def test_each_role_gets_exactly_the_pages_it_should(world, page, expected):
    users, running = world
    url = _url(page, running)
    got = []
    for persona in PERSONAS:
        client = Client()
        sign_in_as(client, users[persona])
        got.append(client.get(url).status_code)
    assert dict(zip(PERSONAS, got, strict=True)) == dict(zip(PERSONAS, expected, strict=True))


# Recording pages posted by each role with no token: where the role may record there, the
# form comes back refusing it (200, or the report page's redirect for the draft button);
# elsewhere the same refusal as for reading (403, or 404 outside the user's cases).
# The court and the area manager read the review report page but write nothing on it.
POSTS: list[tuple[str, tuple[int, ...]]] = [
    (page, expected)
    for page, expected in PAGES
    if page
    not in {
        "home",
        "team-queue",
        "cases:list",
        "cases:detail",
        "cases:warning-letter",
        "cases:breach",
        "cases:review-report",
        "cases:review-report-pdf",
    }
] + [
    ("cases:review-report", (200, 200, 403, 403, 404, 404, 404, 404)),
    ("cases:review-report-draft", (302, 403, 403, 403, 404, 404, 404, 404)),
]


@pytest.mark.parametrize(("page", "expected"), POSTS, ids=[p for p, _ in POSTS])
def test_each_role_may_post_exactly_the_forms_it_should_and_nothing_is_recorded(
    world, page, expected
):
    users, running = world
    url = _url(page, running)
    changes = AuditEvent.objects.exclude(action__in=SEEN_ACTIONS).count()
    got = []
    for persona in PERSONAS:
        client = Client()
        sign_in_as(client, users[persona])
        got.append(client.post(url, {}).status_code)
    assert dict(zip(PERSONAS, got, strict=True)) == dict(zip(PERSONAS, expected, strict=True))
    assert AuditEvent.objects.exclude(action__in=SEEN_ACTIONS).count() == changes


def test_every_page_asks_a_stranger_to_sign_in(world):
    _, running = world
    for page, _ in PAGES:
        response = Client().get(_url(page, running))
        assert response.status_code == 302, page
        assert response["Location"].startswith("/accounts/sign-in/"), page


def _case_page(world, persona: str) -> str:
    users, running = world
    client = Client()
    sign_in_as(client, users[persona])
    return client.get(reverse("cases:detail", args=[running.case.reference])).content.decode()


def test_case_manager_sees_the_whole_record(world):
    page = _case_page(world, CM)
    for text in (PERSON, OFFENCE, "Formal warning", "Timeline", "This week", "Court reviews"):
        assert text in page


def test_treatment_worker_sees_treatment_tests_and_attendance_but_no_offence_history(world):
    page = _case_page(world, TW)
    assert PERSON in page
    assert "Drug test" in page and "Appointment" in page
    assert OFFENCE not in page
    assert "Missed keywork" not in page  # the warning's reason is enforcement
    assert "Unacceptable failures and enforcement" not in page
    assert "Referred" not in page


def test_court_user_sees_reviews_and_breaches_but_not_the_timeline(world):
    page = _case_page(world, CO)
    assert "Court reviews" in page and "Breaches" in page
    assert "Timeline" not in page
    assert OFFENCE not in page


def test_court_user_gets_no_links_to_a_timeline_they_cannot_see(world):
    page = _case_page(world, CO)
    assert "See the appointment" not in page
    assert 'href="#appointment-' not in page


def test_treatment_worker_reads_the_review_report_without_warnings_or_breach(world):
    users, running = world
    running.report.attendance_summary += "\n1 formal warning given in the period."
    running.report.save()
    client = Client()
    sign_in_as(client, users[TW])
    url = reverse(
        "cases:review-report",
        kwargs={"reference": running.case.reference, "due": running.report.review_due},
    )
    page = client.get(url).content.decode()
    assert "formal warning" not in page
    assert "Download the report as a PDF" not in page
    assert running.report.tests_summary.splitlines()[0] in page
    assert "The treatment provider" in page  # the form for their view


def test_reports_are_in_the_navigation_of_those_who_may_see_them(world):
    users, _ = world
    for persona, shown in ((CM, False), (TW, False), (CO, True), (AM, True), (NA, True)):
        client = Client()
        sign_in_as(client, users[persona])
        page = client.get(reverse("cases:list") if persona != NA else "/").content.decode()
        assert ('href="/reports/"' in page) is shown, persona


def test_court_user_cannot_read_a_review_report_until_it_is_sent(world):
    users, running = world
    client = Client()
    sign_in_as(client, users[CO])
    url = reverse(
        "cases:review-report",
        kwargs={"reference": running.case.reference, "due": running.report.review_due},
    )
    page = client.get(url).content.decode()
    assert "has not sent this report" in page
    assert running.report.tests_summary.splitlines()[0] not in page


def test_outsider_from_another_area_finds_no_case_by_name(world):
    users, _ = world
    client = Client()
    sign_in_as(client, users[OUT])
    page = client.get(reverse("cases:list"), {"q": "Robin"}).content.decode()
    assert PERSON not in page


def test_analyst_and_administrator_never_see_a_name(world):
    users, running = world
    for persona in (NA, AD):
        client = Client()
        sign_in_as(client, users[persona])
        for page, _ in PAGES:
            response = client.get(_url(page, running))
            assert PERSON not in response.content.decode(errors="ignore"), (persona, page)


def test_viewing_a_case_page_is_audited(world):
    users, running = world
    client = Client()
    sign_in_as(client, users[TW])
    client.get(reverse("cases:detail", args=[running.case.reference]))
    event = AuditEvent.objects.filter(action="cases.person.viewed").get()
    assert event.actor == users[TW]
    assert event.case_reference == running.case.reference
