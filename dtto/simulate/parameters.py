"""The model's parameters: one versioned TOML file loaded into frozen dataclasses.

``parameters.toml`` beside this module holds every number the model uses, each with a comment
naming its source in the NAO report. A scenario overrides a subset with the same keys
(:func:`load_parameters` with ``overrides``); an unknown key is an error, so a misspelt
scenario cannot silently run the baseline.
"""

from __future__ import annotations

import dataclasses
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

PARAMETERS_FILE = Path(__file__).with_name("parameters.toml")

# A discrete distribution as (value, weight) pairs: frozen and ordered, so draws are repeatable.
Distribution = tuple[tuple[str, float], ...]
Range = tuple[float, float]


@dataclass(frozen=True)
class Window:
    start: str
    end: str


@dataclass(frozen=True)
class Commencements:
    by_financial_year: Distribution
    scale: float


@dataclass(frozen=True)
class Targets:
    higher: Distribution
    lower: Distribution


@dataclass(frozen=True)
class Funnel:
    not_assessed: float
    unsuitable: float
    suitable_not_sentenced: float
    sentenced: float
    not_assessed_reasons: Distribution
    unsuitable_reasons: Distribution
    referral_sources: Distribution
    referral_to_assessment_days: Range
    assessment_days: Range
    assessment_to_sentence_days: Range


@dataclass(frozen=True)
class People:
    female_share_orders: float
    female_share_referrals: float
    age_bands: tuple[tuple[float, float, float], ...]
    under_21_share_referrals: float
    white_codes: Distribution
    minority_codes: Distribution
    main_drug: Distribution
    other_drugs: Distribution
    accommodation: Distribution
    mental_health_need: float
    unsuitable_accommodation: Distribution
    unsuitable_mental_health_need: float
    not_sentenced_main_drug: Distribution


@dataclass(frozen=True)
class OrderParameters:
    lengths: Distribution
    six_month_area_lengths: Distribution
    crown_court_share: float
    lower_intensity_from: str
    lower_intensity_share: float
    sentenced_unlike_recommendation: float
    lower_lengths: Distribution


@dataclass(frozen=True)
class NationalStandard:
    first_probation_on_time: float
    first_treatment_on_time: float
    late_first_probation_working_days: Range
    late_first_treatment_working_days: Range
    contact_reliable_phase1: float
    contact_reliable_phase2: float
    contact_shortfall_week_phase1: float
    contact_shortfall_week_phase2: float
    testing_reliable_phase1: float
    testing_reliable_phase2: float
    reliable_extra_test: float
    unreliable_tests_phase1: tuple[tuple[float, float], ...]
    unreliable_tests_phase2: tuple[tuple[float, float], ...]
    hours_higher_full: Range
    hours_higher_reduced: Range
    hours_lower_full: Range
    hours_lower_reduced: Range
    reintroduce_full_after_weeks_disengaged: int
    reduce_again_after_weeks_engaged: int
    suspension_share: float
    suspension_weeks: Range
    suspension_reasons: tuple[str, ...]


@dataclass(frozen=True)
class Engagement:
    engaged_at_start: float
    lapse: float
    lapse_early_weeks: int
    lapse_early_multiplier: float
    lapse_six_month_weeks: Range
    lapse_six_month_multiplier: float
    recover: float
    abscond: float
    selection_shift: float
    early_engagement_weeks: int
    early_engagement_lapse_multiplier: float


@dataclass(frozen=True)
class Attendance:
    engaged: Distribution
    disengaged: Distribution
    acceptable_codes: Distribution
    awaiting_decision_share: float


@dataclass(frozen=True)
class Enforcement:
    breach_on_first: float
    warning_on_first: float
    breach_on_second: float
    warning_days: Range
    breach_working_days: Range
    first_hearing_days: Range
    adjourned: float
    adjournment_days: Range
    fail_to_attend_if_absconded: float
    fail_to_attend_otherwise: float
    warrant_execution_mean_days: float
    warrant_long_share: float
    warrant_long_mean_days: float
    decision_after_warrant_days: Range
    revoke_engaged: float
    revoke_disengaged: float
    revoke_after_warrant: float
    revoke_per_prior_breach: float
    reengage_after_continued: float
    with_requirements_from: str
    continued_codes: Distribution
    strictness: float


@dataclass(frozen=True)
class Convictions:
    weekly_engaged: float
    weekly_disengaged: float
    weekly_absconded: float
    revoke_on_conviction: float
    offence_before_order: float
    weekly_after_success: float
    weekly_after_other: float
    custody_after_revocation: float
    custody_days: Range
    custody_day_cost: float
    offences: tuple[str, ...]
    # Issue 14: convictions a year before the referral (3.7: "around 6"), and each offence's
    # seriousness band.
    yearly_before_referral: float = 6.0
    seriousness: Distribution = (("summary", 0.3), ("either_way", 0.6), ("indictable_only", 0.1))


@dataclass(frozen=True)
class Exits:
    weekly_other: float
    other_reasons: Distribution
    early_progress_min_weeks: int
    early_progress_clear_weeks: int
    early_progress_weekly: float


