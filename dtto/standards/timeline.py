"""A case as the engine sees it: frozen facts about one Order, in plain Python.

Two adapters build these: :mod:`dtto.standards.casefile` from the ``dtto-case/1`` JSON format
and the cases app from the database. ``ref`` is an opaque identifier of the source record
(``"appointment:42"``, ``"events[3]"``) that the engine carries into the evidence of findings.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

INTENSITIES = ("higher", "lower")
APPOINTMENT_WITH = ("probation", "treatment", "other")
APPOINTMENT_OUTCOMES = (
    "attended",
    "failed_to_comply",
    "acceptable_absence",
    "unacceptable_absence",
    "not_recorded",
    "cancelled_by_service",
)
# Figure 21 of the source: what makes a day an unacceptable failure. Missing appointments
# without reasonable excuse, or failing to comply at one, and refusing a sample (always).
UNACCEPTABLE_OUTCOMES = frozenset({"unacceptable_absence", "failed_to_comply"})
UNACCEPTABLE_TEST_OUTCOMES = frozenset({"refused"})
TEST_OUTCOMES = ("sample", "admission", "refused")
TEST_RESULTS = ("positive", "negative")
BREACH_OUTCOMES = ("pending", "continued", "revoked")
CONTACT_LEVELS = ("full", "reduced")
# Issue 14. What a contact was for (3.21-3.24 of the source: treatment, work on offending
# behaviour, and help with the rest of life: education, employment, housing).
CONTACT_ACTIVITIES = ("treatment", "offence_focused", "lifestyle")
# Treatment begun after the Order (3.30, recommendation viii): where, and how intensive.
AFTERCARE_SETTINGS = ("community", "residential", "prison", "primary_care")
AFTERCARE_INTENSITIES = ("structured", "unstructured")
# A conviction's seriousness band, by how the offence is tried.
SERIOUSNESS_BANDS = ("summary", "either_way", "indictable_only")
TERMINATION_REASONS = (
    "completed",
    "early_good_progress",
    "revoked_non_compliance",
    "revoked_conviction",
    "ill_health",
    "death",
    "other",
)


@dataclass(frozen=True, slots=True)
class OrderTerms:
    made_on: date
    length_months: int
    intensity: str  # "higher" | "lower"


@dataclass(frozen=True, slots=True)
class Appointment:
    on: date
    hours: float
    with_: str  # "probation" | "treatment" | "other"
    outcome: str  # one of APPOINTMENT_OUTCOMES
    ref: str | None = None

    @property
    def arranged(self) -> bool:
        """Counts as arranged contact: anything the service did not cancel itself."""
        return self.outcome != "cancelled_by_service"

    @property
    def unacceptable(self) -> bool:
        return self.outcome in UNACCEPTABLE_OUTCOMES


@dataclass(frozen=True, slots=True)
class DrugTest:
    on: date
    outcome: str  # "sample" | "admission" | "refused"
    results: tuple[tuple[str, str], ...] = ()  # (substance, "positive" | "negative") pairs
    ref: str | None = None

    @property
    def counts(self) -> bool:
        """A sample given, or a written admission standing in for it (DOMAIN.md, Figure 21)."""
        return self.outcome in ("sample", "admission")

    @property
    def unacceptable(self) -> bool:
        return self.outcome in UNACCEPTABLE_TEST_OUTCOMES

    @property
    def result_map(self) -> dict[str, str]:
        return dict(self.results)


@dataclass(frozen=True, slots=True)
class FormalWarning:
    on: date
    ref: str | None = None


@dataclass(frozen=True, slots=True)
class Breach:
    on: date  # the day breach action was instigated
    outcome: str  # "pending" | "continued" | "revoked"
    decided_on: date | None  # None while pending
    ref: str | None = None


@dataclass(frozen=True, slots=True)
class Review:
    on: date
    hearing: bool
    ref: str | None = None


@dataclass(frozen=True, slots=True)
class ContactLevel:
    on: date
    level: str  # "full" | "reduced"
    ref: str | None = None


@dataclass(frozen=True, slots=True)
class Suspension:
    starts_on: date
    ends_on: date  # inclusive
    reason: str
    ref: str | None = None


@dataclass(frozen=True, slots=True)
class Termination:
    on: date
    reason: str  # one of TERMINATION_REASONS
    ref: str | None = None


@dataclass(frozen=True, slots=True)
class CaseTimeline:
    reference: str
    order: OrderTerms
    appointments: tuple[Appointment, ...] = ()
    tests: tuple[DrugTest, ...] = ()
    warnings: tuple[FormalWarning, ...] = ()
    breaches: tuple[Breach, ...] = ()
    reviews: tuple[Review, ...] = ()
    contact_levels: tuple[ContactLevel, ...] = ()
    suspensions: tuple[Suspension, ...] = ()
    termination: Termination | None = None
