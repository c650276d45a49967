"""Issue 11: the queue leads with what is overdue, the case page says what the case needs now,
forms say what to do in plain words and do not let bad records through."""

from __future__ import annotations

import datetime as dt
import html
import re

import pytest
from django.test import Client
from django.urls import reverse

from dtto.accounts.models import Role
from dtto.cases import services
from dtto.cases.models import Appointment, CourtReview, DrugTestResult, Order
from dtto.cases.tests.web import ACTOR, date_fields, make_running_case, make_user, post_form
from dtto.cases.timeline import TIMELINE_PAGE_SIZE
from dtto.lib.dates import long_date
from dtto.standards.errors import RecordInvalid

DASH = "\N{EN DASH}"  # between an item and when it is due, and in page titles


@pytest.fixture
def setup(db):
    cm = make_user("cm", Role.CASE_MANAGER)
    running = make_running_case(cm)
    client = Client()
    client.force_login(cm)
    return client, running, cm


def _text(page: str) -> str:
    """The page's words, tags removed and spaces collapsed, entities decoded."""
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", page)).split())


def _referral(reference: str = "NEW-1"):
    return services.register_referral(
        by=ACTOR,
        reference=reference,
        area="leicestershire",
        name="Pat New",
        date_of_birth=dt.date(1980, 1, 1),
        sex="F",
        ethnicity="W1",
        referred_on=dt.date(2003, 1, 6),
        referral_source="court",
    )


# --- The queue: overdue first, each item says what to do and by when ------------------------


def test_queue_leads_with_the_overdue_outcome_saying_what_to_do_and_how_late(setup):
    client, running, _ = setup
    two_days_ago = running.today - dt.timedelta(days=2)
    services.record_appointment(
        running.order, by=ACTOR, on=two_days_ago, hours="2", with_whom="probation"
    )
    page = client.get("/").content.decode()
    words = _text(page)
    assert (
        f"Record the outcome of the probation appointment on {long_date(two_days_ago)}"
        f" {DASH} 2 days overdue"
    ) in words
    groups = [page.find(f'id="{key}"') for key in ("overdue", "today", "week", "later")]
    shown = [at for at in groups if at >= 0]
    assert shown == sorted(shown) and shown[0] == groups[0]  # overdue leads
    assert "<table" not in page  # items stack: nothing overflows a narrow screen


def test_a_positive_awaiting_laboratory_confirmation_is_a_queue_item_with_its_link(setup):
    client, running, _ = setup
    awaiting = DrugTestResult.objects.get(test__order=running.order, confirmed=None)
    page = client.get("/").content.decode()
    assert (
        "Record the laboratory result of the test positive for opiates on "
        f"{long_date(running.order.made_on)}"
    ) in _text(page)
    url = reverse("cases:confirm-result", args=[running.case.reference, awaiting.pk])
    assert f'href="{url}"' in page


def test_the_area_managers_team_queue_links_only_to_pages_the_role_may_open(setup):
    _, running, _ = setup
    services.record_appointment(
        running.order,
        by=ACTOR,
        on=running.today - dt.timedelta(days=1),
        hours="2",
        with_whom="probation",
    )
    manager = Client()
    manager.force_login(make_user("am", Role.AREA_MANAGER))
    page = manager.get(reverse("team-queue")).content.decode()
    links = set(re.findall(r'href="(/cases/[^"#]+)', html.unescape(page)))
    assert links, "the team queue links to its cases"
    refused = {url: manager.get(url).status_code for url in links}
    assert {url: code for url, code in refused.items() if code != 200} == {}


# --- The case page: what it needs now, and a timeline newest first ---------------------------


def test_case_page_opens_with_what_the_case_needs_now(setup):
    client, running, _ = setup
    yesterday = running.today - dt.timedelta(days=1)
    services.record_appointment(
        running.order, by=ACTOR, on=yesterday, hours="2", with_whom="treatment"
    )
    page = client.get(reverse("cases:detail", args=[running.case.reference])).content.decode()
    words = _text(page)
    assert page.index("What this case needs now") < page.index("Date of birth")
    panel = words[words.index("What this case needs now") : words.index("Date of birth")]
    assert (
        f"Record the outcome of the treatment appointment on {long_date(yesterday)} {DASH} 1 day overdue"
        in panel
    )
    # The running case: failures on days 1 and 8, a warning on day 3, breach action on day 9
    # awaiting the court. Breach action restarts the count, so no failure counts towards the next.
    assert "Unacceptable failures 0 in the last 12 months" in panel
    assert "Formal warnings 1 in the last 12 months" in panel
    breach_day = running.order.made_on + dt.timedelta(days=9)
    assert f"In breach Breach action instigated on {long_date(breach_day)}" in panel
    assert "Next court review Due" in panel
    waiting = panel[panel.index("Waiting, with no deadline") : panel.index("Next court review")]
    assert (
        "Record the laboratory result of the test positive for opiates on "
        f"{long_date(running.order.made_on)}"
    ) in waiting
    assert f"Record the court's decision on the breach instigated on {long_date(breach_day)}" in (
        waiting
    )


