"""The result types of issue 14's measures: continuity of care, offending before and after,
the reason for revocation on conviction, the assessment deadline, and spending.

Generic in ``C`` as :mod:`dtto.reports.results` is (``int`` inside dtto, ``int | None`` once
published); the JSON names are the contract of ``dtto report --format json``
(docs/reports.md).
"""

from __future__ import annotations

from typing import Generic, NotRequired, TypedDict, TypeVar

from dtto.reports.rate import Rate

C = TypeVar("C")


class ConvictionRate(TypedDict, Generic[C]):
    """Convictions per person-year: ``convictions`` over ``people`` followed for the year."""

    convictions: C
    people: C
    person_years: float | None
    rate: float | None
    ci_low: float | None
    ci_high: float | None


class YearAfter(ConvictionRate[C]):
    year: int


class Offending(TypedDict, Generic[C]):
    rate_before: ConvictionRate[C]
    rate_after: list[YearAfter[C]]


class Revocations(TypedDict, Generic[C]):
    """Orders revoked on conviction, split by when the offence was committed (3.3)."""

    revoked_on_conviction: C
    offence_before_order: Rate[C]
    offence_during_order: Rate[C]
    offence_date_not_known: C


class AssessmentTiming(TypedDict, Generic[C]):
    within_deadline: Rate[C]
    adjourned_for_assessment: Rate[C]


class AreaSpend(TypedDict):
    area: str
    total: float
    by_heading: dict[str, float]


class Spend(TypedDict):
    total: float | None
    by_heading: dict[str, float]
    by_area: list[AreaSpend]


class UnitCostBasis(TypedDict):
    """Where a unit cost comes from (``dtto.standards.unit_costs``): the source's paragraph,
    or dtto's assumption (``assumption`` true)."""

    source: str
    assumption: bool


class EnforcementHearings(TypedDict, Generic[C]):
    breach_hearings: C
    review_hearings: C
    unit_costs: dict[str, float]
    unit_cost_basis: dict[str, UnitCostBasis]
    cost: float | None


class SpendBasis(TypedDict, Generic[C]):
    """What the unit costs from spending divide by: in the areas with spending recorded."""

    areas: list[str]
    commencements: C
    successful_completions: C
    order_days: int


class SpendCosts(TypedDict, Generic[C]):
    """The ``costs`` keys issue 14 adds (merged into :class:`~dtto.reports.results.Costs`)."""

    spend: Spend
    spend_basis: SpendBasis[C]
    cost_per_commencement: float | None
    cost_per_successful_completion: float | None
    cost_per_day: float | None
    enforcement_hearings: EnforcementHearings[C]


class ProviderActivity(TypedDict, Generic[C]):
    """One treatment provider's Orders (1.12, 2.4-2.8, Appendix 1 standard 8)."""

    provider: dict[str, str]
    period: dict[str, str | None]
    as_of: str
    referred: C
    started: Rate[C]
    retained_3_months: Rate[C]
    onward: Rate[C]


# A provider's report fit to publish (``outcome_publish.publish_provider``).
PublishedProvider = ProviderActivity[int | None]


class CourtFeedbackSummary(TypedDict, Generic[C]):
    """Courts' views of the review reports sent to them (Appendix 1 standard 7)."""

    reports_sent: C
    feedback_given: Rate[C]
    by_feedback: dict[str, C]
    useful: Rate[C]


class ActivityHours(TypedDict, Generic[C]):
    """Hours attended for one activity (3.21-3.24), and its share of all hours attended.
    Withheld whole (``suppressed``) when the Orders behind it are 1 to 4."""

    hours: float | None
    share: float | None
    appointments: C
    orders: C
    suppressed: NotRequired[bool]


class ContactHours(TypedDict, Generic[C]):
    """Hours of appointments attended in the period; ``by_activity`` has every activity of the
    code list and ``not_recorded``."""

    hours: float | None
    appointments: C
    orders: C
    by_activity: dict[str, ActivityHours[C]]


class IntensityAgainstRecommendation(TypedDict, Generic[C]):
    """Orders made sentenced at a lower, the same or a higher intensity than the assessment
    recommended, out of those with a recommendation recorded (``compared``)."""

    compared: C
    not_recorded: C
    lower: Rate[C]
    equal: Rate[C]
    higher: Rate[C]
