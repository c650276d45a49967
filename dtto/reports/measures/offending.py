"""Offending before and after the Order (3.6-3.8, Figure 17), and whether an Order revoked on
conviction was revoked for an offence committed before it or during it (3.3).

Definitions: docs/reports.md ("Offending before and after").
"""

from __future__ import annotations

import datetime as dt
from typing import Any, cast

from django.db.models import (
    Count,
    F,
    IntegerField,
    Min,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce

from dtto.cases.models import Conviction
from dtto.reports import outcome_results as out
from dtto.reports import statistics as st
from dtto.reports.models import OrderSummary
from dtto.reports.queries import DayNumber, Period, Scope

from .common import RECONVICTION_WINDOWS, _shared, _today

YEAR_DAYS = 365
# Years after commencement reported (Figure 17 follows the pilots for two years; a third
# shows whether the fall lasts).
YEARS_AFTER = 3


def _convictions_between(first: str, first_offset: int, last_offset: int) -> Count:
    """How many convictions of the Order's case fall on days ``first`` + first_offset to
    ``first`` + last_offset - 1 (a year, as a half-open range of day numbers), counted over
    the convictions joined by :func:`with_convictions`."""
    return Count(
        "order__case__convictions",
        filter=Q(
            conviction_day__gte=F(first) + first_offset,
            conviction_day__lt=F(first) + last_offset,
        ),
    )


def with_convictions(summaries: QuerySet[OrderSummary]) -> QuerySet[OrderSummary]:
    """The summaries joined to their case's convictions, each with its day number as
    ``conviction_day``: one grouped pass over the join, where a subquery per Order and
    window made 400,000 lookups at 100,000 Orders (docs/performance.md)."""
    return summaries.alias(conviction_day=DayNumber("order__case__convictions__on"))


def conviction_rate(convictions: int, people: int) -> out.ConvictionRate[int]:
    """Convictions per person-year, each person followed for one year, with an exact
    (Garwood) Poisson 95% interval; None without anyone followed."""
    if people == 0:
        return {
            "convictions": convictions,
            "people": 0,
            "person_years": None,
            "rate": None,
            "ci_low": None,
            "ci_high": None,
        }
    from scipy import stats

    low = 0.0 if convictions == 0 else float(stats.chi2.ppf(0.025, 2 * convictions)) / 2
    high = float(stats.chi2.ppf(0.975, 2 * convictions + 2)) / 2
    return {
        "convictions": convictions,
        "people": people,
        "person_years": float(people),
        "rate": convictions / people,
        "ci_low": low / people,
        "ci_high": high / people,
    }


def offending(
    scope: Scope,
    period: Period,
    *,
    as_of: dt.date | None = None,
    successful_only: bool = False,
) -> out.Offending[int]:
    """Convictions per person-year in the year before referral and in each year after the
    Order was made, among Orders made in the period; for each year after, only Orders made
    at least that many whole years before ``as_of`` (everyone counted was followed for the
    whole year). Convictions are counted by the day of conviction, up to ``as_of``.
    ``successful_only`` counts only Orders successfully completed by ``as_of`` (the group the
    source's 3.7 figures are for; used by the simulator's calibration)."""
    counts = conviction_counts(
        scope, period, _today(as_of).toordinal(), successful_only=successful_only
    )
    after = []
    for year in range(1, YEARS_AFTER + 1):
        rate = conviction_rate(counts[f"convictions_{year}"] or 0, counts[f"people_{year}"])
        after.append(cast(out.YearAfter[int], {"year": year, **rate}))
    return {
        "rate_before": conviction_rate(counts["convictions_before"] or 0, counts["people_before"]),
        "rate_after": after,
    }


def conviction_counts(
    scope: Scope, period: Period, today: int, *, successful_only: bool = False
) -> dict[str, int]:
    """What offending and reconviction count, in one grouped pass over the Orders made in the
    period (by day number ``today``) joined to their convictions, shared by the two inside
    ``report``: for offending, people followed and their convictions in the year before
    referral and in each year after the Order; for reconviction, for each window, the Orders
    followed for the whole of it, the completers among them, and those of each reconvicted
    within it (``<window>_all``, ``_all_convicted``, ``_completers``,
    ``_completers_convicted``)."""

    def count() -> dict[str, int]:
        made = scope.summaries().filter(**period.day_filter("made_day")).filter(made_day__lte=today)
        if successful_only:
            made = made.filter(successful=True, ended_day__lte=today)
        annotations: dict[str, Any] = {
            "before": _convictions_between("referred_day", -YEAR_DAYS, 0),
            # Days from the Order to the first later conviction.
            "after": Min("conviction_day", filter=Q(conviction_day__gt=F("made_day")))
            - F("made_day"),
        }
        for year in range(1, YEARS_AFTER + 1):
            annotations[f"after_{year}"] = _convictions_between(
                "made_day", (year - 1) * YEAR_DAYS + 1, year * YEAR_DAYS + 1
            )
        aggregates: dict[str, Any] = {
            "people_before": Count("pk", filter=Q(referred_day__lte=today)),
            "convictions_before": _sum("before", Q(referred_day__lte=today)),
        }
        for year in range(1, YEARS_AFTER + 1):
            followed = Q(made_day__lte=today - year * YEAR_DAYS)
            aggregates[f"people_{year}"] = Count("pk", filter=followed)
            aggregates[f"convictions_{year}"] = _sum(f"after_{year}", followed)
        # Reconviction's Orders are all made by ``today``: each window's are made by
        # ``today`` less the window.
        for name, window in RECONVICTION_WINDOWS.items():
            followed = Q(made_day__lte=today - window)
            within = Q(after__lte=window)
            completer = Q(successful=True, ended_day__lte=today)
            aggregates[f"{name}_all"] = Count("pk", filter=followed)
            aggregates[f"{name}_all_convicted"] = Count("pk", filter=followed & within)
            aggregates[f"{name}_completers"] = Count("pk", filter=followed & completer)
            aggregates[f"{name}_completers_convicted"] = Count(
                "pk", filter=followed & completer & within
            )
        counts = with_convictions(made).annotate(**annotations).aggregate(**aggregates)
        return {key: value or 0 for key, value in counts.items()}

    if successful_only:
        return count()
    return _shared(("convictions", scope, period, today), count)


def _sum(field: str, condition: Q) -> Coalesce:
    return Coalesce(Sum(field, filter=condition), Value(0), output_field=IntegerField())


def revocations(
    scope: Scope, period: Period, *, as_of: dt.date | None = None
) -> out.Revocations[int]:
    """Orders ended in the period by revocation on conviction, by when the offence behind it
    was committed: before the Order was made, or during it (3.3). The offence is that of the
    latest conviction from the day the Order was made to the day it was revoked; an Order with
    no such conviction, or whose offence date is not recorded, is "not known" and stays in
    the denominator of both shares."""
    today = _today(as_of).toordinal()
    revoked = (
        scope.summaries()
        .filter(**period.day_filter("ended_day"))
        .filter(ended_day__lte=today, termination_reason="revoked_conviction")
    )
    latest = (
        Conviction.objects.annotate(day=DayNumber("on"), offence_day=DayNumber("offence_on"))
        .filter(
            case_id=OuterRef("order__case_id"),
            day__gte=OuterRef("made_day"),
            day__lte=OuterRef("ended_day"),
        )
        .order_by("-day", "-pk")
        .values("offence_day")[:1]
    )
    revoked = revoked.annotate(offence=Subquery(latest, output_field=IntegerField()))
    counts = revoked.aggregate(
        n=Count("pk"),
        before=Count("pk", filter=Q(offence__lt=F("made_day"))),
        during=Count("pk", filter=Q(offence__gte=F("made_day"))),
    )
    n = counts["n"]
    return {
        "revoked_on_conviction": n,
        "offence_before_order": st.rate(counts["before"], n),
        "offence_during_order": st.rate(counts["during"], n),
        "offence_date_not_known": n - counts["before"] - counts["during"],
    }
