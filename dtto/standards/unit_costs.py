"""Unit costs the cost measures use, as dated data in one place (3.32-3.33, Appendix 1
standard 5). Reports and the simulator import these; nothing retypes them.

The source gives the cost of a day in custody (£100, 3.33). It gives no cost for a court
review or a breach hearing: 3.33 says the Order's unit costs *exclude* "criminal justice
system costs of the regular review of the Order and any breach proceedings", and 3.29 that
breach proceedings are "expensive". dtto's figures for those are assumptions, marked so, to
be replaced by an area's own costs; each report names the values it used.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True, slots=True)
class UnitCost:
    name: str
    pounds: float
    effective_from: date
    source: str
    assumption: bool


# In force from the first pilot Orders (October 1998), so that a report of any year the Order
# existed has a figure: the source gives one set of costs, not a series by year.
ORDERS_BEGAN = date(1998, 10, 1)

UNIT_COSTS: tuple[UnitCost, ...] = (
    UnitCost("custody_day", 100.0, ORDERS_BEGAN, "3.33: £100 a day in custody", False),
    UnitCost(
        "review_hearing",
        250.0,
        ORDERS_BEGAN,
        "dtto's assumption: court and probation time for one review hearing (3.29, 3.33)",
        True,
    ),
    UnitCost(
        "breach_hearing",
        1000.0,
        ORDERS_BEGAN,
        "dtto's assumption: a breach report and hearing, with representation (3.29, 3.33)",
        True,
    ),
)


def unit_cost_in_force(name: str, on: date) -> UnitCost | None:
    """The unit cost in force on a day (the latest effective on or before it), or None."""
    found = [c for c in UNIT_COSTS if c.name == name and c.effective_from <= on]
    return max(found, key=lambda c: c.effective_from) if found else None


def unit_cost(name: str, on: date) -> UnitCost:
    """The unit cost in force on a day, or LookupError when none is."""
    cost = unit_cost_in_force(name, on)
    if cost is None:
        raise LookupError(f"no unit cost {name!r} in force on {on.isoformat()}")
    return cost
