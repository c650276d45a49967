"""The report pages as an analyst reads them: a headline page per scope with trend and
interval, a page per section, every area compared, the period typed as GOV.UK date inputs
(errors shown, never dropped or a 500), labels in words, and the PDF and CSV downloads.

Expectations are worked out by hand from the small case files below.
"""

from __future__ import annotations

import csv
import io
import re
from html import unescape
from typing import Any

import pytest
from django.test import Client

from dtto.accounts.models import Area, AreaBudget, AreaTarget, Court, Role, Team, User
from dtto.reports.charts import wrap_label
from dtto.reports.tests.factories import case, ended, load

WEYMOUTH = "test-weymouth"


def _court() -> Court:
    court = Court.objects.filter(area__code="dorset").order_by("code").first()
    assert court is not None, "the reference data has courts in Dorset"
    return court


def _data() -> None:
    """Dorset: 5 Orders made in 2003-04, all revoked in 2003-04 (0 of 5 successful); 10 made
    in 2004-05 at one court and supervised by one team, 6 completed and 4 revoked in 2004-05
    (6 of 10, 60.0%); 5 referrals in 2004-05 that did not attend assessment. Kent: 5 made and
    completed in 2004-05 (5 of 5)."""
    team = Team.objects.create(area=Area.objects.get(code="dorset"), code=WEYMOUTH, name="Weymouth")
    court = _court().code

    def in_2004(reason: str) -> dict[str, Any]:
        c = case(
            referred="2004-04-20",
            made="2004-05-03",
            court=court,
            events=[ended("2005-02-01", reason)],
        )
        c["order"]["team"] = team.code
        return c

    load(
        *[
            case(referred="2003-04-20", made="2003-05-01", events=[ended("2003-12-01", "other")])
            for _ in range(5)
        ],
        *[in_2004("completed") for _ in range(6)],
        *[in_2004("revoked_non_compliance") for _ in range(4)],
        *[
            case(
                referred="2004-06-01",
                assessment="not_assessed",
                reason="did_not_attend",
                made=None,
            )
            for _ in range(5)
        ],
        *[
            case(
                area="kent",
                referred="2004-04-20",
                made="2004-05-03",
                events=[ended("2005-02-01", "completed")],
            )
            for _ in range(5)
        ],
    )


def _client(role: str, area: str | None = None) -> Client:
    user = User.objects.create_user(
        username=f"{role}-{area}",
        password="x",
        role=role,
        area=None if area is None else Area.objects.get(code=area),
    )
    client = Client()
    client.force_login(user)
    return client


def _text(client: Client, url: str, **headers: str) -> str:
    response = client.get(url, headers=headers)
    assert response.status_code == 200, (url, response.status_code)
    return response.content.decode()


def _main(page: str) -> str:
    """The page's main content as plain text, spaces collapsed."""
    found = re.search(r"<main.*?</main>", page, re.S)
    assert found is not None
    text = re.sub(r"<svg.*?</svg>", " ", found.group(0), flags=re.S)
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", text)).split())


def _headline(page: str, figure_id: str) -> str:
    found = re.search(
        rf'<div class="govuk-summary-list__row" id="{figure_id}">(.*?)</div>', page, re.S
    )
    assert found is not None, figure_id
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", found.group(1))).split())


# --- Headline pages ----------------------------------------------------------------------


@pytest.mark.django_db
def test_area_headline_gives_each_figure_with_its_interval_and_the_year_before():
    _data()
    page = _text(_client(Role.AREA_MANAGER, "dorset"), "/reports/?area=dorset&year=2004")
    # 2004-05: 10 Orders made; 2003-04: 5.
    assert _headline(page, "orders-made").startswith("Orders made 10")
    assert "Period before: 5 (now higher)" in _headline(page, "orders-made")
    # 6 of 10 successful: Wilson 95% interval 31.3% to 83.2%; the year before 0 of 5.
    done = _headline(page, "successful-completion")
    assert "60.0%" in done and "95% interval 31.3% to 83.2%" in done
    assert "Period before: 0.0% (now higher)" in done
    assert "Target 35.0%" in done  # the completion target in force from April 2004
    assert "1 April 2004 to 31 March 2005" in page
    assert "1 April 2003 to 31 March 2004" in page  # the period compared with


