"""Per-Order summaries that the reports aggregate in the database.

Reports never walk events on a request. Each Order has one ``OrderSummary`` row (its
commencement, end, termination, the people facts reports group by, and the National Standard
engine's findings folded to one value per measure plus week counts per phase), and one
``OrderMonthSummary`` row per month of the Order in which drug tests were taken. Both are
rewritten by :func:`dtto.reports.summaries.refresh_summaries` whenever the cases app sends
``orders_changed``, and for running Orders by the nightly ``dtto report --refresh``
(docs/reports.md, "How current the figures are").

Days are also kept as ordinal day numbers (``date.toordinal()``) so that durations and
overlaps are integer arithmetic that SQLite and PostgreSQL do alike.
"""

from __future__ import annotations

from django.db import models

from dtto.cases.models import Case, Order


class OrderSummary(models.Model):
    order = models.OneToOneField(
        Order, primary_key=True, on_delete=models.CASCADE, related_name="summary"
    )
    # Copied from the case so that scope filters need no join.
    area_id = models.IntegerField(db_index=True)
    team_id = models.IntegerField(null=True)
    court_id = models.IntegerField(null=True)
    intensity = models.CharField(max_length=10)
    referred_on = models.DateField()
    referred_day = models.IntegerField()
    made_on = models.DateField(db_index=True)
    made_day = models.IntegerField()
    length_months = models.PositiveSmallIntegerField()
    natural_end_on = models.DateField()
    # The last day on the Order once it has ended; None while it runs.
    ended_on = models.DateField(null=True, db_index=True)
    ended_day = models.IntegerField(null=True)
    # The last day in force: ended_day, or the natural end's eve while the Order runs.
    last_day = models.IntegerField()
    termination_reason = models.CharField(max_length=40, blank=True)
    # The engine's judgement: completed or early good progress and not in breach (3.3).
    successful = models.BooleanField(null=True)
    in_breach = models.BooleanField(null=True)
    # The person at referral (recommendation ii: monitoring at every stage).
    sex = models.CharField(max_length=10)
    ethnic_group = models.CharField(max_length=100)
    age_band = models.CharField(max_length=10)

    # National Standard findings as of ``evaluated_on``; None = not (yet) judged.
    evaluated_on = models.DateField()
    first_probation_1wd = models.BooleanField(null=True)
    first_treatment_2wd = models.BooleanField(null=True)
    contact_phase1 = models.BooleanField(null=True)
    contact_phase2 = models.BooleanField(null=True)
    tests_phase1 = models.BooleanField(null=True)
    tests_phase2 = models.BooleanField(null=True)
    reviews = models.BooleanField(null=True)
    enforcement = models.BooleanField(null=True)
    # The same findings counted by week, review and failure (the per-week summary, folded).
    weeks_phase1 = models.PositiveIntegerField(default=0)
    weeks_phase1_contact_met = models.PositiveIntegerField(default=0)
    weeks_phase1_tests_met = models.PositiveIntegerField(default=0)
    weeks_phase2 = models.PositiveIntegerField(default=0)
    weeks_phase2_contact_met = models.PositiveIntegerField(default=0)
    weeks_phase2_tests_met = models.PositiveIntegerField(default=0)
    reviews_judged = models.PositiveIntegerField(default=0)
    reviews_held = models.PositiveIntegerField(default=0)
    failures_judged = models.PositiveIntegerField(default=0)
    failures_actioned = models.PositiveIntegerField(default=0)

    class Meta:
        indexes = [
            models.Index(fields=["area_id", "made_on"]),
            models.Index(fields=["area_id", "ended_on"]),
            models.Index(fields=["evaluated_on"]),
        ]

    def __str__(self) -> str:
        return f"summary of Order {self.pk}"


class OrderMonthSummary(models.Model):
    """Drug tests in one month of one Order (month 1 starts on the day the Order was made)."""

    summary = models.ForeignKey(OrderSummary, on_delete=models.CASCADE, related_name="months")
    month = models.PositiveSmallIntegerField()
    opiate_tests = models.PositiveIntegerField(default=0)
    opiate_negative = models.PositiveIntegerField(default=0)
    cocaine_tests = models.PositiveIntegerField(default=0)
    cocaine_negative = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["summary", "month"], name="order_month_unique")
        ]
        indexes = [models.Index(fields=["month"])]

    def __str__(self) -> str:
        return f"Order {self.summary_id} month {self.month}"


class DrugTestRollup(models.Model):
    """Drug tests of an area's Orders made in one calendar month, by month on the Order.

    The sums of ``OrderMonthSummary`` over (area, month made, month on the Order): about a
    tenth of its rows, so the national drug-use figures add up thousands of rows, not
    hundreds of thousands. ``*_people`` counts Orders with a test for the drug that month,
    ``*_people_clear`` those all of whose tests for it were negative. Rebuilt for the
    (area, month made) pairs of every batch ``refresh_summaries`` writes, in its transaction.
    """

    area_id = models.IntegerField()
    made_month = models.CharField(max_length=7)  # "YYYY-MM", the month the Orders were made
    month = models.PositiveSmallIntegerField()
    opiate_tests = models.PositiveIntegerField(default=0)
    opiate_negative = models.PositiveIntegerField(default=0)
    opiate_people = models.PositiveIntegerField(default=0)
    opiate_people_clear = models.PositiveIntegerField(default=0)
    cocaine_tests = models.PositiveIntegerField(default=0)
    cocaine_negative = models.PositiveIntegerField(default=0)
    cocaine_people = models.PositiveIntegerField(default=0)
    cocaine_people_clear = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["area_id", "made_month", "month"], name="drug_test_rollup_unique"
            )
        ]

    def __str__(self) -> str:
        return f"area {self.area_id}, Orders made {self.made_month}, month {self.month}"


class ReferralSummary(models.Model):
    """One row per referral (case): what the referral funnel and "who is reached" count.

    The assessment's outcome and reason, whether an Order was made (and its team and court,
    for team and court scopes) and the person's age band, sex and ethnic group at referral,
    so those measures scan one narrow table instead of joining cases, people, assessments
    and Orders. Kept by :mod:`dtto.reports.summaries`: rewritten with the Order's summary on
    ``orders_changed``, on saving a case, assessment or person, and filled in for referrals
    that have none (a bulk import of referrals without an Order) before it is counted.
    """

    case = models.OneToOneField(
        Case, primary_key=True, on_delete=models.CASCADE, related_name="referral_summary"
    )
    area_id = models.IntegerField()
    team_id = models.IntegerField(null=True)
    court_id = models.IntegerField(null=True)
    referred_on = models.DateField()
    referred_day = models.IntegerField()
    # The assessment's outcome ("" when none is recorded) and reason code ("" when none).
    outcome = models.CharField(max_length=20, blank=True)
    reason = models.CharField(max_length=40, blank=True)
    sentenced = models.BooleanField()
    sex = models.CharField(max_length=10, blank=True)
    ethnic_group = models.CharField(max_length=100)
    age_band = models.CharField(max_length=10)

    def __str__(self) -> str:
        return f"summary of referral {self.pk}"
