"""What other parts of dtto call: a national data set and the reference data that goes with it.

``dtto demo`` calls :func:`simulate_national` for the case records and :func:`reference_data`
for area targets and budgets; both come from the same parameters, so the demo's targets,
budgets and caseload agree with each other.
"""

from __future__ import annotations

import datetime as dt
from datetime import date
from typing import Any

from dtto.caseformat import FORMAT

from .calendar import financial_year
from .model import Simulation
from .parameters import Parameters, load_parameters


def simulate_document(
    params: Parameters,
    *,
    orders: int,
    seed: int,
    start: date | None = None,
    end: date | None = None,
    records_end: date | None = None,
) -> tuple[dict[str, Any], Simulation]:
    """A whole case document in memory, and the run that made it (for its summaries)."""
    sim = Simulation(
        params, orders=orders, seed=seed, start=start, end=end, records_end=records_end
    )
    cases = list(sim.cases())
    document = {"format": FORMAT, "exported_at": sim.records_end.isoformat(), "cases": cases}
    return document, sim


def simulate_national(
    orders: int = 3000,
    seed: int = 1,
    *,
    start: date | None = None,
    end: date | None = None,
    records_end: date | None = None,
    params: Parameters | None = None,
) -> dict[str, Any]:
    """A national ``dtto-case/1`` document: ``orders`` Orders in 42 areas, 2001-2004 by default.

    Includes the referrals that did not become Orders, in the proportions of Figure 9. The same
    arguments always give the same document. With ``records_end`` after ``end``, what happens
    on the Orders is recorded up to that later day, so Orders can run their course.
    """
    document, _ = simulate_document(
        params or load_parameters(),
        orders=orders,
        seed=seed,
        start=start,
        end=end,
        records_end=records_end,
    )
    return document


# Illustrative spending against budget (issue 14): the source gives budgets, not spending.
SPENT_SHARE = 0.96
ENFORCEMENT_SHARE = 0.04


def reference_data(params: Parameters | None = None) -> dict[str, Any]:
    """Per-area commencement targets and budgets by financial year, as plain data.

    ``targets[area][year] = {"higher": n, "lower": n}``: the national targets (1.10, 2.2) shared
    by area weight, as the Directorate shared them in proportion to funding (2.6).
    ``budgets[area][year] = {"supervision": £, "treatment": £, "testing": £}``: the targets
    costed at the funding assumption of 6,000 pounds a commencement (1.9), scaled by the area's
    cost factor, with treatment at 59% (3.32); a lower-intensity commencement is costed at the
    ratio of the model's lower to higher weekly costs. ``custody_day_cost`` is 3.33's 100 pounds.
    ``spending[area][year]`` (issue 14): what was spent by heading, the budget's headings at
    ``SPENT_SHARE`` of budget and enforcement (breach and review hearings' probation time) at
    ``ENFORCEMENT_SHARE`` of it: illustrative, since the source gives budgets only.
    """
    p = params or load_parameters()
    k = p.costs
    total_weight = sum(a.weight for a in p.areas)
    higher = dict(p.targets.higher)
    lower = dict(p.targets.lower)
    lower_ratio = (k.supervision_week_lower + k.treatment_week_lower) / (
        k.supervision_week_higher + k.treatment_week_higher
    )
    supervision_share = 1.0 - k.treatment_share - k.testing_share
    targets: dict[str, dict[str, dict[str, int]]] = {}
    budgets: dict[str, dict[str, dict[str, int]]] = {}
    spending: dict[str, dict[str, dict[str, int]]] = {}
    for a in p.areas:
        spending[a.code] = {}
        share = a.weight / total_weight
        targets[a.code] = {}
        budgets[a.code] = {}
        for year in higher:
            t_high = round(higher[year] * share)
            t_low = round(lower.get(year, 0) * share)
            targets[a.code][year] = {"higher": t_high, "lower": t_low}
            money = k.funding_per_commencement * a.cost * (t_high + lower_ratio * t_low)
            budgets[a.code][year] = {
                "supervision": round(money * supervision_share),
                "treatment": round(money * k.treatment_share),
                "testing": round(money * k.testing_share),
            }
            spending[a.code][year] = {
                **{h: round(v * SPENT_SHARE) for h, v in budgets[a.code][year].items()},
                "enforcement": round(money * ENFORCEMENT_SHARE),
            }
    return {
        "parameters_version": p.version,
        "targets": targets,
        "budgets": budgets,
        "spending": spending,
        "custody_day_cost": p.convictions.custody_day_cost,
    }


