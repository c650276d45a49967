from __future__ import annotations

import pytest

from dtto.standards import add_working_days, is_working_day
from dtto.standards.tests.factories import d


@pytest.mark.parametrize(
    ("day", "working"),
    [
        ("2003-04-17", True),  # Maundy Thursday
        ("2003-04-18", False),  # Good Friday
        ("2003-04-21", False),  # Easter Monday
        ("2003-12-25", False),
        ("2003-12-26", False),
        ("2004-12-27", False),  # Christmas Day (substitute, 25th a Saturday)
        ("2004-12-28", False),  # Boxing Day (substitute)
        ("2004-12-29", True),
        ("2003-02-08", False),  # Saturday
        ("2003-08-25", False),  # late summer bank holiday
        ("2003-08-26", True),
    ],
)
def test_working_days_exclude_weekends_and_england_and_wales_bank_holidays(day, working):
    assert is_working_day(d(day)) is working


@pytest.mark.parametrize(
    ("start", "n", "expected"),
    [
        ("2003-02-03", 0, "2003-02-03"),
        ("2003-02-03", 1, "2003-02-04"),
        ("2003-02-07", 1, "2003-02-10"),  # Friday -> Monday
        ("2003-02-08", 1, "2003-02-10"),  # an Order made on a Saturday
        ("2003-04-17", 1, "2003-04-22"),  # over Good Friday and Easter Monday
        ("2003-04-17", 2, "2003-04-23"),
        ("2004-12-24", 1, "2004-12-29"),  # over the substitute Christmas holidays
        ("2003-12-24", 2, "2003-12-30"),
        ("2003-02-17", 10, "2003-03-03"),
        ("2003-02-04", -1, "2003-02-03"),
    ],
)
def test_add_working_days_counts_forward_over_holidays(start, n, expected):
    assert add_working_days(d(start), n) == d(expected)