@pytest.mark.django_db
def test_a_headline_page_for_each_scope_counts_only_that_scope():
    _data()
    analyst = _client(Role.NATIONAL_ANALYST)
    court = _court()
    expected = {
        "/reports/?year=2004": 15,  # Dorset 10 + Kent 5
        "/reports/?area=kent&year=2004": 5,
        f"/reports/?team={WEYMOUTH}&year=2004": 10,
        f"/reports/?court={court.code}&year=2004": 10,
    }
    for url, made in expected.items():
        page = _text(analyst, url)
        assert _headline(page, "orders-made").startswith(f"Orders made {made} "), url
    national = _text(analyst, "/reports/?year=2004")
    assert "Compare every area" in national
    assert 'href="/reports/?area=dorset&amp;year=2004"' in national  # a link per area
    area = _text(analyst, "/reports/?area=dorset&year=2004")
    assert f'href="/reports/?team={WEYMOUTH}&amp;year=2004"' in area  # a link per team


@pytest.mark.django_db
def test_the_court_list_is_a_table_not_a_paragraph_of_links():
    _data()
    page = _text(_client(Role.AREA_MANAGER, "dorset"), "/reports/courts/")
    court = _court()
    assert f'href="/reports/courts/{court.code}/"' in page
    assert "<table" in page
    assert "Kent" not in _main(page)  # only the manager's own area


@pytest.mark.django_db
def test_every_section_has_its_own_page_in_words():
    _data()
    manager = _client(Role.AREA_MANAGER, "dorset")
    ids = [
        "commencements",
        "referrals",
        "terminations",
        "enforcement",
        "compliance",
        "retention",
        "drug-use",
        "reach-age_band",
        "reach-sex",
        "reach-ethnic_group",
        "reconviction",
    ]
    for section in ids:
        _text(manager, f"/reports/sections/{section}/?year=2004")
    ended_page = _main(_text(manager, "/reports/sections/terminations/?year=2004"))
    assert "Completed full term 6 10 60.0% 31.3% to 83.2%" in ended_page
    assert "revoked_non_compliance" not in ended_page
    referrals = _main(_text(manager, "/reports/sections/referrals/?year=2004"))
    assert "Not assessed Did not attend for assessment 5" in referrals
    assert "did_not_attend" not in referrals
    sex = _main(_text(manager, "/reports/sections/reach-sex/?year=2004"))
    assert "Reference group: Male." in sex
    retention = _main(_text(manager, "/reports/sections/retention/?year=2004"))
    assert "Higher intensity" in retention
    assert manager.get("/reports/sections/no-such-thing/").status_code == 404
    # A manager has no comparison of areas (their report has no such section).
    assert manager.get("/reports/sections/areas/").status_code == 404


# --- Comparing areas ---------------------------------------------------------------------


@pytest.mark.django_db
def test_areas_compared_by_name_on_the_funnel_plot_and_in_a_sortable_table():
    _data()
    analyst = _client(Role.NATIONAL_ANALYST)
    page = _text(analyst, "/reports/areas/?year=2004")
    svg = re.search(r"<svg.*?</svg>", page, re.S)
    assert svg is not None
    # Dorset 6 of 10 and Kent 5 of 5 ended in 2004-05: both drawn and named on the plot.
    assert ">Dorset</text>" in svg.group(0) and ">Kent</text>" in svg.group(0)
    by_area = _main(page)
    assert "Dorset 10 6 60.0% 31.3% to 83.2%" in by_area
    assert "Kent 5 5 100.0%" in by_area
    by_rate = _main(_text(analyst, "/reports/areas/?year=2004&sort=rate"))
    assert by_rate.index("Kent 5 5") < by_rate.index("Dorset 10 6")
    by_name = _main(_text(analyst, "/reports/areas/?year=2004&sort=area"))
    assert by_name.index("Dorset 10 6") < by_name.index("Kent 5 5")
    assert 'aria-sort="descending"' in _text(analyst, "/reports/areas/?sort=rate")
    assert "<script>" not in page  # the sorting script is a file (CSP: no inline script)
    assert "sortable-table.mjs" in page


