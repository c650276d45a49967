"""The shape of every report result: what ``measures`` returns and what is published.

Each result is a TypedDict generic in ``C``, the type of a count of people or Orders:
``int`` inside dtto (``measures`` returns ``Report[int]``), ``int | None`` once published
(``statistics.publish`` returns ``Report[Count]``, a count under 5 being None). Renderers
(pages, CSV, JSON, PDF) take only the published types, so mypy refuses a result that has
not been through disclosure control, a missing key, and a suppressed count used as a number.
The JSON names are the contract of ``dtto report --format json`` (docs/reports.md).
"""

from __future__ import annotations

from typing import Generic, NotRequired, TypedDict, TypeVar

# Its own module so that issue 14's result types can build on it without importing this one.
from dtto.reports.rate import Rate as Rate

C = TypeVar("C")

# A published count: None where fewer than 5 (and more than 0) people or Orders.
Count = int | None


class RelativeRate(TypedDict, Generic[C]):
    """A group's rate over the reference group's, with the reference group's counts."""

    ratio: float | None
    ci_low: float | None
    ci_high: float | None
    reference_numerator: C
    reference_denominator: C
    suppressed: NotRequired[bool]


# --- 1. Commencements ---------------------------------------------------------------------


class MonthCommencements(TypedDict, Generic[C]):
    month: str
    higher: C
    lower: C
    total: C


class YearCommencements(TypedDict, Generic[C]):
    financial_year: int
    intensity: str
    commencements: C
    target: int | None
    share_of_target: float | None


class AreaYearCommencements(YearCommencements[C]):
    area: str


class Commencements(TypedDict, Generic[C]):
    total: C
    by_intensity: dict[str, C]
    by_month: list[MonthCommencements[C]]
    by_year: list[YearCommencements[C]]
    by_area: list[AreaYearCommencements[C]]


# --- 2. The referral funnel -------------------------------------------------------------------


class ReasonCounts(TypedDict, Generic[C]):
    total: C
    by_reason: dict[str, C]


class Waits(TypedDict, Generic[C]):
    """Days from referral to Order; the quantiles are days, withheld with a small ``n``."""

    n: C
    median: int | None
    quartile_1: int | None
    quartile_3: int | None


class ReferralFunnel(TypedDict, Generic[C]):
    referred: C
    not_assessed: ReasonCounts[C]
    unsuitable: ReasonCounts[C]
    suitable_not_sentenced: C
    sentenced: C
    sentenced_without_assessment: C
    awaiting_assessment: C
    not_found_suitable: Rate[C]
    sentenced_rate: Rate[C]
    days_referral_to_order: Waits[C]


# --- 3. Terminations ------------------------------------------------------------------------


class Terminations(TypedDict, Generic[C]):
    total: C
    by_reason: dict[str, C]
    by_reason_share: dict[str, Rate[C]]
    successful: C
    expired_in_breach: C
    successful_rate: float | None
    successful_completion: Rate[C]
    target_rate: float | None
    meets_target: bool | None


# --- 4. Enforcement --------------------------------------------------------------------------


class Breaches(TypedDict, Generic[C]):
    instigated: C
    commencements: C
    per_100_commencements: float | None
    decided: C
    revoked: C
    continued: C
    revoked_share: float | None
    revoked_rate: Rate[C]


# --- 5. Compliance --------------------------------------------------------------------------


class ComplianceByEvent(TypedDict, Generic[C]):
    contact_weeks_phase1: Rate[C]
    contact_weeks_phase2: Rate[C]
    test_weeks_phase1: Rate[C]
    test_weeks_phase2: Rate[C]
    reviews_held: Rate[C]
    failures_actioned: Rate[C]


class Sample(TypedDict):
    seed: int
    sample_size: int
    order_ids: list[int]


class Compliance(TypedDict, Generic[C]):
    """One rate a National Standard measure (``measures.COMPLIANCE_MEASURES``)."""

    first_probation_1wd: Rate[C]
    first_treatment_2wd: Rate[C]
    contact_phase1: Rate[C]
    contact_phase2: Rate[C]
    tests_phase1: Rate[C]
    tests_phase2: Rate[C]
    reviews: Rate[C]
    enforcement: Rate[C]
    cases: C
    as_of: str  # every finding counted was final on this day
    by_event: ComplianceByEvent[C]
    sample: NotRequired[Sample]


def compliance_rates(c: Compliance[C]) -> dict[str, Rate[C]]:
    """The measures' rates by measure name, in the order the report lists them."""
    return {
        "first_probation_1wd": c["first_probation_1wd"],
        "first_treatment_2wd": c["first_treatment_2wd"],
        "contact_phase1": c["contact_phase1"],
        "contact_phase2": c["contact_phase2"],
        "tests_phase1": c["tests_phase1"],
        "tests_phase2": c["tests_phase2"],
        "reviews": c["reviews"],
        "enforcement": c["enforcement"],
    }


