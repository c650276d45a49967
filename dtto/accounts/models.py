"""Areas, their teams, courts and providers, targets and budgets; users and their roles."""

from __future__ import annotations

from decimal import Decimal

from django.contrib.auth.models import AbstractUser
from django.db import models


class Area(models.Model):
    """One of the 42 probation areas of England and Wales."""

    code = models.SlugField(max_length=40, unique=True)
    name = models.CharField(max_length=100, unique=True)
    region = models.CharField(max_length=60, blank=True)
    # Administrators always need one (accounts/second_factor.py); an area may ask it of all.
    requires_second_factor = models.BooleanField(
        default=False,
        help_text="Everyone in this area must sign in with a code from an authenticator app.",
    )

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class DrugActionTeam(models.Model):
    """Commissions treatment for an area (1.6 of the source); an area may have several."""

    area = models.ForeignKey(Area, on_delete=models.PROTECT, related_name="drug_action_teams")
    name = models.CharField(max_length=100)

    class Meta:
        ordering = ["area__name", "name"]
        constraints = [models.UniqueConstraint(fields=["area", "name"], name="dat_unique_name")]

    def __str__(self) -> str:
        return self.name


class Team(models.Model):
    """A DTTO team within an area; case managers belong to one."""

    area = models.ForeignKey(Area, on_delete=models.PROTECT, related_name="teams")
    code = models.SlugField(max_length=40, unique=True)
    name = models.CharField(max_length=100)

    class Meta:
        ordering = ["area__name", "name"]

    def __str__(self) -> str:
        return self.name


class Court(models.Model):
    class Kind(models.TextChoices):
        MAGISTRATES = "magistrates", "Magistrates' court"
        CROWN = "crown", "Crown Court"

    area = models.ForeignKey(Area, on_delete=models.PROTECT, related_name="courts")
    code = models.SlugField(max_length=40, unique=True)
    name = models.CharField(max_length=100)
    kind = models.CharField(max_length=20, choices=Kind.choices)

    class Meta:
        ordering = ["area__name", "name"]

    def __str__(self) -> str:
        return self.name


class TreatmentProvider(models.Model):
    class Sector(models.TextChoices):
        PROBATION = "probation", "Probation"
        NHS = "nhs", "NHS"
        VOLUNTARY = "voluntary", "Voluntary sector"

    area = models.ForeignKey(Area, on_delete=models.PROTECT, related_name="treatment_providers")
    code = models.SlugField(max_length=40, unique=True)
    name = models.CharField(max_length=100)
    sector = models.CharField(max_length=20, choices=Sector.choices)

    class Meta:
        ordering = ["area__name", "name"]

    def __str__(self) -> str:
        return self.name


class AreaTarget(models.Model):
    """Commencements an area is asked to achieve in a financial year (1.10, 2.4)."""

    area = models.ForeignKey(Area, on_delete=models.PROTECT, related_name="targets")
    # The financial year by the calendar year it starts in: 2002 is April 2002 - March 2003.
    financial_year = models.PositiveSmallIntegerField()
    intensity = models.CharField(max_length=10, choices=[("higher", "Higher"), ("lower", "Lower")])
    commencements = models.PositiveIntegerField()

    class Meta:
        ordering = ["area__name", "financial_year", "intensity"]
        constraints = [
            models.UniqueConstraint(
                fields=["area", "financial_year", "intensity"], name="target_unique_year"
            )
        ]

    def __str__(self) -> str:
        return f"{self.area} {self.financial_year}-{self.financial_year + 1 - 2000:02d} {self.intensity}"


class AreaBudget(models.Model):
    """What an area spends on the Order in a financial year, in pounds (3.32, Figure 24)."""

    area = models.ForeignKey(Area, on_delete=models.PROTECT, related_name="budgets")
    financial_year = models.PositiveSmallIntegerField()
    supervision = models.DecimalField(max_digits=12, decimal_places=2)
    treatment = models.DecimalField(max_digits=12, decimal_places=2)
    testing = models.DecimalField(max_digits=12, decimal_places=2)
    custody_day_cost = models.DecimalField(
        max_digits=8, decimal_places=2, help_text="Cost of a day in custody, for comparison."
    )

    class Meta:
        ordering = ["area__name", "financial_year"]
        constraints = [
            models.UniqueConstraint(fields=["area", "financial_year"], name="budget_unique_year")
        ]

    def __str__(self) -> str:
        return f"{self.area} {self.financial_year}"

    @property
    def total(self) -> Decimal:
        return self.supervision + self.treatment + self.testing


