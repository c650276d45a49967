"""The National Standard as data: one :class:`RuleSet` per version, with effective dates.

Sources (paragraphs of the NAO report HC 366 2003-04, ``docs/national-standard.md``):
the 2001 Standard for the higher-intensity Order (Figure 4, 3.15, 3.17, 3.19, 3.27, Figure 21)
and the December 2003 supplement for the lower-intensity Order (2.14). Also here: what counts
as a successful termination (3.2-3.3) and the assessment deadline (Figure 4). The national
targets are in :mod:`dtto.standards.targets`, the code lists in :mod:`dtto.standards.timeline`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from dtto.lib.dates import add_months

from .calendar import add_working_days


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
    phase1_weeks: int = 13  # Figure 4: weeks 1-13 are phase 1, later weeks phase 2
    tests_phase1: int = 2  # Figure 4, 3.19
    tests_phase2: int = 1
    contact_phase1: ContactMinimum = ContactMinimum(15.0, 0)
    contact_phase2: ContactMinimum = ContactMinimum(9.0, 3)
    # Review due dates in calendar months from made_on: the listed ones, then every
    # ``review_every_months`` after the last listed one (Figure 4; 2.14).
    review_months: tuple[int, ...] = (1, 2, 3, 4)
    review_every_months: int = 3
    failure_window_months: int = 12  # Figure 4, 3.27
    breach_required_from: int = 2  # the number of the failure from which breach is required
    # Choices dtto makes where the source is silent (each with its reason in
    # docs/national-standard.md, "Choices dtto makes beyond the source"):
    review_tolerance_days: int = 14  # a review held this many days either side meets its due date
    action_working_days: int = 10  # a warning or breach action is timely within this many
    failure_count_restarts_after_breach: bool = True  # failures before a breach no longer count
    judges_earlier_orders: bool = False  # also judges Orders made before ``effective_from``

    def review_offsets(self, until_months: int) -> list[int]:
        """Months after made_on on which a review is due, up to ``until_months`` inclusive."""
        offsets = [m for m in self.review_months if m <= until_months]
        m = self.review_months[-1] + self.review_every_months
        while m <= until_months:
            offsets.append(m)
            m += self.review_every_months
        return offsets

    def review_dues(self, made_on: date, length_months: int) -> list[date]:
        """The days a review is due on an Order made that day for that long: the offsets'
        days that fall before its term ends (one due on the day after the last is not due)."""
        end = add_months(made_on, length_months)
        dues = (add_months(made_on, months) for months in self.review_offsets(length_months))
        return [due for due in dues if due < end]


HIGHER_2001 = RuleSet(
    id="higher-2001",
    intensity="higher",
    effective_from=date(2000, 10, 1),
    title="National Standard for the Drug Treatment and Testing Order (2001)",
    judges_earlier_orders=True,  # the pilot and October 2000 roll-out Orders had no other
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
    judges_earlier_orders=True,  # lower-intensity pilot Orders made before December 2003
    # Testing is not stated in the supplement (2.14): the 2001 frequencies stand, as data.
)

RULE_SETS: tuple[RuleSet, ...] = (HIGHER_2001, LOWER_2003_12)
RULE_SETS_BY_ID: dict[str, RuleSet] = {r.id: r for r in RULE_SETS}


def rule_set_for(
    intensity: str, made_on: date, rule_sets: tuple[RuleSet, ...] | None = None
) -> RuleSet:
    """The rule set in force for an Order of this intensity made on this day.

    An Order made before the first rule set of its intensity took effect is judged by that
    first rule set when it says so (``judges_earlier_orders``, a choice: see
    docs/national-standard.md); otherwise there is no rule set for it and this raises.
    """
    candidates = sorted(
        (r for r in (RULE_SETS if rule_sets is None else rule_sets) if r.intensity == intensity),
        key=lambda r: r.effective_from,
    )
    if not candidates:
        raise ValueError(f"unknown intensity: {intensity!r}")
    in_force = [r for r in candidates if r.effective_from <= made_on]
    if in_force:
        return in_force[-1]
    if candidates[0].judges_earlier_orders:
        return candidates[0]
    raise ValueError(
        f"made_on: no {intensity}-intensity rule set was in force on {made_on.isoformat()} "
        f"(the first took effect on {candidates[0].effective_from.isoformat()})"
    )


def common_rule(name: str) -> object:
    """The value of rule ``name`` shared by every rule set, for text that names no Order.

    Page text such as a warning letter ("if you fail to comply again within 12 months") speaks
    for every Order; it may only do so while every rule set agrees, so this raises otherwise.
    """
    values = {getattr(r, name) for r in RULE_SETS}
    if len(values) != 1:
        raise ValueError(f"{name}: the rule sets differ ({sorted(map(str, values))})")
    return values.pop()


def common_count(name: str) -> int:
    """:func:`common_rule` for a whole number (weeks, days, months, tests)."""
    value = common_rule(name)
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"{name}: not a whole number: {value!r}")
    return value


# --- Successful completion (3.2-3.3, Figures 13-15) -----------------------------------------

# The termination reasons that can be successful. From April 2004 an Order that expires while
# in breach is not a successful completion (3.3); dtto applies that to every Order (a choice:
# docs/national-standard.md), so success also needs "not in breach on the termination day".
SUCCESSFUL_TERMINATION_REASONS: tuple[str, ...] = ("completed", "early_good_progress")


def is_successful_termination(reason: str, in_breach: bool) -> bool:
    return reason in SUCCESSFUL_TERMINATION_REASONS and not in_breach


# The termination reasons that are revocations (3.3, Figure 14: for failure to comply, or on
# conviction for another offence); every other ending competes with them (3.11).
REVOCATION_TERMINATION_REASONS: tuple[str, ...] = ("revoked_non_compliance", "revoked_conviction")


# --- Assessment of suitability (Figure 4) ---------------------------------------------------


@dataclass(frozen=True, slots=True)
class AssessmentDeadline:
    """Figure 4: assessment "should usually be within the Pre-Sentence Report. Where
    assessment needs to be completed after presentation of the Pre-sentence report to the
    court, this should be done within five working days."
    """

    effective_from: date
    working_days: int
    # The deadline applies only to an assessment completed after the pre-sentence report.
    applies_within_pre_sentence_report: bool

    def applies(self, *, part_of_pre_sentence_report: bool) -> bool:
        return self.applies_within_pre_sentence_report or not part_of_pre_sentence_report

    def due_by(self, referred_on: date) -> date:
        """The last day for an assessment the deadline applies to.

        dtto counts from the referral (a choice: it does not record the day the pre-sentence
        report was presented; docs/national-standard.md).
        """
        return add_working_days(referred_on, self.working_days)


ASSESSMENT_DEADLINE = AssessmentDeadline(
    effective_from=HIGHER_2001.effective_from,
    working_days=5,
    applies_within_pre_sentence_report=False,
)


# --- Continuity of care (3.30-3.31, recommendation viii) ----------------------------------------

# Treatment after the Order counts as continuing when it begins within this many days of the
# Order's end. The source gives no figure (3.30 asks only that treatment continue); dtto uses
# three weeks, the waiting time for community treatment the source's 2.11 discusses, so that a
# gap longer than a usual wait shows as a break in care (docs/reports.md).
AFTERCARE_START_DAYS = 21
