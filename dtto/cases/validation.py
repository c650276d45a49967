"""Checks shared by the services and the case-file importer, so both refuse the same things."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from dtto.cases.errors import Checker
from dtto.cases.models import Code
from dtto.lib.dates import add_months, parse_iso_date

MIN_ORDER_MONTHS = 6
MAX_ORDER_MONTHS = 36
MAX_APPOINTMENT_HOURS = Decimal("12")


def fmt(day: dt.date) -> str:
    return day.isoformat()


def coerce_date(
    check: Checker, field: str, value: object, *, required: bool = True
) -> dt.date | None:
    """A date from a date or a ``YYYY-MM-DD`` string; records an error and returns None if not."""
    if value is None or value == "":
        if required:
            check.add(field, "is required")
        return None
    if isinstance(value, dt.datetime):
        check.add(field, f"must be a date, not a date and time: {value!r}")
        return None
    if isinstance(value, dt.date):
        return value
    try:
        return parse_iso_date(value)
    except ValueError as exc:
        check.add(field, str(exc))
        return None


def coerce_hours(check: Checker, field: str, value: object) -> Decimal | None:
    """Contact hours: more than 0, at most 12, in hundredths of an hour at the finest."""
    if isinstance(value, bool) or value is None or value == "":
        check.add(field, "is required: a number of hours such as 1.5")
        return None
    try:
        hours = Decimal(str(value))
    except InvalidOperation:
        check.add(field, f"not a number of hours: {value!r}")
        return None
    if not hours.is_finite():
        check.add(field, f"not a number of hours: {value!r}")
        return None
    if hours <= 0:
        check.add(field, f"must be more than 0 hours, got {value}")
        return None
    if hours > MAX_APPOINTMENT_HOURS:
        check.add(
            field, f"must be at most {MAX_APPOINTMENT_HOURS} hours in one appointment, got {value}"
        )
        return None
    if hours != hours.quantize(Decimal("0.01")):
        check.add(field, f"must be given to at most two decimal places, got {value}")
        return None
    return hours.quantize(Decimal("0.01"))


def coerce_length(check: Checker, field: str, value: object) -> int | None:
    """An Order's length: a whole number of months from 6 to 36 (the Act's limits)."""
    if isinstance(value, str) and value.strip().isdigit():
        value = int(value)  # as typed into a form
    if isinstance(value, bool) or not isinstance(value, int):
        check.add(field, "must be a whole number of months")
        return None
    if not MIN_ORDER_MONTHS <= value <= MAX_ORDER_MONTHS:
        check.add(
            field,
            f"an Order lasts at least {MIN_ORDER_MONTHS} and at most {MAX_ORDER_MONTHS} months, got {value}",
        )
        return None
    return value


def check_not_future(check: Checker, field: str, day: dt.date | None, today: dt.date) -> None:
    if day is not None and day > today:
        check.add(field, f"{fmt(day)} is in the future")


@dataclass(frozen=True)
class OrderWindow:
    """The days an Order's events may fall on."""

    made_on: dt.date
    length_months: int
    terminated_on: dt.date | None
    today: dt.date

    @property
    def natural_end_on(self) -> dt.date:
        return add_months(self.made_on, self.length_months)

    @property
    def last_day(self) -> dt.date:
        if self.terminated_on is not None:
            return self.terminated_on
        return self.natural_end_on - dt.timedelta(days=1)

    def check_day(
        self, check: Checker, field: str, day: dt.date | None, *, may_be_future: bool = False
    ) -> None:
        if day is None:
            return
        if day < self.made_on:
            check.add(field, f"{fmt(day)} is before the Order was made on {fmt(self.made_on)}")
        elif day > self.last_day:
            ended = "was terminated" if self.terminated_on is not None else "ended"
            check.add(field, f"{fmt(day)} is after the Order {ended} on {fmt(self.last_day)}")
        elif not may_be_future and day > self.today:
            check.add(field, f"{fmt(day)} is in the future")


class CodeBook:
    """Every code, loaded once per service call or import, for checking codes by list."""

    def __init__(self) -> None:
        self._codes = {(c.list_name, c.code): c for c in Code.objects.all()}

    def get(self, list_name: str, code: str) -> Code | None:
        return self._codes.get((list_name, code))

    def resolve(
        self,
        check: Checker,
        field: str,
        list_name: str,
        code: object,
        *,
        on: dt.date | None,
        required: bool = True,
    ) -> Code | None:
        if code is None or code == "":
            if required:
                check.add(field, f"is required: a code from the {list_name} list")
            return None
        if isinstance(code, Code):
            found: Code | None = code if code.list_name == list_name else None
        else:
            found = self._codes.get((list_name, str(code)))
        if found is None:
            check.add(field, f"unknown code {str(code)!r} in the {list_name} list")
            return None
        if on is not None and not found.usable_on(on):
            check.add(
                field,
                f"code {found.code!r} was retired on {fmt(found.retired_on)}"  # type: ignore[arg-type]
                f" and cannot be used for {fmt(on)}",
            )
            return None
        return found

    def by_list(self, list_name: str) -> list[Code]:
        return sorted(
            (c for (name, _), c in self._codes.items() if name == list_name),
            key=lambda c: (c.sort_order, c.code),
        )
