"""What a report covers: a scope (national, an area, a team or a court) and a period.

Every report function in :mod:`dtto.reports.measures` takes one of each and narrows the
summary tables (and the few event tables it counts directly) with them, in the database.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from django.db.models import Case as When_
from django.db.models import (
    CharField,
    Func,
    IntegerField,
    QuerySet,
    Value,
    When,
)
from django.db.models.functions import Cast, Replace, Substr
from django.db.models.lookups import GreaterThanOrEqual

from dtto.accounts.models import Area, Court, Team
from dtto.cases.models import Breach, Case
from dtto.reports.models import OrderMonthSummary, OrderSummary, ReferralSummary

SCOPE_KINDS = ("national", "area", "team", "court")


class ScopeError(ValueError):
    """An unknown area, team or court code."""


@dataclass(frozen=True)
class Scope:
    kind: str = "national"
    code: str | None = None

    @classmethod
    def national(cls) -> Scope:
        return cls()

    @classmethod
    def area(cls, code: str) -> Scope:
        return cls("area", code)

    @classmethod
    def team(cls, code: str) -> Scope:
        return cls("team", code)

    @classmethod
    def court(cls, code: str) -> Scope:
        return cls("court", code)

    def __post_init__(self) -> None:
        if self.kind not in SCOPE_KINDS:
            raise ScopeError(f"scope must be one of {', '.join(SCOPE_KINDS)}, got {self.kind!r}")
        if (self.kind == "national") != (self.code is None):
            raise ScopeError("a national scope has no code; any other scope needs one")

    def target(self) -> Area | Team | Court | None:
        return self._target

    @cached_property
    def _target(self) -> Area | Team | Court | None:
        found: Area | Team | Court | None
        if self.kind == "national":
            return None
        if self.kind == "area":
            found = Area.objects.filter(code=self.code).first()
        elif self.kind == "team":
            found = Team.objects.filter(code=self.code).first()
        else:
            found = Court.objects.filter(code=self.code).first()
        if found is None:
            raise ScopeError(f"no {self.kind} with code {self.code!r}")
        return found

    @property
    def area_id(self) -> int | None:
        """The area the scope lies in (None for national)."""
        target = self.target()
        if target is None:
            return None
        return target.pk if isinstance(target, Area) else target.area_id

    def label(self) -> str:
        target = self.target()
        return "England and Wales" if target is None else str(target)

    def summaries(self) -> QuerySet[OrderSummary]:
        qs = OrderSummary.objects.all()
        target = self.target()
        if target is None:
            return qs
        return qs.filter(**{f"{self.kind}_id": target.pk})

    def months(self) -> QuerySet[OrderMonthSummary]:
        qs = OrderMonthSummary.objects.all()
        target = self.target()
        if target is None:
            return qs
        return qs.filter(**{f"summary__{self.kind}_id": target.pk})

    def referrals(self) -> QuerySet[ReferralSummary]:
        """Referral summaries in scope; a team or court has only the referrals that reached it
        (the same referrals as :meth:`cases`)."""
        qs = ReferralSummary.objects.all()
        target = self.target()
        if target is None:
            return qs
        return qs.filter(**{f"{self.kind}_id": target.pk})

    def cases(self) -> QuerySet[Case]:
        """Referrals in scope; a team or court sees only the cases that reached it."""
        qs = Case.objects.all()
        target = self.target()
        if target is None:
            return qs
        if self.kind == "area":
            return qs.filter(area_id=target.pk)
        return qs.filter(**{f"order__{self.kind}_id": target.pk})

    def breaches(self) -> QuerySet[Breach]:
        qs = Breach.objects.all()
        target = self.target()
        if target is None:
            return qs
        field = "order__case__area_id" if self.kind == "area" else f"order__{self.kind}_id"
        return qs.filter(**{field: target.pk})

    def to_json(self) -> dict[str, str | None]:
        return {"kind": self.kind, "code": self.code, "label": self.label()}


@dataclass(frozen=True)
class Period:
    """Days from ``start`` to ``end``, both included; None leaves that side open."""

    start: dt.date | None = None
    end: dt.date | None = None

    def filter(self, field: str) -> dict[str, dt.date]:
        out = {}
        if self.start is not None:
            out[f"{field}__gte"] = self.start
        if self.end is not None:
            out[f"{field}__lte"] = self.end
        return out

    def day_filter(self, field: str) -> dict[str, int]:
        """The same bounds on a day-number column (``date.toordinal()``) of the summaries.

        The summaries' day numbers have no index, so a report's filter on them is a plain
        scan of the table; a filter on an indexed date column covering most of the table
        makes SQLite walk the index and look every row up, several times slower.
        """
        out = {}
        if self.start is not None:
            out[f"{field}__gte"] = self.start.toordinal()
        if self.end is not None:
            out[f"{field}__lte"] = self.end.toordinal()
        return out

    def to_json(self) -> dict[str, str | None]:
        return {
            "from": None if self.start is None else self.start.isoformat(),
            "to": None if self.end is None else self.end.isoformat(),
        }

    @classmethod
    def financial_year(cls, year: int) -> Period:
        """April ``year`` to March ``year + 1`` (AreaTarget's and AreaBudget's year)."""
        return cls(dt.date(year, 4, 1), dt.date(year + 1, 3, 31))


def financial_year_of(day: dt.date) -> int:
    return day.year if day.month >= 4 else day.year - 1


def _iso(field: str) -> Cast:
    """A date column as 'YYYY-MM-DD' text, natively in SQLite and PostgreSQL."""
    return Cast(field, output_field=CharField())


def _int(expression: Any) -> Cast:
    return Cast(expression, output_field=IntegerField())


def month_expression(field: str) -> Substr:
    """'YYYY-MM' of a date column, in plain SQL (Django's TruncMonth is a Python function
    call per row on SQLite, too slow over 100,000 Orders)."""
    return Substr(_iso(field), 1, 7)


def month_number(day: dt.date) -> int:
    """A calendar month as one integer (``year * 12 + month - 1``): consecutive months are
    consecutive numbers (the contact hours' rollups: dtto.reports.contact_rollup)."""
    return day.year * 12 + day.month - 1


def month_number_expression(field: str) -> Any:
    """:func:`month_number` of a date column, in plain SQL."""
    return _int(Substr(_iso(field), 1, 4)) * 12 + _int(Substr(_iso(field), 6, 2)) - 1


def financial_year_expression(field: str) -> When_:
    """The financial year of a date column (April to March), in plain SQL."""
    year = _int(Substr(_iso(field), 1, 4))
    month = _int(Substr(_iso(field), 6, 2))
    return When_(
        When(GreaterThanOrEqual(month, 4), then=year),
        default=year - 1,
        output_field=IntegerField(),
    )


def _yyyymmdd(field: str) -> Cast:
    return _int(Replace(_iso(field), Value("-"), Value("")))


def age_at_referral() -> Any:
    """Whole years from the person's birth to the referral, in plain integer SQL:
    (YYYYMMDD - YYYYMMDD) // 10000 on both databases."""
    return (_yyyymmdd("referred_on") - _yyyymmdd("person__date_of_birth")) / 10000


def age_band_of(age: int) -> str:
    """The age bands of recommendation ii of the source (as ``summaries.age_band``)."""
    if age < 18:
        return "under 18"
    if age <= 20:
        return "18-20"
    if age <= 25:
        return "21-25"
    return "26+"


def with_age_band(cases: QuerySet[Case]) -> QuerySet[Case]:
    """Annotate ``age_band`` at referral in the database (same bands as summaries.age_band).

    Whole years between two dates are (YYYYMMDD - YYYYMMDD) // 10000, which is plain
    integer SQL on both databases.
    """
    cases = cases.annotate(
        _age=(_yyyymmdd("referred_on") - _yyyymmdd("person__date_of_birth")) / 10000
    )
    return cases.annotate(
        age_band=When_(
            When(_age__lt=18, then=Value("under 18")),
            When(_age__lte=20, then=Value("18-20")),
            When(_age__lte=25, then=Value("21-25")),
            default=Value("26+"),
            output_field=CharField(),
        )
    )


class DayNumber(Func):
    """``date.toordinal()`` of a date column, in SQL, so day arithmetic is on integers."""

    output_field = IntegerField()

    def as_sqlite(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        return self.as_sql(
            compiler,
            connection,
            template="CAST(julianday(%(expressions)s) - 1721424.5 AS INTEGER)",
            **extra,
        )

    def as_postgresql(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        return self.as_sql(
            compiler, connection, template="((%(expressions)s) - DATE '0001-01-01' + 1)", **extra
        )
