"""The case record: the person, referral, assessment, the Order and everything that happens on it.

One *case* is one referral of one person, with its assessment and at most one Order
(docs/decisions/0002-one-order-per-case.md). Every change goes through ``services.py``.
Code-list values are foreign keys to ``Code`` so that codes can be retired without
breaking the records that use them.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.db import models

from dtto.accounts.models import Area, Court, Team, TreatmentProvider
from dtto.lib.dates import add_months


class Code(models.Model):
    """One code in one code list (see codelists.py)."""

    list_name = models.CharField(max_length=40)
    code = models.CharField(max_length=40)
    label = models.CharField(max_length=200)
    # The word the National Standard engine understands for this code, where it needs one.
    meaning = models.CharField(max_length=40, blank=True)
    group = models.CharField(max_length=100, blank=True)
    # A retired code stays on the records that use it; it cannot be used for events on or
    # after this day.
    retired_on = models.DateField(null=True, blank=True)
    sort_order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["list_name", "sort_order", "code"]
        constraints = [
            models.UniqueConstraint(fields=["list_name", "code"], name="code_unique_in_list")
        ]

    def __str__(self) -> str:
        return f"{self.label} ({self.code})"

    def usable_on(self, day: dt.date) -> bool:
        return self.retired_on is None or day < self.retired_on


class Versioned(models.Model):
    """A record edited through forms: its row version refuses a stale form's save.

    Every change through ``services.common.save_change`` moves the version on by one, in
    the same UPDATE that checks it (docs/decisions/0011-optimistic-locking-and-input-limits.md).
    """

    # The database default lets bulk writers (the importer's plain rows) leave it out.
    version = models.PositiveIntegerField(default=1, db_default=1, editable=False)

    class Meta:
        abstract = True


class Intensity(models.TextChoices):
    HIGHER = "higher", "Higher intensity"
    LOWER = "lower", "Lower intensity"


def _code(list_name: str, *, null: bool = False, related: str = "+") -> Any:
    # Typed Any: django-stubs cannot infer a field made by a helper; the model is Code.
    return models.ForeignKey(
        Code,
        on_delete=models.PROTECT,
        null=null,
        blank=null,
        related_name=related,
        limit_choices_to={"list_name": list_name},
    )


class Person(models.Model):
    name = models.CharField(max_length=200)
    date_of_birth = models.DateField()
    sex = _code("sex")
    ethnicity = _code("ethnicity")
    accommodation = _code("accommodation", null=True)
    main_drug = _code("drug", null=True)
    other_drugs = models.ManyToManyField(Code, blank=True, related_name="+")
    mental_health_need = models.BooleanField(null=True)

    def __str__(self) -> str:
        return self.name


class Case(models.Model):
    """A referral of a person for a DTTO, known by its case reference number."""

    reference = models.CharField(max_length=40, unique=True)
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="cases")
    area = models.ForeignKey(Area, on_delete=models.PROTECT, related_name="cases")
    referred_on = models.DateField()
    referral_source = _code("referral_source")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["reference"]
        indexes = [models.Index(fields=["area", "referred_on"])]

    def __str__(self) -> str:
        return self.reference


class Assessment(models.Model):
    class Outcome(models.TextChoices):
        NOT_ASSESSED = "not_assessed", "Not assessed"
        UNSUITABLE = "unsuitable", "Assessed unsuitable"
        SUITABLE = "suitable", "Assessed suitable"

    case = models.OneToOneField(Case, on_delete=models.PROTECT, related_name="assessment")
    started_on = models.DateField(null=True, blank=True)
    completed_on = models.DateField(null=True, blank=True)
    outcome = models.CharField(max_length=20, choices=Outcome.choices)
    # From not_assessed_reason or unsuitable_reason, by outcome.
    reason = models.ForeignKey(
        Code, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    recommended_intensity = models.CharField(max_length=10, choices=Intensity.choices, blank=True)
    # The pre-sentence report (Figure 4): assessment usually happens inside it; the court may
    # adjourn sentence for it.
    psr_requested_on = models.DateField(null=True, blank=True)
    adjourned_on = models.DateField(
        null=True, blank=True, help_text="The day the court adjourned sentence for assessment."
    )
    psr_delivered_on = models.DateField(null=True, blank=True)
    # For a person found unsuitable on mental-health grounds (2.15): was a health assessment
    # recommended? None when not known or not applicable.
    health_assessment_recommended = models.BooleanField(null=True, blank=True)

    def __str__(self) -> str:
        return f"Assessment of {self.case_id}: {self.outcome}"


class Order(Versioned):
    case = models.OneToOneField(Case, on_delete=models.PROTECT, related_name="order")
    made_on = models.DateField(db_index=True)
    length_months = models.PositiveSmallIntegerField()
    intensity = models.CharField(max_length=10, choices=Intensity.choices)
    court = models.ForeignKey(
        Court, null=True, blank=True, on_delete=models.PROTECT, related_name="orders"
    )
    team = models.ForeignKey(
        Team, null=True, blank=True, on_delete=models.PROTECT, related_name="orders"
    )
    case_manager = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="orders",
    )
    treatment_provider = models.ForeignKey(
        TreatmentProvider, null=True, blank=True, on_delete=models.PROTECT, related_name="orders"
    )
    # Kept with the Order (derived from made_on and length_months by the service) so that
    # queues and reports can filter running Orders in the database.
    natural_end_on = models.DateField()
    # Denormalised from Termination for the same reason; None while the Order runs.
    terminated_on = models.DateField(null=True, blank=True, db_index=True)
    # An Order follows an assessment that found the person suitable, unless the court made it
    # against the assessment's advice; then why is kept (decision 0013).
    against_assessment_advice = models.BooleanField(default=False)
    against_advice_reason = models.TextField(blank=True)

    class Meta:
        ordering = ["made_on", "id"]

    def __str__(self) -> str:
        return f"Order {self.case.reference} made {self.made_on}"

    @staticmethod
    def natural_end(made_on: dt.date, length_months: int) -> dt.date:
        """The first day after the Order's term: made_on plus its length in months."""
        return add_months(made_on, length_months)

    @property
    def last_day(self) -> dt.date:
        """The last day the Order was (or will be) in force."""
        if self.terminated_on is not None:
            return self.terminated_on
        return self.natural_end_on - dt.timedelta(days=1)


