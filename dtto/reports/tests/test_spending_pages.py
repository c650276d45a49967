"""An area's spending by financial year and heading (3.32-3.33, decision 0017): recorded and
corrected by the area's manager or an administrator through ``record_spending``, read by the
area's commissioner and national analysts, never by anyone else."""

from __future__ import annotations

import html
from decimal import Decimal

import pytest
from django.urls import reverse

from dtto.accounts.models import Area, AreaSpending
from dtto.accounts.services import load_targets_and_budgets, record_spending
from dtto.audit.models import AuditEvent
from dtto.audit.services import Actor
from dtto.cases.tests.web import PERSONAS, client_of, make_personas, post_form
from dtto.standards.errors import RecordInvalid

CM, TW, CO, AM, NA, AD, OUT, DAT = PERSONAS
ACTOR = Actor.system("test")
HOME = "leicestershire"


@pytest.fixture
def users(db):
    return make_personas()


def _listing(area: str = HOME) -> str:
    return reverse("reports:spending-area", args=[area])


def _record_url(area: str = HOME) -> str:
    return reverse("reports:spending-record", args=[area])


def _recorded() -> int:
    return AuditEvent.objects.filter(action="accounts.spending.recorded").count()


def _amounts(area: str = HOME) -> dict[tuple[int, str], Decimal]:
    return {
        (s.financial_year, s.heading): s.amount
        for s in AreaSpending.objects.filter(area__code=area)
    }


# Who may open what, in PERSONAS order: case manager, treatment worker, court user, area
# manager, national analyst, administrator, outsider (a Kent case manager), commissioner.
# 404 where the area is not one the user reads (its existence is not confirmed); 403 where
# the user reads no area's spending, or reads this one but may not record it.
ACCESS = [
    ("reports:spending", (403, 403, 403, 302, 200, 200, 403, 302)),
    ("reports:spending-area", (404, 404, 404, 200, 200, 200, 404, 200)),
    ("reports:spending-record", (404, 404, 404, 200, 403, 200, 404, 403)),
]


@pytest.mark.parametrize(("page", "expected"), ACCESS, ids=[p for p, _ in ACCESS])
def test_each_role_gets_exactly_the_spending_pages_it_should(users, page, expected):
    url = reverse(page, args=[] if page == "reports:spending" else [HOME])
    got = tuple(client_of(users, persona).get(url).status_code for persona in PERSONAS)
    assert dict(zip(PERSONAS, got, strict=True)) == dict(zip(PERSONAS, expected, strict=True))


@pytest.mark.parametrize("persona", [NA, DAT])
def test_readers_who_may_not_record_are_refused_a_post_and_nothing_is_recorded(users, persona):
    client = client_of(users, persona)
    response = client.post(
        _record_url(), {"financial_year": "2003", "heading": "treatment", "amount": "100"}
    )
    assert response.status_code == 403
    assert not AreaSpending.objects.exists()
    assert _recorded() == 0


def test_the_area_manager_records_a_year_by_heading_and_reads_the_total(users):
    client = client_of(users, AM)
    for heading, amount in (("treatment", "96000"), ("supervision", "41,250.50")):
        response = post_form(
            client,
            _record_url(),
            {"financial_year": "2003", "heading": heading, "amount": amount},
        )
        assert response.status_code == 302
        assert response["Location"] == _listing()
    assert _amounts() == {
        (2003, "treatment"): Decimal("96000.00"),
        (2003, "supervision"): Decimal("41250.50"),
    }
    page = client.get(_listing()).content.decode()
    assert "April 2003 to March 2004" in page
    assert "£96,000.00" in page
    assert "£41,250.50" in page
    # 96,000 + 41,250.50
    assert "£137,250.50" in page
    # Supervision before treatment, in the order of the one list of headings.
    assert page.index(">Supervision</th>") < page.index(">Treatment</th>")
    assert _recorded() == 2


def test_each_year_is_listed_on_its_own_newest_first_with_its_own_total(users):
    area = Area.objects.get(code=HOME)
    record_spending(area, by=ACTOR, financial_year=2002, heading="testing", amount="5000")
    record_spending(area, by=ACTOR, financial_year=2004, heading="testing", amount="7000")
    record_spending(area, by=ACTOR, financial_year=2004, heading="other", amount="0.50")
    page = client_of(users, DAT).get(_listing()).content.decode()
    assert page.index("April 2004 to March 2005") < page.index("April 2002 to March 2003")
    assert "£7,000.50" in page  # 2004: 7,000 + 0.50
    assert "£5,000.00" in page
    # The commissioner reads only: no form, no change links.
    assert _record_url() not in page


