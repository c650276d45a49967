"""The simulator's calendar: working days (bank holidays of England and Wales) as ordinal
day numbers, and financial years."""

from __future__ import annotations

from bisect import bisect_left
from datetime import date

import holidays


class Calendar:
    """Working days (Mon-Fri less England and Wales bank holidays) and ISO dates, by ordinal."""

    def __init__(self, first: date, last: date) -> None:
        self.base = first.toordinal()
        self.top = last.toordinal()
        bank = set(
            holidays.country_holidays(
                "GB", subdiv="ENG", years=range(first.year, last.year + 1)
            ).keys()
        )
        self.iso = [date.fromordinal(o).isoformat() for o in range(self.base, self.top + 1)]
        self.working = [
            date.fromordinal(o).weekday() < 5 and date.fromordinal(o) not in bank
            for o in range(self.base, self.top + 1)
        ]
        self.working_days = [o for o in range(self.base, self.top + 1) if self.is_working(o)]

    def is_working(self, o: int) -> bool:
        return self.working[o - self.base]

    def date(self, o: int) -> str:
        return self.iso[o - self.base]

    def on_or_after(self, o: int) -> int:
        """The first working day on or after ``o``."""
        i = bisect_left(self.working_days, o)
        return self.working_days[i]

    def add(self, o: int, n: int) -> int:
        """The ``n``-th working day after ``o`` (``o`` itself need not be a working day)."""
        i = bisect_left(self.working_days, o + 1)
        return self.working_days[i + n - 1] if n > 0 else o


def financial_year(d: date) -> str:
    """``"2002-03"`` for any day from 1 April 2002 to 31 March 2003."""
    start = d.year if d.month >= 4 else d.year - 1
    return f"{start}-{(start + 1) % 100:02d}"