class Activity(models.TextChoices):
    """What a contact was for (CONTACT_ACTIVITIES in dtto.standards.timeline)."""

    TREATMENT = "treatment", "Treatment"
    OFFENCE_FOCUSED = "offence_focused", "Offence-focused work"
    LIFESTYLE = "lifestyle", "Lifestyle (education, employment, housing)"


class Appointment(Versioned):
    class With(models.TextChoices):
        PROBATION = "probation", "Probation"
        TREATMENT = "treatment", "Treatment"
        OTHER = "other", "Other programme"

    order = models.ForeignKey(Order, on_delete=models.PROTECT, related_name="appointments")
    on = models.DateField()
    hours = models.DecimalField(max_digits=4, decimal_places=2)
    with_whom = models.CharField(max_length=20, choices=With.choices)
    kind = _code("appointment_kind", null=True)
    # None until the outcome is recorded ("not recorded" to the engine).
    outcome = _code("attendance_outcome", null=True)
    # What the contact was for (3.21-3.24); "" when not recorded.
    activity = models.CharField(max_length=20, choices=Activity.choices, blank=True)

    class Meta:
        ordering = ["on", "id"]
        # By day: the contact hours of the days a report's period or "as of" day cut out of a
        # month, which the monthly rollup cannot give (dtto.reports.measures.contact_hours).
        indexes = [models.Index(fields=["order", "on"]), models.Index(fields=["on"])]

    def __str__(self) -> str:
        return f"Appointment on {self.on} ({self.with_whom}, {self.hours} h)"


class DrugTest(models.Model):
    class Outcome(models.TextChoices):
        SAMPLE = "sample", "Sample provided"
        ADMISSION = "admission", "Written admission of use instead of a test"
        REFUSED = "refused", "Refused"

    order = models.ForeignKey(Order, on_delete=models.PROTECT, related_name="tests")
    on = models.DateField()
    outcome = models.CharField(max_length=10, choices=Outcome.choices)
    admitted = models.ManyToManyField(Code, blank=True, related_name="+")

    class Meta:
        ordering = ["on", "id"]
        indexes = [models.Index(fields=["order", "on"])]

    def __str__(self) -> str:
        return f"Drug test on {self.on}: {self.outcome}"