def test_a_figure_is_corrected_from_its_change_link_and_replaced_not_added(users):
    area = Area.objects.get(code=HOME)
    record_spending(area, by=ACTOR, financial_year=2003, heading="treatment", amount="96000")
    client = client_of(users, AM)
    listing = client.get(_listing()).content.decode()
    change = f"{_record_url()}?year=2003&amp;heading=treatment"
    assert change in listing
    form_page = client.get(f"{_record_url()}?year=2003&heading=treatment").content.decode()
    assert 'value="96000.00"' in form_page
    response = post_form(
        client,
        _record_url(),
        {"financial_year": "2003", "heading": "treatment", "amount": "95500"},
    )
    assert response.status_code == 302
    assert _amounts() == {(2003, "treatment"): Decimal("95500.00")}
    corrected = AuditEvent.objects.filter(action="accounts.spending.recorded").latest("pk")
    assert corrected.before == {"amount": "96000.00"}
    assert corrected.after["amount"] == "95500.00"


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        (
            {"financial_year": "last year", "heading": "treatment", "amount": "100"},
            "financial_year",
            "Financial year must be a year such as 2003, got 'last year'",
        ),
        (
            {"financial_year": "2003", "heading": "treatment", "amount": "-5"},
            "amount",
            "Amount spent, in pounds must not be negative, got '-5'",
        ),
        (
            {"financial_year": "2003", "heading": "treatment", "amount": "12.345"},
            "amount",
            "in pounds and pence (two decimal places)",
        ),
        (
            {"financial_year": "2003", "heading": "treatment", "amount": "lots"},
            "amount",
            "Enter the amount in pounds, like 125000.50, got 'lots'",
        ),
        (
            {"financial_year": "2003", "heading": "parties", "amount": "100"},
            "heading",
            "Select the heading from the list",
        ),
        (
            {"financial_year": "2003", "amount": "100"},
            "heading",
            "Select the heading the money was spent under",
        ),
    ],
)
def test_bad_input_is_refused_on_its_field_and_nothing_is_recorded(users, fields, field, message):
    client = client_of(users, AM)
    response = post_form(client, _record_url(), fields)
    assert response.status_code == 200
    assert list(response.context["form"].errors) == [field]
    assert message in html.unescape(response.content.decode())
    assert not AreaSpending.objects.exists()
    assert _recorded() == 0


def test_the_same_form_saved_twice_records_once(users):
    client = client_of(users, AM)
    page = client.get(_record_url()).content.decode()
    token = page.split('name="form_token" value="', 1)[1].split('"', 1)[0]
    fields = {"financial_year": "2003", "heading": "testing", "amount": "100", "form_token": token}
    first = client.post(_record_url(), fields)
    again = client.post(_record_url(), {**fields, "amount": "200"})
    assert first.status_code == again.status_code == 302
    assert again["Location"] == _listing()
    assert _amounts() == {(2003, "testing"): Decimal("100.00")}
    assert _recorded() == 1


def test_an_area_manager_reaches_no_other_area(users):
    client = client_of(users, AM)
    assert client.get(_listing("kent")).status_code == 404
    response = client.post(
        _record_url("kent"), {"financial_year": "2003", "heading": "other", "amount": "1"}
    )
    assert response.status_code == 404
    assert not AreaSpending.objects.exists()


def test_an_administrator_records_any_areas_spending(users):
    client = client_of(users, AD)
    response = post_form(
        client, _record_url("kent"), {"financial_year": "2004", "heading": "other", "amount": "1"}
    )
    assert response.status_code == 302
    assert _amounts("kent") == {(2004, "other"): Decimal("1.00")}


def test_the_spending_page_is_in_the_navigation_only_of_those_who_read_it(users):
    spending = reverse("reports:spending")
    for persona, shown in ((AM, True), (DAT, True), (NA, True), (CM, False), (CO, False)):
        page = client_of(users, persona).get(reverse("cases:list") if persona in (CM, CO) else "/")
        body = page.content.decode() if page.status_code == 200 else ""
        if page.status_code == 302:
            body = client_of(users, persona).get(page["Location"]).content.decode()
        assert (f'href="{spending}"' in body) is shown, persona


def test_loading_reference_data_refuses_spending_the_page_would_refuse(db):
    reference = {
        "targets": {},
        "budgets": {},
        "spending": {"dorset": {"2003-04": {"treatment": 96000, "enforcement": -4000}}},
        "custody_day_cost": 100,
    }
    with pytest.raises(RecordInvalid) as refused:
        load_targets_and_budgets(reference, by=ACTOR)
    assert refused.value.by_field() == {"amount": ["must not be negative, got -4000"]}
    assert not AreaSpending.objects.exists()


def test_each_spending_page_is_titled_as_its_heading(users):
    client = client_of(users, NA)
    for url, heading in (
        (reverse("reports:spending"), "Spending by area"),
        (_listing(), "Spending: Leicestershire and Rutland"),
    ):
        page = client.get(url).content.decode()
        assert f'<h1 class="govuk-heading-l">{heading}</h1>' in page
        assert f"<title>{heading} \N{EN DASH} dtto</title>" in page
    page = client_of(users, AM).get(_record_url()).content.decode()
    heading = "Record spending: Leicestershire and Rutland"
    assert f'<h1 class="govuk-heading-l">{heading}</h1>' in page
    assert f"<title>{heading} \N{EN DASH} dtto</title>" in page


def test_the_admin_offers_no_way_round_the_spending_check():
    from django.contrib import admin

    # Spending is changed only through record_spending (its check and its audit event).
    assert AreaSpending not in admin.site._registry