def test_timeline_is_newest_first_filterable_by_kind_and_paged(setup):
    client, running, _ = setup
    start = running.order.made_on + dt.timedelta(days=14)
    for i in range(TIMELINE_PAGE_SIZE):
        services.record_appointment(
            running.order,
            by=ACTOR,
            on=start + dt.timedelta(days=i % 40),
            hours="1",
            with_whom="treatment",
            outcome="ATTC",
        )
    url = reverse("cases:detail", args=[running.case.reference])
    first = client.get(url).content.decode()
    newest = Appointment.objects.filter(order=running.order).order_by("-on", "-pk").first()
    conviction_row = first.find('id="conviction-')
    assert f'id="appointment-{newest.pk}"' in first
    assert conviction_row == -1  # the oldest entry is on the last page
    assert "Week beginning" in first and "Page 1 of 2" in first

    last = client.get(url, {"page": "2"}).content.decode()
    assert 'id="conviction-' in last

    tests_only = client.get(url, {"kind": "Drug test"}).content.decode()
    timeline = tests_only[tests_only.index('id="timeline"') :]
    assert 'id="test-' in timeline and 'id="appointment-' not in timeline

    oldest = Appointment.objects.filter(order=running.order).order_by("on", "pk").first()
    landed = client.get(url, {"at": f"appointment-{oldest.pk}"}).content.decode()
    assert f'id="appointment-{oldest.pk}"' in landed and "Page 2 of 2" in landed


def test_case_page_shows_when_the_bench_changed_between_review_hearings(setup):
    client, running, _ = setup
    made = running.order.made_on
    for days, sat in ((28, ["DJ Patel"]), (56, ["DJ Patel"]), (63, ["Ms Rowe"])):
        services.record_review(
            running.order, by=ACTOR, on=made + dt.timedelta(days=days), hearing=True, sat=sat
        )
    words = _text(
        client.get(reverse("cases:detail", args=[running.case.reference])).content.decode()
    )
    assert (
        f"At the hearing on {long_date(made + dt.timedelta(days=63))} the bench changed from "
        f"the hearing on {long_date(made + dt.timedelta(days=56))}: DJ Patel did not sit; "
        "Ms Rowe sat for the first time."
    ) in words


# --- Forms that prevent bad records ----------------------------------------------------------


def test_record_the_order_says_why_not_before_the_form_when_the_case_has_one(setup):
    client, running, _ = setup
    url = reverse("cases:order", args=[running.case.reference])
    page = client.get(url).content.decode()
    assert "This case already has an Order" in page
    assert 'name="form_token"' not in page
    case_page = client.get(reverse("cases:detail", args=[running.case.reference]))
    assert f'href="{url}"' not in case_page.content.decode()


def test_record_the_order_is_not_offered_before_the_assessment(setup):
    client, _, _ = setup
    case = _referral()
    page = client.get(reverse("cases:detail", args=[case.reference])).content.decode()
    assert "The assessment of suitability has not been recorded" in page
    assert f'href="{reverse("cases:order", args=[case.reference])}"' not in page


def test_an_order_without_an_assessment_is_refused_by_the_service(db):
    case = _referral()
    with pytest.raises(RecordInvalid) as refused:
        services.make_order(
            case, by=ACTOR, made_on="2003-02-03", length_months=12, intensity="higher"
        )
    assert refused.value.by_field() == {
        "against_assessment_advice": ["Record the assessment of suitability before the Order"]
    }
    assert not Order.objects.exists()


@pytest.mark.parametrize(
    ("outcome", "against", "reason", "field"),
    [
        ("unsuitable", False, "", "against_assessment_advice"),
        ("unsuitable", True, "", "against_advice_reason"),
        ("not_assessed", False, "", "against_assessment_advice"),
        ("suitable", True, "The court disagreed", "against_assessment_advice"),
    ],
)
def test_an_order_the_assessment_did_not_support_must_say_so_and_why(
    db, outcome: str, against: bool, reason: str, field: str
):
    case = _referral()
    reason_code = {"unsuitable": "not_motivated", "not_assessed": "did_not_attend"}.get(outcome)
    services.record_assessment(case, by=ACTOR, outcome=outcome, reason=reason_code)
    with pytest.raises(RecordInvalid) as refused:
        services.make_order(
            case,
            by=ACTOR,
            made_on="2003-02-03",
            length_months=12,
            intensity="higher",
            against_assessment_advice=against,
            against_advice_reason=reason,
        )
    assert list(refused.value.by_field()) == [field]
    assert not Order.objects.exists()