class DrugTestResult(Versioned):
    class Result(models.TextChoices):
        POSITIVE = "positive", "Positive"
        NEGATIVE = "negative", "Negative"

    test = models.ForeignKey(DrugTest, on_delete=models.CASCADE, related_name="results")
    substance = _code("substance")
    result = models.CharField(max_length=10, choices=Result.choices)
    # Laboratory confirmation of a positive: None when not sent or not back.
    confirmed = models.BooleanField(null=True)

    class Meta:
        ordering = ["test", "substance__sort_order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["test", "substance"], name="result_unique_substance")
        ]

    def __str__(self) -> str:
        return f"{self.substance_id}: {self.result}"


class FormalWarning(models.Model):
    order = models.ForeignKey(Order, on_delete=models.PROTECT, related_name="warnings")
    on = models.DateField()
    reason = models.TextField(blank=True)

    class Meta:
        ordering = ["on", "id"]

    def __str__(self) -> str:
        return f"Formal warning on {self.on}"


class Breach(Versioned):
    order = models.ForeignKey(Order, on_delete=models.PROTECT, related_name="breaches")
    on = models.DateField(help_text="The day breach action was instigated.")
    reason = models.TextField(blank=True)
    outcome = _code("breach_outcome")
    decided_on = models.DateField(null=True, blank=True)
    warrant_issued_on = models.DateField(null=True, blank=True)
    warrant_executed_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["on", "id"]

    def __str__(self) -> str:
        return f"Breach instigated on {self.on}"


class BreachHearing(models.Model):
    breach = models.ForeignKey(Breach, on_delete=models.CASCADE, related_name="hearings")
    on = models.DateField()

    class Meta:
        ordering = ["on", "id"]

    def __str__(self) -> str:
        return f"Breach hearing on {self.on}"


class CourtReview(models.Model):
    """A review held by the court (with or without a hearing)."""

    order = models.ForeignKey(Order, on_delete=models.PROTECT, related_name="reviews")
    on = models.DateField()
    hearing = models.BooleanField()
    # Who sat, one name a line, to show continuity of the bench.
    sat = models.TextField(blank=True)
    notes = models.TextField(blank=True)

    class Meta:
        ordering = ["on", "id"]

    def __str__(self) -> str:
        return f"Court review on {self.on}"

    @property
    def sat_names(self) -> list[str]:
        return [name for name in self.sat.splitlines() if name.strip()]


class ContactLevelChange(models.Model):
    class Level(models.TextChoices):
        FULL = "full", "Full (phase 1 minimum)"
        REDUCED = "reduced", "Reduced"

    order = models.ForeignKey(Order, on_delete=models.PROTECT, related_name="contact_levels")
    on = models.DateField()
    level = models.CharField(max_length=10, choices=Level.choices)

    class Meta:
        ordering = ["on", "id"]

    def __str__(self) -> str:
        return f"Contact level {self.level} from {self.on}"


class Suspension(models.Model):
    """A period when the National Standard is suspended (Figure 22 of the source)."""

    order = models.ForeignKey(Order, on_delete=models.PROTECT, related_name="suspensions")
    starts_on = models.DateField()
    ends_on = models.DateField()
    reason = models.TextField()

    class Meta:
        ordering = ["starts_on", "id"]

    def __str__(self) -> str:
        return f"Standard suspended {self.starts_on} to {self.ends_on}"


class AftercareSetting(models.TextChoices):
    """AFTERCARE_SETTINGS in dtto.standards.timeline."""

    COMMUNITY = "community", "Community treatment"
    RESIDENTIAL = "residential", "Residential rehabilitation"
    PRISON = "prison", "Prison drug services"
    PRIMARY_CARE = "primary_care", "GP (primary care)"


class AftercareIntensity(models.TextChoices):
    """AFTERCARE_INTENSITIES in dtto.standards.timeline."""

    STRUCTURED = "structured", "Structured (care-planned) treatment"
    UNSTRUCTURED = "unstructured", "Advice and support only"


