from __future__ import annotations

import pytest

from dtto.accounts.models import Area, AreaTarget
from dtto.reports.measures import commencements
from dtto.reports.queries import Period, Scope
from dtto.reports.tests.factories import case, load


@pytest.mark.django_db
def test_commencements_against_targets_by_year_month_and_intensity():
    AreaTarget.objects.create(
        area=Area.objects.get(code="dorset"),
        financial_year=2002,
        intensity="higher",
        commencements=10,
    )
    load(
        *[case(made="2003-02-03") for _ in range(3)],
        case(made="2003-03-31", intensity="lower"),
        case(referred="2003-03-01", made="2003-04-01"),  # financial year 2003
    )
    c = commencements(Scope.national(), Period())
    assert c["total"] == 5
    assert c["by_intensity"] == {"higher": 4, "lower": 1}
    assert c["by_month"][0] == {"month": "2003-02", "higher": 3, "lower": 0, "total": 3}
    year = {(r["financial_year"], r["intensity"]): r for r in c["by_year"]}
    assert year[(2002, "higher")]["commencements"] == 3
    assert year[(2002, "higher")]["target"] == 10
    assert year[(2002, "higher")]["share_of_target"] == 0.3
    assert year[(2003, "higher")]["target"] is None
    dorset = [r for r in c["by_area"] if r["area"] == "dorset" and r["financial_year"] == 2002]
    assert {r["intensity"]: r["commencements"] for r in dorset} == {"higher": 3, "lower": 1}
