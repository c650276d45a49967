"""Date helpers with no Django dependency."""

from __future__ import annotations

import calendar
import datetime as dt

# A year typed in a form or an address: four digits, so that a slip such as
# 99999999999999999999 is named, not passed to the date type (which would overflow).
YEAR_DIGITS_MESSAGE = "The year of {label} must have 4 numbers, like 2004"


def add_months(day: dt.date, months: int) -> dt.date:
    """``day`` plus whole calendar months, clamped to the month's last day (31 Jan + 1 = 28/29 Feb)."""
    month_index = day.month - 1 + months
    year = day.year + month_index // 12
    month = month_index % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def parse_iso_date(text: object) -> dt.date:
    """A date from ``YYYY-MM-DD``; raises ValueError with a message a user can act on."""
    if not isinstance(text, str) or len(text) != 10:
        raise ValueError(f"not a date in the form YYYY-MM-DD: {text!r}")
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise ValueError(f"not a real date: {text!r}") from None


def long_date(day: dt.date) -> str:
    """A date as people write it: ``15 November 2026`` (GOV.UK style, no leading zero)."""
    return f"{day.day} {calendar.month_name[day.month]} {day.year}"


def long_date_time(moment: dt.datetime) -> str:
    """A moment as people write it: ``15 November 2026, 10:04`` (in the time zone given)."""
    return f"{long_date(moment)}, {moment:%H:%M}"