# --- 6. Retention ---------------------------------------------------------------------------

StillOn = TypedDict(
    "StillOn", {"3_months": float | None, "6_months": float | None, "12_months": float | None}
)


class RetentionGroup(TypedDict, Generic[C]):
    """A Kaplan-Meier curve; its median, survival and steps are withheld with small counts."""

    n: C
    ended: C
    running: C
    median_days: float | None
    still_on: StillOn
    curve: list[tuple[float, float]]
    suppressed: NotRequired[bool]


class Incidence(TypedDict):
    """A cumulative incidence by a day, with its 95% interval (None where withheld, beyond
    the longest follow-up, or, for the interval, at an incidence of 0 or 1)."""

    incidence: float | None
    ci_low: float | None
    ci_high: float | None


IncidenceAt = TypedDict(
    "IncidenceAt", {"3_months": Incidence, "6_months": Incidence, "12_months": Incidence}
)


class Revocation(TypedDict, Generic[C]):
    """Cumulative incidence of revocation, every other ending competing (Aalen-Johansen)."""

    n: C
    revoked: C
    completed: C  # completed or ended early for good progress (in breach or not)
    ended_otherwise: C  # ill health, death, other
    running: C
    revoked_by: IncidenceAt
    completed_by: IncidenceAt
    curve: list[tuple[float, float]]
    completion_curve: list[tuple[float, float]]
    suppressed: NotRequired[bool]


class Retention(TypedDict, Generic[C]):
    as_of: str
    by: str | None
    groups: dict[str, RetentionGroup[C]]
    # In the report's ``retention`` only (not ``retention_by_intensity``).
    revocation: NotRequired[Revocation[C]]


# --- 7. Drug use ------------------------------------------------------------------------------


class DrugMonth(TypedDict, Generic[C]):
    tests_negative: Rate[C]
    people: C
    people_all_negative: Rate[C]


class DrugUseMonth(TypedDict, Generic[C]):
    month: int
    opiate: DrugMonth[C]
    cocaine: DrugMonth[C]


class ClearMajorityMonth(TypedDict, Generic[C]):
    """People tested for opiates in a month of their Order; clear: more than half negative."""

    month: int
    clear_majority: Rate[C]


class DrugUse(TypedDict, Generic[C]):
    months: list[DrugUseMonth[C]]
    clear_majority_by_month: list[ClearMajorityMonth[C]]


# --- 8. Who is reached -------------------------------------------------------------------------


class StageCount(TypedDict, Generic[C]):
    count: C


class StageRate(Rate[C]):
    """A stage's count and its rate out of the stage before, against the reference group."""

    count: C
    relative_rate: RelativeRate[C]


class StageShares(TypedDict):
    """A group's share of everyone at each stage (None where withheld or nobody)."""

    referred: float | None
    assessed: float | None
    suitable: float | None
    commenced: float | None
    terminated: float | None
    successful: float | None


class ReachGroup(TypedDict, Generic[C]):
    referred: StageCount[C]
    assessed: StageRate[C]
    suitable: StageRate[C]
    commenced: StageRate[C]
    terminated: StageCount[C]
    successful: StageRate[C]
    share: StageShares


class Reach(TypedDict, Generic[C]):
    reference_groups: dict[str, str]
    dimensions: dict[str, dict[str, ReachGroup[C]]]


# --- 9. Costs -------------------------------------------------------------------------------


class AreaCosts(TypedDict, Generic[C]):
    area: str
    budget: float
    treatment_share: float | None
    commencements: C
    cost_per_commencement: float | None
    successful_completions: C
    cost_per_successful_completion: float | None
    order_days: int
    cost_per_day: float | None
    custody_day_cost: float
    share_of_custody_cost: float | None


class Costs(TypedDict, Generic[C]):
    financial_year: int
    areas: list[AreaCosts[C]]
    # From recorded spending and hearing counts (issue 14; dtto.reports.measures.spend).
    spend: NotRequired[Spend]
    spend_basis: NotRequired[SpendBasis[C]]
    cost_per_commencement: NotRequired[float | None]
    cost_per_successful_completion: NotRequired[float | None]
    cost_per_day: NotRequired[float | None]
    enforcement_hearings: NotRequired[EnforcementHearings[C]]


# --- 10. Reconviction ---------------------------------------------------------------------------


class ReconvictionWindow(TypedDict, Generic[C]):
    window_days: int
    all_starters: Rate[C]
    completers: Rate[C]


class Reconviction(TypedDict, Generic[C]):
    as_of: str
    windows: dict[str, ReconvictionWindow[C]]


# --- 11. Areas ----------------------------------------------------------------------------------


