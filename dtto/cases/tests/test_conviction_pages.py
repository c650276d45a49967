"""Convictions recorded through the pages: before the referral (offending before the Order,
3.6-3.7) as well as since, with the offence date and the seriousness band (decision 0017),
and shown on the case page."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse

from dtto.audit.models import AuditEvent
from dtto.audit.services import SEEN_ACTIONS
from dtto.cases import services
from dtto.cases.models import Conviction
from dtto.cases.tests.factories import make_case
from dtto.cases.tests.web import (
    ACTOR,
    OFFENCE,
    PERSONAS,
    client_of,
    date_fields,
    make_personas,
    make_running_case,
    post_form,
)

CM, TW, CO, AM = PERSONAS[:4]
REFERRED = dt.date(2003, 1, 6)  # make_case's referral date


@pytest.fixture
def users(db):
    return make_personas()


def _changes() -> int:
    return AuditEvent.objects.exclude(action__in=SEEN_ACTIONS).count()


def _page(client: Client, reference: str) -> str:
    response = client.get(reverse("cases:detail", args=[reference]))
    assert response.status_code == 200
    return response.content.decode()


def test_a_previous_conviction_is_recorded_at_referral_before_any_order(users):
    case = make_case()
    client = client_of(users, CM)
    page = _page(client, case.reference)
    url = reverse("cases:conviction", args=[case.reference])
    # No Order yet: the case page offers the conviction page by what it is for.
    assert f'href="{url}">Record a previous conviction</a>' in page
    assert "No convictions recorded." in page
    response = post_form(
        client,
        url,
        {
            **date_fields("on", dt.date(2002, 3, 4)),
            **date_fields("offence_on", dt.date(2001, 11, 20)),
            "offence": "Theft from a shop",
            "seriousness": "either_way",
        },
    )
    assert response.status_code == 302
    conviction = Conviction.objects.get(case=case)
    assert (conviction.on, conviction.offence_on) == (dt.date(2002, 3, 4), dt.date(2001, 11, 20))
    assert conviction.seriousness == "either_way"
    page = _page(client, case.reference)
    # In the convictions table: long dates, the band in words, marked as before the referral.
    assert "4 March 2002" in page
    assert "20 November 2001" in page
    assert "Either way" in page
    assert "Before the referral" in page
    # And on the timeline, in the same words.
    assert "Theft from a shop, offence committed 20 November 2001 (either way)" in page


def test_the_band_is_offered_in_the_words_of_the_one_list_and_may_be_left_unknown(users):
    case = make_case()
    page = (
        client_of(users, CM)
        .get(reverse("cases:conviction", args=[case.reference]))
        .content.decode()
    )
    for value, words in (
        ("summary", "Summary only"),
        ("either_way", "Either way"),
        ("indictable_only", "Indictable only"),
        ("", "Not known"),
    ):
        assert f'name="seriousness" type="radio" value="{value}"' in page
        assert f">{words}</label>" in page


def test_a_conviction_with_no_band_is_recorded_as_not_known(users):
    case = make_case()
    client = client_of(users, CM)
    response = post_form(
        client,
        reverse("cases:conviction", args=[case.reference]),
        {**date_fields("on", dt.date(2002, 3, 4)), "offence": "Criminal damage"},
    )
    assert response.status_code == 302
    assert Conviction.objects.get(case=case).seriousness == ""
    page = _page(client, case.reference)
    assert "Criminal damage" in page
    assert "Not known" in page


def test_a_band_not_in_the_list_is_refused_on_its_field_and_nothing_is_recorded(users):
    case = make_case()
    client = client_of(users, CM)
    changes = _changes()
    response = post_form(
        client,
        reverse("cases:conviction", args=[case.reference]),
        {**date_fields("on", dt.date(2002, 3, 4)), "seriousness": "murderous"},
    )
    assert response.status_code == 200
    assert list(response.context["form"].errors) == ["seriousness"]
    assert "Select the seriousness from the list" in response.content.decode()
    assert _changes() == changes
    assert not Conviction.objects.exists()


def test_an_offence_after_its_conviction_is_refused_on_the_offence_date(users):
    case = make_case()
    client = client_of(users, CM)
    changes = _changes()
    response = post_form(
        client,
        reverse("cases:conviction", args=[case.reference]),
        {
            **date_fields("on", dt.date(2002, 3, 4)),
            **date_fields("offence_on", dt.date(2002, 3, 5)),
            "seriousness": "summary",
        },
    )
    assert response.status_code == 200
    assert list(response.context["form"].errors) == ["offence_on"]
    assert (
        "Date of the offence must be on or before 4 March 2002, the date of conviction"
        in response.content.decode()
    )
    assert _changes() == changes
    assert not Conviction.objects.exists()


def test_once_there_is_an_order_the_link_says_record_a_conviction(users):
    running = make_running_case(users[CM])
    page = _page(client_of(users, CM), running.case.reference)
    url = reverse("cases:conviction", args=[running.case.reference])
    assert f'href="{url}">Record a conviction</a>' in page
    # make_running_case records one the day before the Order: before it, not before referral.
    assert OFFENCE in page


def test_the_area_manager_reads_the_convictions_but_is_not_offered_to_record_one(users):
    case = make_case()
    services.record_conviction(
        case, by=ACTOR, on=dt.date(2002, 3, 4), offence="Theft", seriousness="summary"
    )
    page = _page(client_of(users, AM), case.reference)
    assert "Summary only" in page
    assert reverse("cases:conviction", args=[case.reference]) not in page


def test_the_treatment_worker_sees_no_offence_history(users):
    running = make_running_case(users[CM])
    services.record_conviction(
        running.case, by=ACTOR, on=dt.date(2002, 3, 4), offence="Theft", seriousness="summary"
    )
    page = _page(client_of(users, TW), running.case.reference)
    assert "Convictions" not in page
    assert "Summary only" not in page
    assert reverse("cases:conviction", args=[running.case.reference]) not in page
