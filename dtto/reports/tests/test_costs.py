from __future__ import annotations

from decimal import Decimal

import pytest

from dtto.accounts.models import Area, AreaBudget
from dtto.reports.measures import costs
from dtto.reports.queries import Scope
from dtto.reports.tests.factories import case, ended, load


@pytest.mark.django_db
def test_unit_costs_from_budget_and_actual_days_on_the_order():
    AreaBudget.objects.create(
        area=Area.objects.get(code="dorset"),
        financial_year=2003,
        supervision=Decimal(60000),
        treatment=Decimal(100000),
        testing=Decimal(40000),
        custody_day_cost=Decimal(100),
    )
    load(
        # 1 April 2003 to 31 March 2004: 366 days (2004 is a leap year).
        case(referred="2003-03-01", made="2003-04-01", events=[ended("2004-03-31", "completed")]),
        # 1 April to 10 May 2003: 40 days.
        case(
            referred="2003-03-01",
            made="2003-04-01",
            events=[ended("2003-05-10", "revoked_non_compliance")],
        ),
        case(made="2003-02-03", events=[ended("2003-03-31", "other")]),  # all before the year
    )
    (row,) = costs(Scope.area("dorset"), 2003)["areas"]
    assert row["budget"] == 200000
    assert row["treatment_share"] == 0.5
    assert row["commencements"] == 2
    assert row["cost_per_commencement"] == 100000
    assert row["successful_completions"] == 1
    assert row["cost_per_successful_completion"] == 200000
    assert row["order_days"] == 406
    assert row["cost_per_day"] == round(200000 / 406, 2)
    assert row["share_of_custody_cost"] == pytest.approx(200000 / 406 / 100, abs=1e-4)
