"""The period (and the day "as of") a report page is asked for, read from its address.

A period is typed as GOV.UK date inputs (day, month, year: ``from-day``, ``from-month``,
``from-year``; the same for ``to`` and ``as_of``) or picked as a financial year, whole or one
quarter (``year``, ``quarter``). Nothing typed is dropped: a date that cannot be read, an
impossible or out-of-range one, a period that ends before it starts, or dates typed as well as
a year picked, gives an error naming the field, and the page shows the error summary instead
of figures. The older ``from=YYYY-MM-DD`` form of the address is still read, with the same
errors.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.http import QueryDict
from django.utils import timezone

from dtto.lib.dates import YEAR_DIGITS_MESSAGE, add_months
from dtto.reports.queries import Period, financial_year_of

# The Order began with the pilots of the Crime and Disorder Act 1998: no report reaches back
# further, and a year far in the future is a typing slip (it would also overflow a date).
FIRST_YEAR = 1998
YEARS_AHEAD = 1

DATE_FIELDS = {
    "from": "the start of the period",
    "to": "the end of the period",
    "as_of": "the day the report is as of",
}
PARTS = ("day", "month", "year")
QUARTERS = {
    "1": ("April to June", 4),
    "2": ("July to September", 7),
    "3": ("October to December", 10),
    "4": ("January to March", 1),
}


@dataclass
class DateField:
    name: str
    label: str
    day: str = ""
    month: str = ""
    year: str = ""
    error: str = ""
    # The part the error is about, so the summary's link puts focus in that box.
    error_part: str = "day"
    bad_parts: tuple[str, ...] = ()
    value: dt.date | None = None

    @property
    def error_id(self) -> str:
        return f"{self.name}-{self.error_part}"


@dataclass
class PeriodForm:
    """What was asked for, what it means, and every error in it."""

    dates: dict[str, DateField]
    year: str = ""
    quarter: str = ""
    errors: list[tuple[str, str]] = field(default_factory=list)  # (input id, message)
    period: Period = field(default_factory=Period)
    as_of: dt.date | None = None

    @property
    def is_valid(self) -> bool:
        return not self.errors

    @property
    def year_choices(self) -> list[tuple[str, str]]:
        last = financial_year_of(timezone.localdate())
        return [(str(y), financial_year_words(y)) for y in range(last, FIRST_YEAR - 1, -1)]

    @property
    def quarter_choices(self) -> list[tuple[str, str]]:
        return [("", "The whole year")] + [(q, f"{words}") for q, (words, _) in QUARTERS.items()]

    @property
    def year_error(self) -> str:
        return next((m for i, m in self.errors if i in ("year", "quarter")), "")

    @property
    def described(self) -> str:
        """The period in words, for a heading (and the day it is as of, if not today)."""
        words = describe(self.period)
        return words if self.as_of is None else f"{words}, as of {self.as_of:%-d %B %Y}"


def financial_year_words(year: int) -> str:
    """A financial year, named by the year it starts in, in words: "April 2003 to March 2004"."""
    return f"April {year} to March {year + 1}"


def describe(period: Period) -> str:
    start, end = period.start, period.end
    if start is None and end is None:
        return "all records"
    if start is None:
        return f"up to {end:%-d %B %Y}"
    if end is None:
        return f"from {start:%-d %B %Y}"
    return f"{start:%-d %B %Y} to {end:%-d %B %Y}"


def _max_year() -> int:
    return timezone.localdate().year + YEARS_AHEAD


def _read_date(f: DateField) -> None:
    parts = {"day": f.day, "month": f.month, "year": f.year}
    given = [p for p in PARTS if parts[p]]
    if not given:
        return
    missing = [p for p in PARTS if not parts[p]]
    subject = f.label[0].upper() + f.label[1:]
    if missing:
        f.error = f"{subject} must include a {' and a '.join(missing)}"
        f.error_part, f.bad_parts = missing[0], tuple(missing)
        return
    not_numbers = [p for p in PARTS if not parts[p].isdigit()]
    if not_numbers:
        f.error = f"Enter {f.label} as numbers, like 1 4 2004"
        f.error_part, f.bad_parts = not_numbers[0], tuple(not_numbers)
        return
    # Compare as text lengths first: an enormous number must not reach int() arithmetic.
    if len(f.year) != 4:
        f.error = YEAR_DIGITS_MESSAGE.format(label=f.label)
        f.error_part, f.bad_parts = "year", ("year",)
        return
    year, month, day = int(f.year), int(f.month), int(f.day)
    if not FIRST_YEAR <= year <= _max_year():
        f.error = f"The year of {f.label} must be between {FIRST_YEAR} and {_max_year()}"
        f.error_part, f.bad_parts = "year", ("year",)
        return
    try:
        f.value = dt.date(year, month, day)
    except (ValueError, OverflowError):  # an enormous day or month overflows the C date
        f.error = f"{subject} must be a real date"
        f.error_part, f.bad_parts = "day", PARTS


def _read_iso(f: DateField, text: str) -> None:
    """The older single-box form, ``from=2004-04-01``."""
    pieces = text.split("-")
    if len(pieces) == 3:
        f.year, f.month, f.day = (p.strip() for p in pieces)
    else:
        f.day, f.month, f.year = text, "", ""
        f.error = f"Enter {f.label} as a day, month and year, like 1 4 2004"
        f.bad_parts = PARTS
        return
    _read_date(f)


def read(query: QueryDict) -> PeriodForm:
    dates = {name: DateField(name, label) for name, label in DATE_FIELDS.items()}
    for name, f in dates.items():
        f.day, f.month, f.year = (query.get(f"{name}-{p}", "").strip() for p in PARTS)
        legacy = query.get(name, "").strip()
        if legacy and not (f.day or f.month or f.year):
            _read_iso(f, legacy)
        else:
            _read_date(f)
    form = PeriodForm(
        dates=dates,
        year=query.get("year", "").strip(),
        quarter=query.get("quarter", "").strip(),
    )
    form.errors = [(f.error_id, f.error) for f in dates.values() if f.error]
    start, end = dates["from"].value, dates["to"].value
    typed = any(dates[n].day or dates[n].month or dates[n].year for n in ("from", "to"))
    if form.year or form.quarter:
        picked = _picked(form)
        if picked is not None and typed:
            form.errors.insert(
                0, ("year", "Choose a financial year or type the dates of the period, not both")
            )
        elif picked is not None:
            start, end = picked.start, picked.end
    if start is not None and end is not None and end < start and not form.errors:
        dates["to"].error = "The end of the period must be the same as or after the start"
        dates["to"].bad_parts = PARTS
        form.errors.append((dates["to"].error_id, dates["to"].error))
    if form.is_valid:
        form.period = Period(start, end)
        form.as_of = dates["as_of"].value
    return form


def _picked(form: PeriodForm) -> Period | None:
    valid_years = {y for y, _ in form.year_choices}
    if form.year not in valid_years:
        form.errors.append(("year", "Choose a financial year from the list"))
        return None
    if form.quarter and form.quarter not in QUARTERS:
        form.errors.append(("quarter", "Choose a quarter from the list, or the whole year"))
        return None
    return financial_period(int(form.year), form.quarter)


def financial_period(year: int, quarter: str = "") -> Period:
    """A financial year (April ``year`` to March), or one of its quarters ("1" to "4")."""
    if not quarter:
        return Period.financial_year(year)
    _, month = QUARTERS[quarter]
    calendar_year = year + 1 if month < 4 else year
    start = dt.date(calendar_year, month, 1)
    return Period(start, add_months(start, 3) - dt.timedelta(days=1))


def previous(period: Period) -> Period | None:
    """The period of the same length just before, for a trend; None for an open period.

    Whole calendar months (a month, a quarter, a financial year) are compared with the same
    number of whole months before, not a span of days (months differ in length)."""
    start, end = period.start, period.end
    if start is None or end is None:
        return None
    months = (end.year - start.year) * 12 + end.month - start.month + 1
    if start.day == 1 and end + dt.timedelta(days=1) == add_months(start, months):
        before = add_months(start, -months)
        return Period(before, start - dt.timedelta(days=1))
    days = (end - start).days + 1
    return Period(start - dt.timedelta(days=days), start - dt.timedelta(days=1))


def query_without(query: QueryDict, *names: str) -> str:
    """The page's address query without some keys (a format, a sort), for links."""
    copy: Any = query.copy()
    for name in names:
        copy.pop(name, None)
    return str(copy.urlencode())
