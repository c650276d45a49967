"""What an Order costs: budgets, unit costs per commencement and per day (3.32-3.33).

Definitions: docs/reports.md.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any, cast

from django.db.models import Count, F, Max, Q, Sum, Value
from django.db.models.functions import Greatest, Least

from dtto.accounts.models import Area, AreaBudget
from dtto.reports import results
from dtto.reports.queries import Period, Scope, financial_year_of

from .common import _today

# --- 9. Costs -------------------------------------------------------------------------------


def costs_year(period: Period, as_of: dt.date) -> int:
    """The financial year a report's costs are for: the year of the period's end; for a period
    with no end, the latest year up to ``as_of`` that has budgets (budgets are set a year at a
    time and the current year's may not be recorded yet), else the year of ``as_of``."""
    year = financial_year_of(period.end or as_of)
    if period.end is not None:
        return year
    latest = AreaBudget.objects.filter(financial_year__lte=year).aggregate(y=Max("financial_year"))
    return int(latest["y"]) if latest["y"] is not None else year


def costs(scope: Scope, financial_year: int, *, as_of: dt.date | None = None) -> results.Costs[int]:
    """Unit costs per area from budgets (3.32-3.33, Figure 24).

    Per commencement and per successful completion in the year, and per day actually spent on
    the Order in the year (days served by every Order in force, up to ``as_of``), against a
    day in custody. Budgets are per area, so a team or court scope reports its area.
    """
    as_of = _today(as_of)
    budgets = AreaBudget.objects.filter(financial_year=financial_year).select_related("area")
    area_scope = scope if scope.kind in ("national", "area") else None
    if scope.area_id is not None:
        budgets = budgets.filter(area_id=scope.area_id)
        if area_scope is None:
            area_scope = Scope.area(Area.objects.get(pk=scope.area_id).code)
    assert area_scope is not None
    per_area = year_activity(area_scope, financial_year, as_of)
    started = {a: r["started"] for a, r in per_area.items()}
    successful = {a: r["successful"] for a, r in per_area.items()}
    days = {a: r["days"] for a, r in per_area.items()}
    rows = []
    for budget in budgets:
        total = budget.supervision + budget.treatment + budget.testing
        n_started = started.get(budget.area_id, 0)
        n_successful = successful.get(budget.area_id, 0)
        n_days = days.get(budget.area_id, 0) or 0
        daily = _money(total / n_days) if n_days else None
        rows.append(
            {
                "area": budget.area.code,
                "budget": _money(total),
                "treatment_share": float(budget.treatment / total) if total else None,
                "commencements": n_started,
                "cost_per_commencement": _money(total / n_started) if n_started else None,
                "successful_completions": n_successful,
                "cost_per_successful_completion": (
                    _money(total / n_successful) if n_successful else None
                ),
                "order_days": n_days,
                "cost_per_day": daily,
                "custody_day_cost": _money(budget.custody_day_cost),
                "share_of_custody_cost": (
                    daily / float(budget.custody_day_cost)
                    if daily is not None and budget.custody_day_cost
                    else None
                ),
            }
        )
    return {"financial_year": financial_year, "areas": cast(list[results.AreaCosts[int]], rows)}


def year_activity(area_scope: Scope, financial_year: int, as_of: dt.date) -> dict[int, Any]:
    """Per area id: Orders commenced and successfully completed in the financial year, and
    days served on Orders in it, up to ``as_of`` (what unit costs divide by)."""
    year = Period.financial_year(financial_year)
    assert year.start is not None and year.end is not None
    first, last = year.start.toordinal(), min(year.end, as_of).toordinal()
    overlap = Greatest(
        Least(F("last_day"), Value(last)) - Greatest(F("made_day"), Value(first)) + 1, Value(0)
    )
    return {
        row["area"]: row
        for row in area_scope.summaries()
        # area_id + 0: grouping by the bare column makes SQLite walk its index row by row.
        .annotate(area=F("area_id") + 0)
        .values("area")
        .annotate(
            # Up to ``as_of`` inside the year (``last``): nothing later is known on that day.
            started=Count("pk", filter=Q(**year.day_filter("made_day")) & Q(made_day__lte=last)),
            successful=Count(
                "pk",
                filter=Q(successful=True, **year.day_filter("ended_day")) & Q(ended_day__lte=last),
            ),
            days=Sum(overlap, filter=Q(made_day__lte=last, last_day__gte=first)),
        )
        .order_by()
    }


def _money(value: Decimal | float) -> float:
    return round(float(value), 2)
