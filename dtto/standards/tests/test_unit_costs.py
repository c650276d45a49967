"""Unit costs are in force for every year the Order existed."""

from __future__ import annotations

import datetime as dt

import pytest

from dtto.standards.unit_costs import unit_cost


@pytest.mark.parametrize("name", ["custody_day", "review_hearing", "breach_hearing"])
def test_a_report_of_the_first_full_year_of_pilots_has_each_unit_cost(name: str) -> None:
    # The 1999-2000 financial year began 1 April 1999, six months into the pilots.
    assert unit_cost(name, dt.date(1999, 4, 1)).name == name


def test_a_day_before_the_first_pilot_orders_has_no_unit_cost() -> None:
    with pytest.raises(LookupError, match="no unit cost 'custody_day' in force on 1998-09-30"):
        unit_cost("custody_day", dt.date(1998, 9, 30))
