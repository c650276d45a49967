"""What the Order actually cost: recorded spending by heading, unit costs from it, and the
cost of enforcement from hearing counts (3.29, 3.32-3.33, Appendix 1 standard 5).

Definitions: docs/reports.md ("Costs from spending").
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from decimal import Decimal

from dtto.accounts.models import Area, AreaSpending
from dtto.cases.models import BreachHearing, CourtReview
from dtto.reports import outcome_results as out
from dtto.reports.queries import Period, Scope
from dtto.standards.unit_costs import unit_cost_in_force

from .common import _today
from .spending import _money, year_activity


def spend_costs(
    scope: Scope, financial_year: int, *, as_of: dt.date | None = None
) -> out.SpendCosts[int]:
    """Spending recorded for the financial year in the scope's area (every area, nationally),
    and what it comes to per commencement, per successful completion and per day on the
    Order, counted in the areas that recorded spending; and the breach and review hearings
    held in those areas in the year, costed at the unit costs of dtto.standards.unit_costs.
    Spending is per area, so a team or court scope reports its area."""
    as_of = _today(as_of)
    year = Period.financial_year(financial_year)
    assert year.start is not None and year.end is not None
    last = min(year.end, as_of)
    spending = AreaSpending.objects.filter(financial_year=financial_year).select_related("area")
    area_scope = Scope.national()
    if scope.area_id is not None:
        spending = spending.filter(area_id=scope.area_id)
        area_scope = Scope.area(Area.objects.get(pk=scope.area_id).code)
    by_area: dict[int, dict[str, Decimal]] = defaultdict(dict)
    codes: dict[int, str] = {}
    for row in spending:
        by_area[row.area_id][row.heading] = row.amount
        codes[row.area_id] = row.area.code
    areas = sorted(by_area, key=lambda a: codes[a])
    activity = year_activity(area_scope, financial_year, as_of)
    started = sum(activity.get(a, {}).get("started", 0) for a in areas)
    successful = sum(activity.get(a, {}).get("successful", 0) for a in areas)
    days = sum(activity.get(a, {}).get("days", 0) or 0 for a in areas)
    headings: dict[str, Decimal] = defaultdict(Decimal)
    for amounts in by_area.values():
        for heading, amount in amounts.items():
            headings[heading] += amount
    total = sum(headings.values(), Decimal(0))
    in_year = {"on__gte": year.start, "on__lte": last}
    breach_hearings = BreachHearing.objects.filter(
        breach__order__case__area_id__in=areas, **in_year
    ).count()
    review_hearings = CourtReview.objects.filter(
        order__case__area_id__in=areas, hearing=True, **in_year
    ).count()
    # A year before the first Orders has no unit costs: its hearings are counted, not costed.
    in_force = {
        name: cost
        for name in ("breach_hearing", "review_hearing")
        if (cost := unit_cost_in_force(name, year.start)) is not None
    }
    prices = {name: cost.pounds for name, cost in in_force.items()}
    return {
        "spend": {
            "total": _money(total) if areas else None,
            "by_heading": {h: _money(v) for h, v in sorted(headings.items())},
            "by_area": [
                {
                    "area": codes[a],
                    "total": _money(sum(by_area[a].values(), Decimal(0))),
                    "by_heading": {h: _money(v) for h, v in sorted(by_area[a].items())},
                }
                for a in areas
            ],
        },
        "spend_basis": {
            "areas": [codes[a] for a in areas],
            "commencements": started,
            "successful_completions": successful,
            "order_days": days,
        },
        "cost_per_commencement": _money(total / started) if started else None,
        "cost_per_successful_completion": _money(total / successful) if successful else None,
        "cost_per_day": _money(total / days) if days else None,
        "enforcement_hearings": {
            "breach_hearings": breach_hearings,
            "review_hearings": review_hearings,
            "unit_costs": prices,
            # Where each price comes from: the source's paragraph, or dtto's assumption.
            "unit_cost_basis": {
                name: {"source": cost.source, "assumption": cost.assumption}
                for name, cost in in_force.items()
            },
            "cost": _money(
                breach_hearings * prices["breach_hearing"]
                + review_hearings * prices["review_hearing"]
            )
            if areas and len(prices) == 2
            else None,
        },
    }