@pytest.mark.django_db
def test_only_national_analysts_compare_every_area():
    manager = _client(Role.AREA_MANAGER, "dorset")
    assert manager.get("/reports/areas/").status_code == 403
    assert "Compare every area" not in _text(manager, "/reports/")


# --- The period --------------------------------------------------------------------------

WRONG_PERIODS = {
    "from-day=31&from-month=2&from-year=2005": "The start of the period must be a real date",
    "from-day=1&from-month=4&from-year=2005&to-day=31&to-month=3&to-year=2005": (
        "The end of the period must be the same as or after the start"
    ),
    "from-day=1&from-month=4&from-year=1": "The year of the start of the period must have 4",
    "to-day=1&to-month=4&to-year=9999": "The year of the end of the period must be between 1998",
    "to-day=1&to-month=4&to-year=99999999999999999999": "must have 4 numbers",
    "from-day=99999999999999999999&from-month=4&from-year=2004": (
        "The start of the period must be a real date"
    ),
    "from-day=1&from-month=two&from-year=2004": "Enter the start of the period as numbers",
    "from-day=1&from-year=2004": "The start of the period must include a month",
    "as_of-day=30&as_of-month=2&as_of-year=2005": "The day the report is as of must be a real date",
    "year=2004&from-day=1&from-month=4&from-year=2004": (
        "Choose a financial year or type the dates of the period, not both"
    ),
    "year=1066": "Choose a financial year from the list",
    "year=2004&quarter=7": "Choose a quarter from the list",
    "from=2004-13-01": "The start of the period must be a real date",
    "from=April": "Enter the start of the period as a day, month and year",
}


@pytest.mark.django_db
@pytest.mark.parametrize("query", list(WRONG_PERIODS))
@pytest.mark.parametrize(
    "page", ["/reports/", "/reports/sections/terminations/", "/reports/areas/"]
)
def test_a_period_typed_wrongly_is_shown_as_an_error_never_dropped(query, page):
    analyst = _client(Role.NATIONAL_ANALYST)
    text = _text(analyst, f"{page}?{query}")
    assert "There is a problem with the period" in text
    assert WRONG_PERIODS[query] in unescape(text)
    assert "Headline figures" not in text and "<svg" not in text  # no figures for a guess


@pytest.mark.django_db
def test_the_error_summary_links_to_the_box_to_correct():
    page = _text(_client(Role.NATIONAL_ANALYST), "/reports/?from-day=1&from-month=4&from-year=9999")
    assert '<a href="#from-year">' in page
    assert 'id="from-year"' in page
    assert re.search(r'class="[^"]*govuk-input--error[^"]*" id="from-year"', page)
    # What was typed is kept in the boxes.
    assert re.search(r'id="from-year" name="from-year"[^>]*value="9999"', page)


@pytest.mark.django_db
def test_a_wrong_period_on_a_download_gives_the_page_with_its_error_not_a_file():
    response = _client(Role.NATIONAL_ANALYST).get(
        "/reports/?to-day=40&to-month=1&to-year=2005&format=pdf"
    )
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")


@pytest.mark.django_db
def test_the_period_picker_gives_financial_years_and_quarters():
    _data()
    manager = _client(Role.AREA_MANAGER, "dorset")
    quarter = _text(manager, "/reports/?year=2004&quarter=3")
    assert "1 October 2004 to 31 December 2004" in quarter
    assert "1 July 2004 to 30 September 2004" in quarter  # the quarter before
    january = _text(manager, "/reports/?year=2004&quarter=4")
    assert "1 January 2005 to 31 March 2005" in january
    typed = _text(
        manager,
        "/reports/?from-day=1&from-month=5&from-year=2004&to-day=31&to-month=5&to-year=2004",
    )
    # 10 Orders made on 3 May 2004.
    assert _headline(typed, "orders-made").startswith("Orders made 10 ")
    assert "1 April 2004 to 30 April 2004" in typed  # the 31 days before


