"""Drug use over time: tests negative by month on the Order (3.4, Figure 16).

Definitions: docs/reports.md.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import Any, cast

from django.db.models import Count, F, Q, Sum
from django.db.models.lookups import GreaterThan

from dtto.lib.dates import add_months
from dtto.reports import results
from dtto.reports import statistics as st
from dtto.reports.models import DrugTestRollup
from dtto.reports.queries import Period, Scope
from dtto.reports.summaries import DRUG_TEST_SUMS, drug_test_sums

from .common import _today

# --- 7. Drug use over time --------------------------------------------------------------------


def _whole_months(period: Period) -> bool:
    starts = period.start is None or period.start.day == 1
    ends = period.end is None or (period.end + dt.timedelta(days=1)).day == 1
    return starts and ends


def _last_whole_made_month(as_of: dt.date, month: int) -> dt.date:
    """The first day of the latest calendar month all of whose Orders had finished their
    ``month``-th month of the Order by ``as_of`` (its Orders made on its last day the latest)."""
    first = as_of.replace(day=1)
    while (
        add_months(add_months(first, 1) - dt.timedelta(days=1), month) - dt.timedelta(days=1)
        > as_of
    ):
        first = add_months(first, -1)
    return first


def drug_use(
    scope: Scope, period: Period, *, max_month: int = 24, as_of: dt.date | None = None
) -> results.DrugUse[int]:
    """Share of tests negative for opiates and for cocaine by month on the Order (Figure 16),
    counting each month of an Order once it has ended by ``as_of``."""
    as_of = _today(as_of)
    day = as_of.toordinal()
    details = (
        scope.months()
        .filter(month__lte=max_month, **period.filter("summary__made_on"))
        .filter(ends_day__lte=day)
    )
    totals: dict[int, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    if scope.kind in ("national", "area") and _whole_months(period):
        # Whole calendar months at area level: the area-by-month rollup has the same sums
        # for the Orders made in months whose every Order has finished the month on the
        # Order by ``as_of``; the one calendar month part-way through it is read in detail.
        whole, part = Q(), Q()
        for month in range(1, max_month + 1):
            last = _last_whole_made_month(as_of, month)
            after = add_months(last, 1)
            whole |= Q(month=month, made_month__lte=last.strftime("%Y-%m"))
            part |= Q(
                month=month, summary__made_on__gte=after, summary__made_on__lt=add_months(after, 1)
            )
        rollup = DrugTestRollup.objects.filter(whole)
        if scope.area_id is not None:
            rollup = rollup.filter(area_id=scope.area_id)
        if period.start is not None:
            rollup = rollup.filter(made_month__gte=period.start.strftime("%Y-%m"))
        if period.end is not None:
            rollup = rollup.filter(made_month__lte=period.end.strftime("%Y-%m"))
        sums = {f"{f}_sum": Sum(f) for f in DRUG_TEST_SUMS}
        for m in rollup.values("month").annotate(**sums).order_by():
            for f in DRUG_TEST_SUMS:
                totals[m["month"]][f] += m[f"{f}_sum"]
        details = details.filter(part)
    for m in details.values("month").annotate(**drug_test_sums()).order_by():
        for f in DRUG_TEST_SUMS:
            totals[m["month"]][f] += m[f"{f}_sum"]
    rows = []
    for month in sorted(totals):
        counted = totals[month]
        row: dict[str, Any] = {"month": month}
        for drug in ("opiate", "cocaine"):
            row[drug] = {
                "tests_negative": st.rate(counted[f"{drug}_negative"], counted[f"{drug}_tests"]),
                "people": counted[f"{drug}_people"],
                "people_all_negative": st.rate(
                    counted[f"{drug}_people_clear"], counted[f"{drug}_people"]
                ),
            }
        rows.append(row)
    return {
        "months": cast(list[results.DrugUseMonth[int]], rows),
        "clear_majority_by_month": clear_majority_by_month(
            scope, period, max_month=max_month, as_of=as_of
        ),
    }


def clear_majority_by_month(
    scope: Scope, period: Period, *, max_month: int = 24, as_of: dt.date | None = None
) -> list[results.ClearMajorityMonth[int]]:
    """Share of people tested for opiates in month k of their Order whose opiate tests that
    month were mostly negative: more than half, so one negative of two is not clear (3.4,
    Figure 16: "clear drugs tests for opiates the majority of the time")."""
    day = _today(as_of).toordinal()
    counted = (
        scope.months()
        .filter(month__lte=max_month, opiate_tests__gt=0, **period.filter("summary__made_on"))
        .filter(ends_day__lte=day)
        .values("month")
        .annotate(
            people=Count("pk"),
            clear=Count("pk", filter=Q(GreaterThan(2 * F("opiate_negative"), F("opiate_tests")))),
        )
        .order_by("month")
    )
    return [
        {"month": m["month"], "clear_majority": st.rate(m["clear"], m["people"])} for m in counted
    ]
