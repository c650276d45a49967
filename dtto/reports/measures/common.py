"""Shared by the measures: the constants, the day a report is as of, and the
passes over the summaries that several measures read (computed once per report).

Definitions: docs/reports.md.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any, TypeVar

from django.db.models import BooleanField, Count, F, IntegerField, Q, QuerySet, Sum, Value, When
from django.db.models import Case as When_
from django.db.models.functions import Coalesce, Least
from django.utils import timezone

from dtto.reports.models import OrderSummary
from dtto.reports.queries import Period, Scope, month_expression
from dtto.reports.summaries import EVENT_COUNTS
from dtto.standards.rules import SUCCESSFUL_TERMINATION_REASONS

COMPLIANCE_MEASURES = (
    "first_probation_1wd",
    "first_treatment_2wd",
    "contact_phase1",
    "contact_phase2",
    "tests_phase1",
    "tests_phase2",
    "reviews",
    "enforcement",
)
RETENTION_DAYS = {"3_months": 91, "6_months": 183, "12_months": 365}
RECONVICTION_WINDOWS = {"1_year": 365, "2_years": 730}
# The reference group of each dimension of who is reached (docs/reports.md, section 8).
REFERENCE_GROUPS = {
    "age_band": "26+",
    "sex": "M",
    "ethnic_group": "White",
    "main_drug": "heroin",
    "accommodation": "settled",
    "mental_health_need": "no",
}


def _today(as_of: dt.date | None) -> dt.date:
    return as_of or timezone.localdate()


def _per_100(count: int, base: int) -> float | None:
    return 100 * count / base if base else None


# --- Counts several measures share ------------------------------------------------------------
#
# Several measures count the same rows grouped differently: commencements, compliance,
# enforcement and the area comparison all count Orders made in the period; terminations and
# the area comparison count Orders ended in it; the referral funnel and who is reached count
# referrals. Each of those is one grouped query (a pass), returning a few thousand rows at
# most (area x month x intensity, say), which the measures then add up. Inside ``report`` a
# pass runs once for all the measures that need it.

_T = TypeVar("_T")
_PASSES: ContextVar[dict[tuple[Any, ...], Any] | None] = ContextVar(
    "dtto_report_passes", default=None
)


@contextmanager
def shared_passes() -> Iterator[None]:
    """Within this block, measures asked for the same scope and period share their passes."""
    token = _PASSES.set({})
    try:
        yield
    finally:
        _PASSES.reset(token)


def _shared(key: tuple[Any, ...], compute: Callable[[], _T]) -> _T:
    cache = _PASSES.get()
    if cache is None:
        return compute()
    if key not in cache:
        cache[key] = compute()
    result: _T = cache[key]
    return result


SETTLED_COUNTS = tuple(f"{e}_{part}" for e in EVENT_COUNTS for part in ("judged", "met"))
SUMMED_COUNTS = (
    "cases",
    *(f"{m}__{part}" for m in COMPLIANCE_MEASURES for part in ("n", "d")),
    *(f"settled_{c}" for c in SETTLED_COUNTS),
)


def _compliance_aggregates(day: int) -> dict[str, Any]:
    """Per Order and measure, as of day number ``day``: judged when its first finding was
    final by then, met when judged and no missed finding was final by then."""
    aggregates: dict[str, Any] = {"cases": Count("pk")}
    for measure in COMPLIANCE_MEASURES:
        judged = Q(**{f"{measure}_judged_day__lte": day})
        missed = Q(**{f"{measure}_missed_day__lte": day})
        aggregates[f"{measure}__n"] = Count("pk", filter=judged & ~missed)
        aggregates[f"{measure}__d"] = Count("pk", filter=judged)
    # Orders all of whose findings were final by then: their whole-record counts.
    for count in SETTLED_COUNTS:
        aggregates[f"settled_{count}"] = Coalesce(Sum(count, filter=_settled(day)), 0)
    return aggregates


def _settled(day: int) -> Q:
    return Q(findings_final_day__lte=day) | Q(findings_final_day__isnull=True)


def _made(scope: Scope, period: Period, as_of: dt.date) -> QuerySet[OrderSummary]:
    """Orders made in the period and on or before ``as_of``."""
    return (
        scope.summaries()
        .filter(**period.day_filter("made_day"))
        .filter(made_day__lte=as_of.toordinal())
    )


def _made_pass(scope: Scope, period: Period, as_of: dt.date) -> list[dict[str, Any]]:
    """Orders made in the period (by ``as_of``) by area, calendar month and intensity, with
    the engine's findings final by ``as_of`` counted: what commencements, compliance,
    enforcement and the area comparison need, in one scan of the summaries."""
    return _shared(
        ("made", scope, period, as_of),
        lambda: list(
            _made(scope, period, as_of)
            .annotate(month_start=month_expression("made_on"))
            # Not area first: SQLite would walk the (area, made_on) index and look up each row.
            .values("intensity", "month_start", "area_id")
            .annotate(**_compliance_aggregates(as_of.toordinal()))
            .order_by()
        ),
    )


def _ended_pass(scope: Scope, period: Period, as_of: dt.date) -> list[dict[str, Any]]:
    """Orders ended in the period and by ``as_of`` by area and termination reason, with
    successful completions and expiry in breach: for terminations and the area comparison."""
    return _shared(
        ("ended", scope, period, as_of),
        lambda: list(
            scope.summaries()
            .filter(ended_day__isnull=False, **period.day_filter("ended_day"))
            .filter(ended_day__lte=as_of.toordinal())
            .values("termination_reason", "area_id")
            .annotate(
                total=Count("pk"),
                successful=Count("pk", filter=Q(successful=True)),
                expired_in_breach=Count(
                    "pk",
                    filter=Q(termination_reason__in=SUCCESSFUL_TERMINATION_REASONS, in_breach=True),
                ),
            )
            .order_by()
        ),
    )


def _referral_pass(scope: Scope, period: Period, as_of: dt.date) -> list[dict[str, Any]]:
    """Referrals in the period (by ``as_of``) by assessment outcome and reason known by
    ``as_of``, whether sentenced by then, and the person's age band, sex and ethnic group at
    referral: the funnel and who is reached."""

    def compute() -> list[dict[str, Any]]:
        day = as_of.toordinal()
        assessed = Q(assessed_day__lte=day)
        rows = (
            scope.referrals()
            .filter(**period.day_filter("referred_day"))
            .filter(referred_day__lte=day)
            .annotate(
                outcome_then=When_(When(assessed, then=F("outcome")), default=Value("")),
                reason_then=When_(When(assessed, then=F("reason")), default=Value("")),
                sentenced=When_(
                    When(made_day__lte=day, then=Value(True)),
                    default=Value(False),
                    output_field=BooleanField(),
                ),
            )
            .values("outcome_then", "reason_then", "sentenced", "age_band", "sex", "ethnic_group")
            .annotate(n=Count("pk"))
            .order_by()
        )
        # Blank (no assessment, no reason, not stated) reads as None, as from the record.
        return [
            {k.removesuffix("_then"): v if v != "" else None for k, v in row.items()}
            for row in rows
        ]

    return _shared(("referrals", scope, period, as_of), compute)


def _financial_year_of_month(month: str) -> int:
    """The financial year (April to March) of a 'YYYY-MM' month."""
    year, number = int(month[:4]), int(month[5:7])
    return year if number >= 4 else year - 1


def ended_by(day: int) -> Q:
    """The Order had ended by day number ``day`` (its ending is then an event, not censored)."""
    return Q(ended_day__isnull=False, ended_day__lte=day)


def days_on_order_by(day: int) -> When_:
    """Days on the Order by day number ``day``: to its end if it had ended, else to ``day`` (or
    its last day, if sooner), the day it was made counted as day 1."""
    return When_(
        When(ended_by(day), then=F("ended_day") - F("made_day") + 1),
        default=Least(F("last_day"), Value(day)) - F("made_day") + 1,
        output_field=IntegerField(),
    )
