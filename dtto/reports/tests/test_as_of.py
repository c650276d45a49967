"""Reports as of a day count what was recorded and final on that day, and never write."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from dtto.accounts.models import Court
from dtto.reports import measures
from dtto.reports.queries import Period, Scope
from dtto.reports.tests.factories import breach, case, drug_test, ended, load

NATIONAL = Scope.national()
ALL = Period()


def _day(text: str) -> dt.date:
    return dt.date.fromisoformat(text)


@pytest.mark.django_db
def test_orders_made_and_ended_after_the_day_are_not_counted_and_an_order_ending_later_runs():
    load(
        case(made="2003-02-03", events=[ended("2003-09-01", "revoked_conviction")]),
        case(made="2003-05-01"),
    )
    # 1 April 2003: only the first Order has been made, and it is still running.
    on = _day("2003-04-01")
    assert measures.commencements(NATIONAL, ALL, as_of=on)["total"] == 1
    assert measures.terminations(NATIONAL, ALL, as_of=on)["total"] == 0
    kept = measures.retention(NATIONAL, ALL, as_of=on)["groups"]["all"]
    assert (kept["n"], kept["ended"], kept["running"]) == (1, 0, 1)
    # 1 October 2003: both made; the first ended on 1 September.
    on = _day("2003-10-01")
    assert measures.commencements(NATIONAL, ALL, as_of=on)["total"] == 2
    assert measures.terminations(NATIONAL, ALL, as_of=on)["by_reason"]["revoked_conviction"] == 1


@pytest.mark.django_db
def test_a_deadline_still_open_on_the_day_is_not_counted_as_missed():
    # Made Monday 3 February 2003, no appointment ever: the first probation appointment is due
    # by Tuesday 4 February (1 working day). On the 3rd it is not yet judged; on the 4th missed.
    load(case(made="2003-02-03"))
    before = measures.compliance(NATIONAL, ALL, as_of=_day("2003-02-03"))
    assert before["first_probation_1wd"]["denominator"] == 0
    on_due = measures.compliance(NATIONAL, ALL, as_of=_day("2003-02-04"))
    assert (
        on_due["first_probation_1wd"]["numerator"],
        on_due["first_probation_1wd"]["denominator"],
    ) == (0, 1)
    # Week 1 (3-9 February) is judged only once it has ended, on Sunday the 9th.
    assert on_due["by_event"]["contact_weeks_phase1"]["denominator"] == 0
    week_1 = measures.compliance(NATIONAL, ALL, as_of=_day("2003-02-09"))
    assert week_1["by_event"]["contact_weeks_phase1"]["denominator"] == 1


@pytest.mark.django_db
def test_referrals_and_assessments_count_from_their_own_days():
    load(
        case(referred="2003-01-02", assessment="unsuitable", reason="not_motivated", made=None),
        case(referred="2003-03-01", made="2003-04-01"),
    )
    # The assessment has no date in these files: known from the referral day.
    f = measures.referral_funnel(NATIONAL, ALL, as_of=_day("2003-03-15"))
    assert f["referred"] == 2
    assert f["unsuitable"]["total"] == 1
    # The second referral's Order is made on 1 April: not yet sentenced on 15 March.
    assert f["sentenced"] == 0
    assert measures.referral_funnel(NATIONAL, ALL, as_of=_day("2003-04-01"))["sentenced"] == 1
    assert measures.referral_funnel(NATIONAL, ALL, as_of=_day("2003-01-01"))["referred"] == 0


@pytest.mark.django_db
def test_breaches_count_from_instigation_and_decisions_from_their_day():
    load(case(made="2003-02-03", events=[breach("2003-03-03", "revoked", decided="2003-04-10")]))
    on = measures.breaches(NATIONAL, ALL, as_of=_day("2003-04-01"))
    assert (on["instigated"], on["decided"]) == (1, 0)
    later = measures.breaches(NATIONAL, ALL, as_of=_day("2003-04-10"))
    assert (later["instigated"], later["decided"], later["revoked"]) == (1, 1, 1)


@pytest.mark.django_db
def test_a_month_on_the_order_counts_for_drug_use_once_it_has_ended():
    # Made 3 February: month 1 runs to 2 March, month 2 from 3 March to 2 April.
    load(
        case(
            made="2003-02-03",
            events=[
                drug_test("2003-02-04", opiates="negative"),
                drug_test("2003-03-04", opiates="positive"),
            ],
        )
    )
    # The whole record is read from the area-by-month rollup; a period ending mid-month from
    # the Order months: both cut the same way.
    for period in (ALL, Period(dt.date(2003, 2, 1), dt.date(2003, 2, 15))):
        for day, months in (("2003-03-01", []), ("2003-03-02", [1]), ("2003-04-02", [1, 2])):
            found = measures.drug_use(NATIONAL, period, as_of=_day(day))["months"]
            assert [m["month"] for m in found] == months, (period, day)


@pytest.mark.django_db
def test_a_report_run_writes_nothing():
    load(
        case(made="2003-02-03", events=[ended("2003-09-01", "completed")]),
        case(made=None, assessment="not_assessed", reason="did_not_attend"),
    )
    court = Court.objects.filter(area__code="dorset").first()
    assert court is not None, "the reference data has courts in Dorset"
    with CaptureQueriesContext(connection) as queries:
        measures.report(NATIONAL, ALL, as_of=_day("2004-01-01"), sample_per_area=2)
        measures.report(Scope.area("dorset"), ALL)
        measures.sentencer_summary(court.code, ALL, as_of=_day("2004-01-01"))
    statements = [q["sql"].lstrip().split()[0].upper() for q in queries.captured_queries]
    assert statements  # the report did read
    assert {s for s in statements if s in ("INSERT", "UPDATE", "DELETE")} == set()


@pytest.mark.django_db
def test_the_dashboard_counts_as_of_the_day_asked_for():
    from django.test import Client

    from dtto.accounts.models import Role, User

    # 6 Orders made 3 February 2003 end on 2 February 2004 (completed); 5 made later run on.
    load(
        *[case(events=[ended("2004-02-02", "completed")]) for _ in range(6)],
        *[case(made="2004-03-01") for _ in range(5)],
    )
    analyst = User.objects.create_user(username="analyst", password="x", role=Role.NATIONAL_ANALYST)
    client = Client()
    client.force_login(analyst)
    before = client.get("/reports/", {"as_of": "2004-01-31", "format": "json"}).json()
    assert before["as_of"] == "2004-01-31"
    assert (before["commencements"]["total"], before["terminations"]["total"]) == (6, 0)
    after = client.get("/reports/", {"as_of": "2004-03-01", "format": "json"}).json()
    assert (after["commencements"]["total"], after["terminations"]["total"]) == (11, 6)
    page = client.get("/reports/", {"as_of": "2004-01-31"}).content.decode()
    assert "All records, as of 31 January 2004" in page
    assert 'name="as_of-year" type="text" inputmode="numeric" value="2004"' in page