class AreaSpending(models.Model):
    """What an area actually spent on the Order in a financial year under one heading, in
    pounds (3.32-3.33, Appendix 1 standard 5); beside the budget, not instead of it."""

    class Heading(models.TextChoices):
        # SPENDING_HEADINGS in dtto.standards.validation.
        SUPERVISION = "supervision", "Supervision"
        TREATMENT = "treatment", "Treatment"
        TESTING = "testing", "Drug testing"
        ENFORCEMENT = "enforcement", "Enforcement (breach and review hearings)"
        OTHER = "other", "Other"

    area = models.ForeignKey(Area, on_delete=models.PROTECT, related_name="spending")
    financial_year = models.PositiveSmallIntegerField()
    heading = models.CharField(max_length=20, choices=Heading.choices)
    amount = models.DecimalField(max_digits=12, decimal_places=2)

    class Meta:
        ordering = ["area__name", "financial_year", "heading"]
        constraints = [
            models.UniqueConstraint(
                fields=["area", "financial_year", "heading"], name="spending_unique_heading"
            )
        ]

    def __str__(self) -> str:
        return f"{self.area} {self.financial_year} {self.heading}"


class Role(models.TextChoices):
    CASE_MANAGER = "case_manager", "Case manager"
    TREATMENT_WORKER = "treatment_worker", "Treatment worker"
    COURT_USER = "court_user", "Court user"
    AREA_MANAGER = "area_manager", "Area manager"
    NATIONAL_ANALYST = "national_analyst", "National analyst"
    # A Drug Action Team's commissioner (1.6, 2.4-2.8): its area's reports and its treatment
    # providers' activity, never a person's record.
    COMMISSIONER = "commissioner", "Drug Action Team commissioner"
    ADMINISTRATOR = "administrator", "Administrator"


class User(AbstractUser):
    """A person who signs in. What they see is decided by role and area (permissions.py)."""

    role = models.CharField(max_length=20, choices=Role.choices, default=Role.CASE_MANAGER)
    area = models.ForeignKey(
        Area, null=True, blank=True, on_delete=models.PROTECT, related_name="users"
    )
    team = models.ForeignKey(
        Team, null=True, blank=True, on_delete=models.PROTECT, related_name="members"
    )
    court = models.ForeignKey(
        Court, null=True, blank=True, on_delete=models.PROTECT, related_name="users"
    )
    treatment_provider = models.ForeignKey(
        TreatmentProvider, null=True, blank=True, on_delete=models.PROTECT, related_name="workers"
    )


class SignInAttempt(models.Model):
    """A failed sign-in, kept for a while to slow down guessing (accounts/signin.py)."""

    username = models.CharField(max_length=150)
    ip_address = models.CharField(max_length=45)
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes = [models.Index(fields=["username", "ip_address", "at"])]

    def __str__(self) -> str:
        return f"{self.username} from {self.ip_address} at {self.at:%Y-%m-%d %H:%M:%S}"


class SignedInSession(models.Model):
    """One signed-in browser session, so that a user can see and end theirs (accounts/sessions.py).

    The session's key is kept only as a hash: this table is never a way in.
    """

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="signed_in_sessions")
    key_hash = models.CharField(max_length=64, unique=True)
    signed_in_at = models.DateTimeField()
    last_seen = models.DateTimeField()
    address = models.CharField(max_length=45, blank=True)
    user_agent = models.CharField(max_length=100, blank=True)
    ended_at = models.DateTimeField(null=True, blank=True)
    ended_by = models.CharField(max_length=150, blank=True)

    class Meta:
        ordering = ["-last_seen"]
        indexes = [models.Index(fields=["user", "ended_at"])]

    def __str__(self) -> str:
        return f"{self.user} since {self.signed_in_at:%Y-%m-%d %H:%M}"