def represented_orders(sim: Simulation) -> float:
    """How many real Orders the run stands for: the commencements of the window's years.

    Each working day of the window carries its financial year's commencements (parameter
    ``commencements.by_financial_year``) shared over that year's working days, the same weights
    the model draws the days Orders are made on with.
    """
    by_year = dict(sim.p.commencements.by_financial_year)
    fallback = max(by_year.values())
    working: dict[str, int] = {}
    in_window: dict[str, int] = {}
    first = dt.date(sim.start.year - 1, 4, 1).toordinal()
    last = dt.date(sim.end.year + 1, 3, 31).toordinal()
    for o in range(first, last + 1):
        if sim.cal.is_working(o):
            fy = financial_year(dt.date.fromordinal(o))
            working[fy] = working.get(fy, 0) + 1
            if sim.start.toordinal() <= o <= sim.made_until_ord:
                in_window[fy] = in_window.get(fy, 0) + 1
    return sum(by_year.get(fy, fallback) * n / working[fy] for fy, n in in_window.items())


def scaled_reference_data(params: Parameters, scale: float) -> dict[str, Any]:
    """Targets and budgets for a run that stands for ``1 / scale`` times fewer Orders."""
    reference = reference_data(params)
    reference["targets"] = {
        area: {
            year: {k: round(v * scale) for k, v in by_intensity.items()}
            for year, by_intensity in years.items()
        }
        for area, years in reference["targets"].items()
    }
    reference["budgets"] = {
        area: {
            year: {k: round(v * scale) for k, v in money.items()} for year, money in years.items()
        }
        for area, years in reference["budgets"].items()
    }
    reference["spending"] = {
        area: {
            year: {k: round(v * scale) for k, v in money.items()} for year, money in years.items()
        }
        for area, years in reference["spending"].items()
    }
    return reference


def demo_data_set(
    orders: int, seed: int, records_end: date | None = None
) -> tuple[dict[str, Any], dict[str, Any]]:
    """A national document and the targets and budgets scaled to its size, for the demo.

    A run of a few thousand Orders stands for the tens of thousands really made, so the
    national targets and budgets are scaled down by the same factor: an area's share of its
    target then reads as it would in the real data.
    """
    params = load_parameters()
    document, sim = simulate_document(params, orders=orders, seed=seed, records_end=records_end)
    scale = sim.orders / represented_orders(sim) if sim.orders else 0.0
    return document, years_made(scaled_reference_data(params, scale), sim.start, sim.end)


def years_made(reference: dict[str, Any], start: dt.date, end: dt.date) -> dict[str, Any]:
    """The targets, budgets and spending of the financial years Orders are made in.

    The parameters hold targets and budgets for later years too (2004-05, 2005-06); in a data
    set whose Orders were all made by ``end`` those years would show budgets and targets with
    no Orders made, and a report of the latest year with budgets (an open period's costs,
    ``measures.costs_year``) would cost nothing but the tail of earlier Orders.
    """
    years = {financial_year(start), financial_year(end)}
    first, last = min(years), max(years)

    def within(by_year: dict[str, Any]) -> dict[str, Any]:
        return {year: v for year, v in by_year.items() if first <= year <= last}

    return {
        **reference,
        **{
            part: {area: within(by_year) for area, by_year in reference[part].items()}
            for part in ("targets", "budgets", "spending")
        },
    }
