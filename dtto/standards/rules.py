"""The National Standard as data: one :class:`RuleSet` per version, with effective dates.

Sources (paragraphs of the NAO report HC 366 2003-04, ``docs/national-standard.md``):
the 2001 Standard for the higher-intensity Order (Figure 4, 3.15, 3.17, 3.19, 3.27, Figure 21)
and the December 2003 supplement for the lower-intensity Order (2.14).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True, slots=True)
class ContactMinimum:
    hours: float
    days: int  # 0 when the Standard sets no minimum number of days


@dataclass(frozen=True, slots=True)
class RuleSet:
    id: str
    intensity: str
    effective_from: date
    title: str
    first_probation_working_days: int = 1  # Figure 4, 3.15
    first_treatment_working_days: int = 2  # Figure 4, 3.15, 2.9
    phase1_weeks: int = 13
    tests_phase1: int = 2  # Figure 4, 3.19
    tests_phase2: int = 1
    contact_phase1: ContactMinimum = ContactMinimum(15.0, 0)
    contact_phase2: ContactMinimum = ContactMinimum(9.0, 3)
    # Review due dates in calendar months from made_on: the listed ones, then every
    # ``review_every_months`` after the last listed one (Figure 4; 2.14).
    review_months: tuple[int, ...] = (1, 2, 3, 4)
    review_every_months: int = 3
    review_tolerance_days: int = 14
    failure_window_months: int = 12  # Figure 4, 3.27
    breach_required_from: int = 2  # the number of the failure from which breach is required
    action_working_days: int = 10

    def review_offsets(self, until_months: int) -> list[int]:
        """Months after made_on on which a review is due, up to ``until_months`` inclusive."""
        offsets = [m for m in self.review_months if m <= until_months]
        m = self.review_months[-1] + self.review_every_months
        while m <= until_months:
            offsets.append(m)
            m += self.review_every_months
        return offsets


HIGHER_2001 = RuleSet(
    id="higher-2001",
    intensity="higher",
    effective_from=date(2000, 10, 1),
    title="National Standard for the Drug Treatment and Testing Order (2001)",
)

LOWER_2003_12 = RuleSet(
    id="lower-2003-12",
    intensity="lower",
    effective_from=date(2003, 12, 1),
    title="Supplement for the lower-intensity Order (December 2003)",
    contact_phase1=ContactMinimum(12.0, 2),
    contact_phase2=ContactMinimum(5.0, 0),
    review_months=(1,),
    review_every_months=3,
    # Testing is not stated in the supplement (2.14): the 2001 frequencies stand, as data.
)

RULE_SETS: tuple[RuleSet, ...] = (HIGHER_2001, LOWER_2003_12)
RULE_SETS_BY_ID: dict[str, RuleSet] = {r.id: r for r in RULE_SETS}


def rule_set_for(intensity: str, made_on: date) -> RuleSet:
    """The rule set in force for an Order of this intensity made on this day.

    An Order made before the first rule set of its intensity took effect is judged by that
    first rule set (a choice: see docs/national-standard.md).
    """
    candidates = sorted(
        (r for r in RULE_SETS if r.intensity == intensity), key=lambda r: r.effective_from
    )
    if not candidates:
        raise ValueError(f"unknown intensity: {intensity!r}")
    chosen = candidates[0]
    for r in candidates:
        if r.effective_from <= made_on:
            chosen = r
    return chosen
