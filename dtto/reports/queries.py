"""What a report covers: a scope (national, an area, a team or a court) and a period.

Every report function in :mod:`dtto.reports.measures` takes one of each and narrows the
summary tables (and the few event tables it counts directly) with them, in the database.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import cached_property

from django.db.models import Case as When_
from django.db.models import (
    CharField,
    F,
    IntegerField,
    QuerySet,
    Value,
    When,
)
from django.db.models.functions import ExtractDay, ExtractMonth, ExtractYear

from dtto.accounts.models import Area, Court, Team
from dtto.cases.models import Breach, Case
from dtto.reports.models import OrderMonthSummary, OrderSummary

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


def financial_year_expression(field: str) -> When_:
    """The financial year of a date column, computed in the database."""
    return When_(
        When(**{f"{field}__month__lt": 4}, then=ExtractYear(field) - 1),
        default=ExtractYear(field),
        output_field=IntegerField(),
    )


def with_age_band(cases: QuerySet[Case]) -> QuerySet[Case]:
    """Annotate ``age_band`` at referral in the database (same bands as summaries.age_band)."""
    cases = cases.annotate(
        _ry=ExtractYear("referred_on"),
        _rm=ExtractMonth("referred_on"),
        _rd=ExtractDay("referred_on"),
        _by=ExtractYear("person__date_of_birth"),
        _bm=ExtractMonth("person__date_of_birth"),
        _bd=ExtractDay("person__date_of_birth"),
    )
    cases = cases.annotate(
        _before_birthday=When_(
            When(_rm__lt=F("_bm"), then=Value(1)),
            When(_rm=F("_bm"), _rd__lt=F("_bd"), then=Value(1)),
            default=Value(0),
            output_field=IntegerField(),
        )
    )
    cases = cases.annotate(_age=F("_ry") - F("_by") - F("_before_birthday"))
    return cases.annotate(
        age_band=When_(
            When(_age__lt=18, then=Value("under 18")),
            When(_age__lte=20, then=Value("18-20")),
            When(_age__lte=25, then=Value("21-25")),
            default=Value("26+"),
            output_field=CharField(),
        )
    )
