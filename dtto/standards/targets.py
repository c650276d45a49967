"""The performance framework's national targets, as dated data (1.10, 2.2-2.5, 3.2 of the source).

Per-area commencement targets are reference data in the database (``accounts.AreaTarget``);
what lives here is what the source states nationally, each with the day it took effect.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True, slots=True)
class CompletionTarget:
    """A minimum share of terminations that must be successful completions."""

    effective_from: date
    rate: float
    source: str


# 3.2: "In January 2004 the National Probation Directorate advised probation areas of a new
# target, with effect from April 2004, that satisfactorily completed Orders account for at
# least 35 per cent of terminations." Before it there was no target (3.2: "it did not
# initially set any expectation for the proportion of Orders to be successfully completed").
COMPLETION_TARGETS: tuple[CompletionTarget, ...] = (
    CompletionTarget(effective_from=date(2004, 4, 1), rate=0.35, source="3.2"),
)


def completion_target_for(
    first_day: date | None,
    last_day: date | None,
    targets: tuple[CompletionTarget, ...] = COMPLETION_TARGETS,
) -> CompletionTarget | None:
    """The completion target that judges the terminations of a period, or None.

    A target judges a period only if it was in force on every day of it: the latest target in
    force on the period's first day. A period that starts before the first target (or has
    no first day) has none, even if the target took effect during it, because judging
    terminations of January 2004 against a target announced for April 2004 would be unfair;
    and splitting the period would publish a rate for days nobody asked about (a choice:
    docs/reports.md).
    """
    if first_day is None:
        return None
    if last_day is not None and last_day < first_day:
        raise ValueError(f"period: ends ({last_day}) before it starts ({first_day})")
    in_force = [t for t in targets if t.effective_from <= first_day]
    return max(in_force, key=lambda t: t.effective_from) if in_force else None


@dataclass(frozen=True, slots=True)
class CommencementTarget:
    """National commencements a year, by intensity, for a financial year (April to March)."""

    intensity: str
    financial_year: int  # the year in which the financial year starts: 2004 is 2004-05
    commencements: int
    announced: date
    source: str


# 1.10 and 2.5: 12,000 higher-intensity commencements a year "by March 2005" (announced
# December 2002); the lower-intensity target of 1,000 in 2004-05 rising to 4,000 in 2005-06
# (advised December 2003). Nothing in dtto measures these yet (areas have their own targets).
NATIONAL_COMMENCEMENT_TARGETS: tuple[CommencementTarget, ...] = (
    CommencementTarget("higher", 2004, 12_000, date(2002, 12, 1), "1.10"),
    CommencementTarget("lower", 2004, 1_000, date(2003, 12, 1), "1.10"),
    CommencementTarget("lower", 2005, 4_000, date(2003, 12, 1), "1.10"),
)