def test_an_order_made_against_the_assessments_advice_keeps_the_reason(db):
    case = _referral()
    services.record_assessment(case, by=ACTOR, outcome="unsuitable", reason="not_motivated")
    order = services.make_order(
        case,
        by=ACTOR,
        made_on="2003-02-03",
        length_months=12,
        intensity="higher",
        against_assessment_advice=True,
        against_advice_reason="  The court judged the motivation sufficient  ",
    )
    assert order.against_assessment_advice is True
    assert order.against_advice_reason == "The court judged the motivation sufficient"


def test_the_court_is_not_chosen_for_the_user(setup):
    client, _, _ = setup
    case = _referral()
    services.record_assessment(case, by=ACTOR, outcome="suitable")
    url = reverse("cases:order", args=[case.reference])
    form = client.get(url).content.decode()
    court = form[form.index('id="id_court"') :]
    assert re.match(
        r'id="id_court"[^>]*>\s*<option value=""( selected)?>Choose the court</option>', court
    )
    response = post_form(
        client,
        url,
        {
            **date_fields("made_on", dt.date(2003, 2, 3)),
            "length_months": "12",
            "intensity": "higher",
        },
    )
    words = _text(response.content.decode())
    assert "Select the sentencing court" in words
    assert "This field is required" not in words
    assert not Order.objects.filter(case=case).exists()


def test_a_review_hearing_needs_who_sat(setup):
    client, running, _ = setup
    response = post_form(
        client,
        reverse("cases:review-record", args=[running.case.reference]),
        {**date_fields("on", running.today), "hearing": "yes", "sat": "  "},
    )
    assert "Enter who sat at the hearing, one name a line" in _text(response.content.decode())
    assert not CourtReview.objects.filter(order=running.order).exists()


def test_not_known_is_offered_once_for_accommodation(setup):
    client, _, _ = setup
    form = client.get(reverse("cases:referral")).content.decode()
    accommodation = form[
        form.index('id="id_accommodation"') : form.index(
            "</select>", form.index('id="id_accommodation"')
        )
    ]
    assert accommodation.count(">Not known<") == 1


# --- Plain English, titles and the error summary ---------------------------------------------


def test_errors_say_what_to_do_and_link_to_the_first_input_of_the_field(setup):
    client, running, _ = setup
    url = reverse("cases:appointment-new", args=[running.case.reference])
    response = post_form(client, url, {"hours": "two"})
    page = response.content.decode()
    words = _text(page)
    assert "Enter the date" in words
    assert 'href="#id_on_day"' in page  # a date's first box
    assert 'href="#id_with_whom_0"' in page  # a list of radios' first option
    assert "This field is required" not in words


def test_the_hours_typed_as_words_are_refused_in_plain_english(setup):
    client, running, _ = setup
    url = reverse("cases:appointment-new", args=[running.case.reference])
    response = post_form(
        client, url, {**date_fields("on", running.today), "hours": "two", "with_whom": "probation"}
    )
    assert "Enter the hours as a number, like 2.5" in _text(response.content.decode())


def _title_and_heading(page: str) -> tuple[str, str]:
    title = re.search(r"<title>(.*?)</title>", page, re.S)
    heading = re.search(r"<h1[^>]*>(.*?)</h1>", page, re.S)
    assert title is not None and heading is not None
    return _text(title.group(1)), _text(heading.group(1))


def test_page_titles_equal_their_headings_and_say_error_when_the_form_has_errors(setup):
    client, running, _ = setup
    ref = running.case.reference
    for url in (
        "/",
        reverse("cases:list"),
        reverse("cases:detail", args=[ref]),
        reverse("cases:appointment-new", args=[ref]),
        reverse("cases:order", args=[ref]),
    ):
        title, heading = _title_and_heading(client.get(url).content.decode())
        assert title == f"{heading} {DASH} dtto", url
    refused = post_form(client, reverse("cases:appointment-new", args=[ref]), {})
    title, heading = _title_and_heading(refused.content.decode())
    assert title == f"Error: {heading} {DASH} dtto"
