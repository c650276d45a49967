"""Per-Order summaries that the reports aggregate in the database.

Reports never walk events on a request. Each Order has one ``OrderSummary`` row (its
commencement, end, termination, the people facts reports group by, and the day each compliance
measure was first judged and first missed), one ``OrderFinding`` row per National Standard
finding with the day it became final, and one ``OrderMonthSummary`` row per month of the Order
in which drug tests were taken. All are rewritten by
:func:`dtto.reports.summaries.refresh_summaries` whenever the cases app sends
``orders_changed``, for the whole record of the Order: nothing in them depends on the day they
were written, so a report as of any day reads them as they are (docs/reports.md, "As of a
day").

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
    # The engine's judgement of the termination, final on ``ended_on``: completed or early
    # good progress and not in breach (3.3).
    successful = models.BooleanField(null=True)
    in_breach = models.BooleanField(null=True)
    # The person at referral (recommendation ii: monitoring at every stage).
    sex = models.CharField(max_length=10)
    ethnic_group = models.CharField(max_length=100)
    age_band = models.CharField(max_length=10)

    # Each compliance measure of the Order folded from its dated findings (``OrderFinding``):
    # ``<measure>_judged_day``, the day its first finding became final, and
    # ``<measure>_missed_day``, the day its first missed finding did (None: none yet, or
    # never). As of day D the measure is judged when judged_day <= D, and met when it is
    # judged and missed_day is None or after D: "every finding final by D was met"
    # (docs/reports.md), read from this one row instead of the Order's findings.
    first_probation_1wd_judged_day = models.IntegerField(null=True)
    first_probation_1wd_missed_day = models.IntegerField(null=True)
    first_treatment_2wd_judged_day = models.IntegerField(null=True)
    first_treatment_2wd_missed_day = models.IntegerField(null=True)
    contact_phase1_judged_day = models.IntegerField(null=True)
    contact_phase1_missed_day = models.IntegerField(null=True)
    contact_phase2_judged_day = models.IntegerField(null=True)
    contact_phase2_missed_day = models.IntegerField(null=True)
    tests_phase1_judged_day = models.IntegerField(null=True)
    tests_phase1_missed_day = models.IntegerField(null=True)
    tests_phase2_judged_day = models.IntegerField(null=True)
    tests_phase2_missed_day = models.IntegerField(null=True)
    reviews_judged_day = models.IntegerField(null=True)
    reviews_missed_day = models.IntegerField(null=True)
    enforcement_judged_day = models.IntegerField(null=True)
    enforcement_missed_day = models.IntegerField(null=True)
    # The day the Order's last finding becomes final, and its findings counted by week, review
    # and failure over the whole record (``<count>_judged``, ``<count>_met``, the names of
    # ``summaries.EVENT_COUNTS``). A report as of a day on or after ``findings_final_day``
    # adds these up instead of the Order's ``OrderFinding`` rows: the same numbers, read from
    # one row (docs/reports.md, "As of a day").
    findings_final_day = models.IntegerField(null=True)
    contact_weeks_phase1_judged = models.PositiveIntegerField(default=0)
    contact_weeks_phase1_met = models.PositiveIntegerField(default=0)
    contact_weeks_phase2_judged = models.PositiveIntegerField(default=0)
    contact_weeks_phase2_met = models.PositiveIntegerField(default=0)
    test_weeks_phase1_judged = models.PositiveIntegerField(default=0)
    test_weeks_phase1_met = models.PositiveIntegerField(default=0)
    test_weeks_phase2_judged = models.PositiveIntegerField(default=0)
    test_weeks_phase2_met = models.PositiveIntegerField(default=0)
    reviews_held_judged = models.PositiveIntegerField(default=0)
    reviews_held_met = models.PositiveIntegerField(default=0)
    failures_actioned_judged = models.PositiveIntegerField(default=0)
    failures_actioned_met = models.PositiveIntegerField(default=0)
    # A digest of the Order's share of ``ContactHoursRollup`` (its attended hours and
    # appointments by calendar month and activity: ``contact_rollup.contact_digest``), so that
    # a re-judge rebuilds that rollup only for Orders whose share changed (decision 0015).
    contact_digest = models.BigIntegerField(default=0)

    class Meta:
        indexes = [
            models.Index(fields=["area_id", "made_on"]),
            models.Index(fields=["area_id", "ended_on"]),
        ]

    def __str__(self) -> str:
        return f"summary of Order {self.pk}"


class OrderFinding(models.Model):
    """One National Standard finding of an Order and the day it became final.

    Written from :func:`dtto.standards.findings.dated_findings` for the whole record of the
    Order whenever it changes: a finding final after today is stored now and counted by a
    report as of a day on or after its ``final_day`` (docs/reports.md, "As of a day").
    ``kind`` is one of ``dtto.standards.findings.FINDING_KINDS`` except the termination,
    which is the summary's ``ended_on`` and ``successful``.
    """

    summary = models.ForeignKey(OrderSummary, on_delete=models.CASCADE, related_name="findings")
    kind = models.CharField(max_length=20)
    phase = models.PositiveSmallIntegerField()  # 1 or 2 for weeks, 0 otherwise
    number = models.PositiveIntegerField()  # the week, the due date's or failure's place
    met = models.BooleanField()
    final_on = models.DateField()
    final_day = models.IntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["summary", "kind", "number"], name="order_finding_unique"
            )
        ]
        indexes = [models.Index(fields=["kind", "final_day"])]

    def __str__(self) -> str:
        return f"Order {self.summary_id} {self.kind} {self.number}"


class OrderMonthSummary(models.Model):
    """Drug tests in one month of one Order (month 1 starts on the day the Order was made)."""

    summary = models.ForeignKey(OrderSummary, on_delete=models.CASCADE, related_name="months")
    month = models.PositiveSmallIntegerField()
    # The month's last day: a report as of D counts the month once it has ended by D.
    ends_day = models.IntegerField()
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


class ContactHoursRollup(models.Model):
    """Attended appointments of an area's Orders made in one calendar month, by the calendar
    month they were attended in and their activity: hours and appointments.

    What the national and area contact hours add up instead of every attended appointment
    (docs/reports.md, "Contact hours by activity"). Keyed, like ``DrugTestRollup``, by the
    month the Orders were made, so a refresh rewrites only the (area, month made) pairs of the
    Orders it judged: a handful of Orders each, not a month of the whole country.
    """

    area_id = models.IntegerField()
    made_month = models.CharField(max_length=7)  # "YYYY-MM", the month the Orders were made
    month = models.IntegerField()  # the appointments' month: year * 12 + month - 1
    activity = models.CharField(max_length=20, blank=True)  # "" when none was recorded
    hours = models.DecimalField(max_digits=12, decimal_places=2)
    appointments = models.PositiveIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["area_id", "made_month", "month", "activity"],
                name="contact_hours_rollup_unique",
            )
        ]

    def __str__(self) -> str:
        return f"area {self.area_id}, Orders made {self.made_month}, month {self.month}"


class OrderActivityMonths(models.Model):
    """The calendar months in which an Order had an attended appointment of one activity, a
    bit a month, so that "Orders with contact of this activity in the period" is a scan of a
    few rows an Order rather than a distinct count over every appointment.

    Bit ``i`` of ``months`` stands for month ``first_month + i`` (``year * 12 + month - 1``),
    for ``i`` below :data:`dtto.reports.contact_rollup.MONTH_BITS`; an Order's appointments lie
    within its three years, so one row an activity is the rule, and a longer span gets another
    row. ``activity`` is "" for appointments with none recorded and "*" for any activity.
    Rewritten with the Order's summary.
    """

    summary = models.ForeignKey(
        OrderSummary, on_delete=models.CASCADE, related_name="activity_months"
    )
    activity = models.CharField(max_length=20, blank=True)
    first_month = models.IntegerField()
    months = models.BigIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["summary", "activity", "first_month"], name="order_activity_months_unique"
            )
        ]

    def __str__(self) -> str:
        return f"Order {self.summary_id}, {self.activity or 'no activity'} from {self.first_month}"


class ReferralSummary(models.Model):
    """One row per referral (case): what the referral funnel and "who is reached" count.

    The assessment's outcome and reason, whether an Order was made (and its team and court,
    for team and court scopes) and the person's age band, sex and ethnic group at referral,
    so those measures scan one narrow table instead of joining cases, people, assessments
    and Orders. Kept by :mod:`dtto.reports.summaries`: rewritten with the Order's summary on
    ``orders_changed``, on saving a case, assessment or person, and for every case a
    ``dtto import`` writes (``referrals_changed``).
    """

    case = models.OneToOneField(
        Case, primary_key=True, on_delete=models.CASCADE, related_name="referral_summary"
    )
    area_id = models.IntegerField()
    team_id = models.IntegerField(null=True)
    court_id = models.IntegerField(null=True)
    referred_on = models.DateField()
    referred_day = models.IntegerField()
    # The day the assessment's outcome was known (completed, else started, else referred) and
    # the day the Order was made (None without one): a report as of D counts each from its day.
    assessed_day = models.IntegerField(null=True)
    made_day = models.IntegerField(null=True)
    # The assessment's outcome ("" when none is recorded) and reason code ("" when none).
    outcome = models.CharField(max_length=20, blank=True)
    reason = models.CharField(max_length=40, blank=True)
    sex = models.CharField(max_length=10, blank=True)
    ethnic_group = models.CharField(max_length=100)
    age_band = models.CharField(max_length=10)

    def __str__(self) -> str:
        return f"summary of referral {self.pk}"
