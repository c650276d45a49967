"""What other parts of dtto call: a national data set and the reference data that goes with it.

``dtto demo`` calls :func:`simulate_national` for the case records and :func:`reference_data`
for area targets and budgets; both come from the same parameters, so the demo's targets,
budgets and caseload agree with each other.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from .model import CASE_FORMAT, Simulation
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
    document = {"format": CASE_FORMAT, "exported_at": sim.records_end.isoformat(), "cases": cases}
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


def reference_data(params: Parameters | None = None) -> dict[str, Any]:
    """Per-area commencement targets and budgets by financial year, as plain data.

    ``targets[area][year] = {"higher": n, "lower": n}``: the national targets (1.10, 2.2) shared
    by area weight, as the Directorate shared them in proportion to funding (2.6).
    ``budgets[area][year] = {"supervision": £, "treatment": £, "testing": £}``: the targets
    costed at the funding assumption of 6,000 pounds a commencement (1.9), scaled by the area's
    cost factor, with treatment at 59% (3.32); a lower-intensity commencement is costed at the
    ratio of the model's lower to higher weekly costs. ``custody_day_cost`` is 3.33's 100 pounds.
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
    for a in p.areas:
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
    return {
        "parameters_version": p.version,
        "targets": targets,
        "budgets": budgets,
        "custody_day_cost": p.convictions.custody_day_cost,
    }