# --- Labels and figures in words ---------------------------------------------------------


@pytest.mark.django_db
def test_a_zero_target_reads_no_target_set_not_withheld():
    load(*[case(made="2004-05-03", intensity="lower") for _ in range(3)])
    dorset = Area.objects.get(code="dorset")
    AreaTarget.objects.create(area=dorset, financial_year=2004, intensity="lower", commencements=0)
    page = _main(_text(_client(Role.AREA_MANAGER, "dorset"), "/reports/sections/commencements/"))
    # 3 lower-intensity Orders: the count is withheld, but the target is simply zero.
    assert "2004-05 Lower intensity fewer than 5 no target set no target set" in page


@pytest.mark.django_db
def test_costs_are_shown_for_the_latest_year_with_budgets_when_the_period_is_open():
    load(*[case(made="2004-05-03") for _ in range(5)])
    AreaBudget.objects.create(
        area=Area.objects.get(code="dorset"),
        financial_year=2004,
        supervision=50000,
        treatment=40000,
        testing=10000,
        custody_day_cost=100,
    )
    manager = _client(Role.AREA_MANAGER, "dorset")
    headline = _text(manager, "/reports/")
    assert "Costs 2004-05" in headline
    costs = _main(_text(manager, "/reports/sections/costs/"))
    # £100,000 for 5 Orders made in the year: £20,000 each.
    assert "Dorset £100,000.00 £20,000.00" in costs


def test_chart_labels_wrap_whole_words_instead_of_being_cut():
    label = "First probation appointment within 1 working day"
    lines = wrap_label(label)
    assert " ".join(lines) == label
    assert all(len(line) <= 30 for line in lines)
    assert wrap_label("a " * 60)[-1].endswith("\N{HORIZONTAL ELLIPSIS}")


# --- Downloads ---------------------------------------------------------------------------


@pytest.mark.django_db
def test_format_pdf_returns_a_pdf_and_so_does_asking_for_one():
    _data()
    analyst = _client(Role.NATIONAL_ANALYST)
    for url, headers in (
        ("/reports/?year=2004&format=pdf", {}),
        ("/reports/?year=2004", {"Accept": "application/pdf"}),
        ("/reports/sections/terminations/?format=pdf", {}),
        (f"/reports/courts/{_court().code}/?format=pdf", {}),
    ):
        response = analyst.get(url, headers=headers)
        assert response.status_code == 200, url
        assert response["Content-Type"] == "application/pdf", url
        assert response.content.startswith(b"%PDF"), url
        assert "attachment" in response["Content-Disposition"]
        assert "Accept" in response.get("Vary", ""), url
    page = analyst.get("/reports/", headers={"Accept": "text/html,application/pdf"})
    assert page["Content-Type"].startswith("text/html")
    assert analyst.get("/reports/?format=docx").status_code == 400


@pytest.mark.django_db
def test_markup_in_a_reference_data_name_prints_in_the_pdf():
    _data()
    Area.objects.filter(code="dorset").update(name="Dorset <b>& Poole</i>")
    response = _client(Role.NATIONAL_ANALYST).get("/reports/?area=dorset&format=pdf")
    assert response.status_code == 200
    assert response.content.startswith(b"%PDF")


