from __future__ import annotations

import datetime as dt

import pytest

from dtto.lib.dates import add_months, parse_iso_date


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (dt.date(2003, 1, 31), 1, dt.date(2003, 2, 28)),
        (dt.date(2004, 1, 31), 1, dt.date(2004, 2, 29)),
        (dt.date(2003, 2, 3), 12, dt.date(2004, 2, 3)),
        (dt.date(2003, 11, 30), 3, dt.date(2004, 2, 29)),
        (dt.date(2003, 8, 31), 36, dt.date(2006, 8, 31)),
    ],
)
def test_add_months_clamps_to_the_last_day_of_the_month(
    day: dt.date, months: int, expected: dt.date
) -> None:
    assert add_months(day, months) == expected


@pytest.mark.parametrize("text", ["2003-02-30", "2003-2-3", "", None, 20030203])
def test_parse_iso_date_refuses_what_is_not_a_real_date(text: object) -> None:
    with pytest.raises(ValueError):
        parse_iso_date(text)


def test_long_date_is_written_as_people_write_it():
    from dtto.lib.dates import long_date

    assert long_date(dt.date(2026, 11, 15)) == "15 November 2026"
    assert long_date(dt.date(2004, 2, 3)) == "3 February 2004"
