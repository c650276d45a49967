"""Working days in England and Wales: Monday to Friday, not a bank holiday.

Bank holidays come from the ``holidays`` package (``GB``, subdivision ``ENG``; Wales has the
same bank holidays as England). Years are loaded once and answers are cached, because the
engine asks the same questions for many cases.
"""

from __future__ import annotations

from datetime import date, timedelta
from functools import lru_cache

import holidays

_loaded_years: set[int] = set()
_bank_holidays: set[date] = set()


def _ensure_year(year: int) -> None:
    if year not in _loaded_years:
        _bank_holidays.update(holidays.country_holidays("GB", subdiv="ENG", years=year).keys())
        _loaded_years.add(year)


def is_bank_holiday(d: date) -> bool:
    _ensure_year(d.year)
    return d in _bank_holidays


@lru_cache(maxsize=65536)
def is_working_day(d: date) -> bool:
    return d.weekday() < 5 and not is_bank_holiday(d)


@lru_cache(maxsize=65536)
def add_working_days(d: date, n: int) -> date:
    """The ``n``-th working day after ``d`` (before it when ``n`` is negative; ``d`` when 0).

    ``d`` itself need not be a working day: the Saturday an Order is made on plus one working
    day is the following Monday (or Tuesday after a bank holiday Monday).
    """
    step = timedelta(days=1 if n >= 0 else -1)
    remaining = abs(n)
    current = d
    while remaining:
        current += step
        if is_working_day(current):
            remaining -= 1
    return current