class Termination(models.Model):
    order = models.OneToOneField(Order, on_delete=models.PROTECT, related_name="termination")
    on = models.DateField()
    reason = _code("termination_reason")
    onward_referral_on = models.DateField(null=True, blank=True)
    onward_referral_to = models.TextField(blank=True)
    custody_handover_on = models.DateField(null=True, blank=True)
    # Continuity of care (3.30): treatment actually begun after the Order, and the prison's
    # receipt of the handover. Recorded later, by record_aftercare.
    treatment_started_on = models.DateField(null=True, blank=True)
    treatment_setting = models.CharField(
        max_length=20, choices=AftercareSetting.choices, blank=True
    )
    treatment_intensity = models.CharField(
        max_length=20, choices=AftercareIntensity.choices, blank=True
    )
    custody_handover_received_on = models.DateField(null=True, blank=True)

    def __str__(self) -> str:
        return f"Terminated on {self.on}"


class Seriousness(models.TextChoices):
    """SERIOUSNESS_BANDS in dtto.standards.timeline."""

    SUMMARY = "summary", "Summary only"
    EITHER_WAY = "either_way", "Either way"
    INDICTABLE_ONLY = "indictable_only", "Indictable only"


class Conviction(models.Model):
    """A conviction of the person: before the referral (offending before the Order) or after
    it (reconviction; it may fall after the Order ended)."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="convictions")
    on = models.DateField()
    offence_on = models.DateField(null=True, blank=True)
    offence = models.TextField(blank=True)
    seriousness = models.CharField(max_length=20, choices=Seriousness.choices, blank=True)

    class Meta:
        ordering = ["on", "id"]

    def __str__(self) -> str:
        return f"Convicted on {self.on}"


class CourtFeedback(models.TextChoices):
    """COURT_FEEDBACK in dtto.standards.validation."""

    USEFUL = "useful", "Useful"
    PARTLY_USEFUL = "partly_useful", "Partly useful"
    NOT_USEFUL = "not_useful", "Not useful"


class ReviewReport(Versioned):
    """The case manager's progress report to the court for one review (drafted, then sent).

    Drafted from the record by ``dtto.cases.review_reports``; edited by the case manager
    (and the treatment provider's view added by the treatment worker) until it is sent.
    Changes go through ``dtto.cases.reporting_services``.
    """

    class Status(models.TextChoices):
        """REPORT_STATUSES in dtto.standards.validation."""

        DRAFT = "draft", "Draft"
        SENT = "sent", "Sent to the court"

    order = models.ForeignKey(Order, on_delete=models.PROTECT, related_name="review_reports")
    review_due = models.DateField(help_text="The review this report is for, by its due date.")
    period_from = models.DateField(help_text="The day after the last review, or the Order made.")
    period_to = models.DateField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    tests_summary = models.TextField(blank=True)
    attendance_summary = models.TextField(blank=True)
    provider_view = models.TextField(blank=True)
    assessment = models.TextField(blank=True, help_text="Attitude and response to the Order.")
    proposal = models.TextField(blank=True)
    drafted_at = models.DateTimeField(auto_now_add=True)
    sent_on = models.DateField(null=True, blank=True)
    # The court's view of the report (Appendix 1 standard 7), recorded by record_court_feedback.
    court_feedback = models.CharField(max_length=20, choices=CourtFeedback.choices, blank=True)
    court_feedback_notes = models.TextField(blank=True)
    court_feedback_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["order", "review_due", "id"]
        constraints = [
            models.UniqueConstraint(fields=["order", "review_due"], name="report_unique_review")
        ]

    def __str__(self) -> str:
        return f"Review report {self.order.case.reference} for {self.review_due}"


class FormSubmission(models.Model):
    """A recording form's one-time token, consumed with what the form recorded.

    Written in the same transaction as the service call, so that a form saved twice (Back,
    then Save again) records nothing the second time (docs/decisions/0006-every-write-once.md).
    """

    token = models.CharField(max_length=64, unique=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT)
    created = models.DateTimeField(auto_now_add=True)
    action = models.CharField(max_length=40, help_text="The recording action, e.g. appointment.")
    record_type = models.CharField(max_length=60, blank=True)
    record_id = models.CharField(max_length=40, blank=True)
    url = models.CharField(max_length=300, help_text="Where what was recorded is shown.")

    class Meta:
        ordering = ["created", "id"]

    def __str__(self) -> str:
        return f"{self.action} by {self.user_id} ({self.token})"