class AreaResult(TypedDict, Generic[C]):
    area: str
    successful_completion: Rate[C]
    # "within", "above_95", "above_99.8", "below_95", "below_99.8" or "no_data"; None for an
    # area whose rate is withheld: it is not judged against the limits.
    funnel: str | None
    compliance: dict[str, Rate[C]]
    compliance_index: float | None
    # Context (issue 14): Orders made in the period, their median length, and the intensity
    # sentenced against the intensity the assessment recommended.
    orders_made: C
    median_length_months: int | None
    intensity_against_recommendation: IntensityAgainstRecommendation[C]


class Correlation(TypedDict):
    n: int
    pearson_r: float | None
    pearson_p: float | None
    spearman_rho: float | None
    spearman_p: NotRequired[float | None]
    n_areas: NotRequired[int]


class AreaComparison(TypedDict, Generic[C]):
    overall_rate: float | None
    areas: list[AreaResult[C]]
    # Keys "n", "lower_95", "upper_95", "lower_99.8", "upper_99.8".
    funnel_limits: list[dict[str, float]]
    correlation_with_completion: dict[str, Correlation]


# --- 13. Court reviews: continuity of the bench ---------------------------------------------


class SameBench(Rate[C]):
    """Reviews (after an Order's first) held by the bench that sat at its first review.

    The Order does not record who sentenced (``sentencer_recorded`` is False), so the first
    review's bench stands in for the sentencer's (docs/reports.md, section 13).
    """

    reviews: C  # reviews held in the period
    not_recorded: C  # of those, not compared: no names recorded there or at the first review
    sentencer_recorded: bool
    compared_with: str


class Reviews(TypedDict, Generic[C]):
    same_bench: SameBench[C]


# --- 14. Continuity of care after the Order ----------------------------------------------------


class ContinuityRate(Rate[C]):
    """Terminations with the step recorded, out of all terminations; ``by_reason`` the same
    for each termination reason."""

    by_reason: dict[str, Rate[C]]


class Continuity(TypedDict, Generic[C]):
    onward_referred: ContinuityRate[C]
    custody_handover: ContinuityRate[C]
    # Out of Orders followed for the whole window, not all terminations, and death excluded
    # (measures/aftercare.py): the same shape, another denominator.
    treatment_started_within_21_days: ContinuityRate[C]


# --- The whole report -------------------------------------------------------------------------


class Report(TypedDict, Generic[C]):
    format: str
    scope: dict[str, str | None]
    period: dict[str, str | None]
    as_of: str
    commencements: Commencements[C]
    referrals: ReferralFunnel[C]
    terminations: Terminations[C]
    breaches: Breaches[C]
    compliance: Compliance[C]
    retention: Retention[C]
    retention_by_intensity: Retention[C]
    drug_use: DrugUse[C]
    reach: Reach[C]
    costs: Costs[C] | None
    reconviction: Reconviction[C]
    reviews: Reviews[C]
    continuity: Continuity[C]
    areas: NotRequired[AreaComparison[C]]
    compliance_sample: NotRequired[Compliance[C]]
    # Issue 14 (dtto.reports.outcome_results).
    offending: NotRequired[Offending[C]]
    revocations: NotRequired[Revocations[C]]
    assessment: NotRequired[AssessmentTiming[C]]
    court_feedback: NotRequired[CourtFeedbackSummary[C]]
    contact_hours: NotRequired[ContactHours[C]]


# --- For sentencers -----------------------------------------------------------------------------


class SentencerTerminations(TypedDict, Generic[C]):
    total: C
    successful: C
    successful_completion: Rate[C]
    expired_in_breach: C
    by_reason: dict[str, C]


class OnOrder(TypedDict, Generic[C]):
    """The counts behind the time on the Order, so that it can be withheld with them."""

    orders: C
    ended: C


class SentencerSummary(TypedDict, Generic[C]):
    court: dict[str, str | None]
    period: dict[str, str | None]
    commencements: C
    terminations: SentencerTerminations[C]
    on_order: OnOrder[C] | None
    still_on_at_6_months: float | None
    median_days_on_order: float | None
    breaches: Breaches[C]
    reviews_held_when_due: Rate[C]
    opiate_negative_month_1: Rate[C] | None
    opiate_negative_month_6_on: Rate[C]
    reconviction: dict[str, ReconvictionWindow[C]]


PublishedReport = Report[Count]
PublishedSummary = SentencerSummary[Count]


# Issue 14's result types, named in Report and Costs above. Imported last: they build on Rate,
# and ``typing.get_type_hints`` resolves the names above from this module's globals.
from dtto.reports.outcome_results import (  # noqa: E402
    AssessmentTiming,
    ContactHours,
    CourtFeedbackSummary,
    EnforcementHearings,
    IntensityAgainstRecommendation,
    Offending,
    Revocations,
    Spend,
    SpendBasis,
)

# A provider's published report; re-exported so renderers import it from here, the module
# that loads first (importing outcome_results first would meet this module half loaded).
from dtto.reports.outcome_results import PublishedProvider as PublishedProvider  # noqa: E402