@dataclass(frozen=True)
class DrugUse:
    abstinent_at_start: float
    quit_engaged: float
    relapse_engaged: float
    quit_disengaged: float
    relapse_disengaged: float
    admission_share: float
    refusal_engaged: float
    refusal_disengaged: float
    confirmation_share: float
    cocaine_positive_if_using: float
    extra_substances: tuple[str, ...]
    extra_substance_share: float


@dataclass(frozen=True)
class Reviews:
    held: float
    jitter_days: Range
    paper_review_if_progress: float
    continuity: float
    # Issue 14 (assumed: the source gives no figure): each review's report is sent a few
    # days before it, and the court records its view of some (Appendix 1 standard 7).
    report_sent_days_before: Range = (2.0, 7.0)
    court_feedback_share: float = 0.4
    court_feedback_days_after: Range = (0.0, 21.0)
    court_feedback: Distribution = (
        ("useful", 0.65),
        ("partly_useful", 0.25),
        ("not_useful", 0.10),
    )


@dataclass(frozen=True)
class Costs:
    supervision_week_higher: float
    supervision_week_lower: float
    treatment_week_higher: float
    treatment_week_lower: float
    test: float
    confirmation: float
    assessment: float
    funding_per_commencement: float
    treatment_share: float
    testing_share: float


@dataclass(frozen=True)
class Area:
    code: str
    weight: float
    cost: float
    retention: float
    minority: float
    six_month: bool = False


@dataclass(frozen=True)
class Parameters:
    version: str
    window: Window
    commencements: Commencements
    targets: Targets
    funnel: Funnel
    people: People
    order: OrderParameters
    national_standard: NationalStandard
    engagement: Engagement
    attendance: Attendance
    enforcement: Enforcement
    convictions: Convictions
    exits: Exits
    drug_use: DrugUse
    reviews: Reviews
    costs: Costs
    areas: tuple[Area, ...]

    def area(self, code: str) -> Area:
        for a in self.areas:
            if a.code == code:
                return a
        raise KeyError(code)


_SECTIONS: dict[str, type] = {
    "window": Window,
    "commencements": Commencements,
    "targets": Targets,
    "funnel": Funnel,
    "people": People,
    "order": OrderParameters,
    "national_standard": NationalStandard,
    "engagement": Engagement,
    "attendance": Attendance,
    "enforcement": Enforcement,
    "convictions": Convictions,
    "exits": Exits,
    "drug_use": DrugUse,
    "reviews": Reviews,
    "costs": Costs,
}


def _frozen(value: Any) -> Any:
    """TOML tables and arrays as tuples, so parameters are hashable and cannot be changed."""
    if isinstance(value, Mapping):
        return tuple((str(k), _frozen(v)) for k, v in value.items())
    if isinstance(value, list):
        return tuple(_frozen(v) for v in value)
    return value


def _build(cls: type, name: str, table: Mapping[str, Any]) -> Any:
    fields = {f.name for f in dataclasses.fields(cls)}
    unknown = set(table) - fields
    if unknown:
        raise ValueError(f"unknown parameter(s) in [{name}]: {', '.join(sorted(unknown))}")
    required = {
        f.name
        for f in dataclasses.fields(cls)
        if f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING
    }
    missing = required - set(table)
    if missing:
        raise ValueError(f"missing parameter(s) in [{name}]: {', '.join(sorted(missing))}")
    return cls(**{k: _frozen(v) for k, v in table.items()})


def merge(base: Mapping[str, Any], overrides: Mapping[str, Any], path: str = "") -> dict[str, Any]:
    """``base`` with ``overrides`` laid over it table by table; unknown keys are errors."""
    merged = dict(base)
    for key, value in overrides.items():
        where = f"{path}.{key}" if path else key
        if key not in base:
            raise ValueError(f"unknown parameter: {where}")
        if isinstance(value, Mapping) and isinstance(base[key], Mapping):
            merged[key] = merge(base[key], value, where)
        else:
            merged[key] = value
    return merged


def raw_parameters(path: Path = PARAMETERS_FILE) -> dict[str, Any]:
    with path.open("rb") as f:
        return tomllib.load(f)


def load_parameters(
    overrides: Mapping[str, Any] | None = None, path: Path = PARAMETERS_FILE
) -> Parameters:
    """The parameters in ``path``, with a scenario's ``overrides`` (same keys) applied."""
    raw = raw_parameters(path)
    if overrides:
        raw = merge(raw, overrides)
    sections = {name: _build(cls, name, raw.get(name, {})) for name, cls in _SECTIONS.items()}
    extra = set(raw) - set(_SECTIONS) - {"version", "areas"}
    if extra:
        raise ValueError(f"unknown parameter section(s): {', '.join(sorted(extra))}")
    areas = tuple(
        _build(Area, f"areas.{code}", {"code": code, **table})
        for code, table in raw["areas"].items()
    )
    return Parameters(version=str(raw["version"]), areas=areas, **sections)