@pytest.mark.django_db
def test_a_section_csv_is_one_tidy_table_that_opens_in_a_spreadsheet():
    _data()
    response = _client(Role.AREA_MANAGER, "dorset").get(
        "/reports/sections/terminations/?area=dorset&year=2004&format=csv"
    )
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeff")  # a byte-order mark: opened as UTF-8
    rows = list(csv.DictReader(io.StringIO(text[1:])))
    assert list(rows[0]) == [
        "scope",
        "scope_code",
        "scope_name",
        "period_from",
        "period_to",
        "as_of",
        "reason",
        "numerator",
        "denominator",
        "rate",
        "ci_low",
        "ci_high",
        "withheld",
    ]
    by_reason = {r["reason"]: r for r in rows}
    assert len(rows) == len(by_reason)  # one row per reason for the one area and period
    done = by_reason["Completed full term"]
    assert (done["scope"], done["scope_code"], done["scope_name"]) == ("area", "dorset", "Dorset")
    assert (done["period_from"], done["period_to"]) == ("2004-04-01", "2005-03-31")
    assert (done["numerator"], done["denominator"], done["rate"]) == ("6", "10", "0.6")
    assert done["withheld"] == "no"
    revoked = by_reason["Revoked for failure to comply"]
    # 4 of 10: a count under 5, withheld with its rate and interval (empty cells).
    assert (revoked["numerator"], revoked["rate"], revoked["withheld"]) == ("", "", "yes")


@pytest.mark.django_db
def test_a_name_that_looks_like_a_formula_is_neutralised_in_the_csv():
    _data()
    Area.objects.filter(code="dorset").update(name='=HYPERLINK("http://x","Dorset")')
    text = (
        _client(Role.NATIONAL_ANALYST)
        .get("/reports/sections/terminations/?area=dorset&format=csv")
        .content.decode()
    )
    row = next(csv.DictReader(io.StringIO(text[1:])))
    assert row["scope_name"] == '\'=HYPERLINK("http://x","Dorset")'


@pytest.mark.django_db
def test_the_json_download_is_the_report_document():
    _data()
    data = _client(Role.NATIONAL_ANALYST).get("/reports/?year=2004&format=json").json()
    assert data["format"] == "dtto-report/1"
    assert data["terminations"]["total"] == 15  # Dorset 10 and Kent 5 ended in 2004-05


# --- Footer pages ------------------------------------------------------------------------


@pytest.mark.django_db
def test_accessibility_statement_and_privacy_notice_are_linked_from_every_page():
    client = Client()
    for url, heading in (
        ("/accessibility/", "Accessibility statement"),
        ("/privacy/", "Privacy notice"),
    ):
        page = _text(client, url)
        assert f'<h1 class="govuk-heading-l">{heading}</h1>' in page
        assert f'href="{url}"' in page
    privacy = _text(client, "/privacy/")
    assert "docs/operations.md" in privacy
    assert "lawful basis" in privacy.lower()


def test_the_period_before_is_the_same_whole_months_or_the_same_number_of_days():
    import datetime as dt

    from dtto.reports.periods import previous
    from dtto.reports.queries import Period

    d = dt.date
    # March 2004 (31 days) is compared with February 2004 (29 days, a leap year).
    assert previous(Period(d(2004, 3, 1), d(2004, 3, 31))) == Period(d(2004, 2, 1), d(2004, 2, 29))
    assert previous(Period.financial_year(2004)) == Period.financial_year(2003)
    # 10 days from 5 May: the 10 days before.
    assert previous(Period(d(2004, 5, 5), d(2004, 5, 14))) == Period(d(2004, 4, 25), d(2004, 5, 4))
    assert previous(Period(None, d(2004, 5, 14))) is None


@pytest.mark.django_db
def test_the_headline_csv_gives_each_figure_as_numbers_with_the_period_before():
    _data()
    text = (
        _client(Role.AREA_MANAGER, "dorset")
        .get("/reports/?area=dorset&year=2004&format=csv")
        .content.decode()
    )
    rows = {r["figure"]: r for r in csv.DictReader(io.StringIO(text[1:]))}
    made = rows["orders-made"]
    assert (made["value"], made["previous_value"]) == ("10", "5")
    assert (made["previous_period_from"], made["previous_period_to"]) == (
        "2003-04-01",
        "2004-03-31",
    )
    done = rows["successful-completion"]
    # 6 of 10 (Wilson 0.3127 to 0.8318), the year before 0 of 5.
    assert (done["value"], done["previous_value"]) == ("0.6", "0.0")
    assert round(float(done["ci_low"]), 4) == 0.3127
    assert round(float(done["ci_high"]), 4) == 0.8318
