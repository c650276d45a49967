"""Work queues: what needs doing today, for one person or a team.

Every "due", "met" and "overdue" comes from the National Standard engine's findings
(``dtto.standards.engine``), evaluated for the Orders in the queue in one batch; this module
only sorts the findings into the work they ask for and says where it is done.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db.models import Q, QuerySet
from django.urls import reverse

from dtto.cases.models import (
    Appointment,
    Breach,
    Case,
    DrugTest,
    DrugTestResult,
    Order,
    ReviewReport,
)
from dtto.cases.timeline import timelines_for_orders
from dtto.lib.dates import long_date
from dtto.scheduling.queries import draws_calling_on
from dtto.standards.engine import Evaluation, WeekSummary, evaluate
from dtto.standards.rules import ASSESSMENT_DEADLINE, RULE_SETS_BY_ID

REVIEW_LOOKAHEAD = dt.timedelta(days=21)
ENDING_LOOKAHEAD = dt.timedelta(days=28)
MISSED_REVIEW_LOOKBACK = dt.timedelta(days=56)

# The queue sections, in the order they are shown, with who works them.
SECTIONS: tuple[tuple[str, str], ...] = (
    ("assessments", "Assessments due"),
    ("first_appointments", "First appointments due"),
    ("called", "Drug tests called for today"),
    ("tests", "Drug tests due this week"),
    ("contact", "Contact hours short this week"),
    ("outcomes", "Attendance outcomes not recorded"),
    ("confirmations", "Positive tests awaiting laboratory confirmation"),
    ("failures", "Unacceptable failures awaiting a decision"),
    ("breach_required", "Breach action required"),
    ("reviews", "Court reviews and review reports due"),
    ("provider_views", "Review reports waiting for the treatment provider's view"),
    ("breaches", "Breaches awaiting the court's decision"),
    ("warrants", "Warrants outstanding"),
    ("ending", "Orders ending soon"),
)
CASE_MANAGER_SECTIONS = frozenset(s for s, _ in SECTIONS) - {"provider_views"}
TREATMENT_SECTIONS = frozenset(
    {"first_appointments", "tests", "contact", "outcomes", "confirmations", "provider_views"}
)
COURT_SECTIONS = frozenset({"reviews", "breaches", "warrants"})


@dataclass(frozen=True)
class QueueItem:
    reference: str
    name: str
    what: str
    due: dt.date | None
    overdue: bool
    url: str
    action: str
    # The recording action (permissions.RECORDING_ACTIONS) the link's page records, or None
    # when it is a page to read: the link is offered only to a user who may record it.
    needs: str | None


@dataclass
class QueueSection:
    key: str
    title: str
    items: list[QueueItem] = field(default_factory=list)


@dataclass
class Queue:
    today: dt.date
    sections: list[QueueSection]
    orders: int

    @property
    def total(self) -> int:
        return sum(len(s.items) for s in self.sections)

    @property
    def overdue(self) -> int:
        return sum(1 for s in self.sections for i in s.items if i.overdue)

    @property
    def groups(self) -> list[QueueGroup]:
        """Every item by urgency: overdue, due today, due this week, then later or undated."""
        groups = {key: QueueGroup(key, title, []) for key, title in GROUPS}
        # A case's page once for all its items (a queue may hold a hundred on a few cases).
        case_urls: dict[str, str] = {}
        for section in self.sections:
            for item in section.items:
                if item.reference not in case_urls:
                    case_urls[item.reference] = _case_url(item.reference)
                groups[_group_of(item, self.today)].items.append(
                    GroupedItem(
                        item,
                        section.title,
                        due_words(item, self.today),
                        case_urls[item.reference],
                    )
                )
        for group in groups.values():
            group.items.sort(key=lambda g: (_urgency(g.item), g.kind))
        return list(groups.values())


# The queue's groups, most urgent first (issue 11: what is overdue leads the page).
GROUPS: tuple[tuple[str, str], ...] = (
    ("overdue", "Overdue"),
    ("today", "Due today"),
    ("week", "Due in the next 7 days"),
    ("later", "Later or with no deadline"),
)
WEEK_AHEAD = dt.timedelta(days=7)


@dataclass(frozen=True)
class GroupedItem:
    item: QueueItem
    kind: str  # the section's title: what sort of work it is
    when: str  # by when, in words
    case_url: str  # the case page


@dataclass
class QueueGroup:
    key: str
    title: str
    items: list[GroupedItem]


def _group_of(item: QueueItem, today: dt.date) -> str:
    if item.overdue:
        return "overdue"
    if item.due is None:
        return "later"
    if item.due <= today:
        return "today"
    return "week" if item.due <= today + WEEK_AHEAD else "later"


def _days(n: int) -> str:
    return f"{n} day{'s' if n != 1 else ''}"


def due_words(item: QueueItem, today: dt.date) -> str:
    """By when, as a person says it: "2 days overdue", "due today", "due by 4 December 2026"."""
    if item.due is None:
        return "overdue" if item.overdue else ""
    if item.overdue:
        late = (today - item.due).days
        return f"{_days(late)} overdue" if late > 0 else f"overdue since {long_date(item.due)}"
    if item.due == today:
        return "due today"
    if item.due == today + dt.timedelta(days=1):
        return "due tomorrow"
    return f"due by {long_date(item.due)}"


def _case_url(reference: str, name: str = "cases:detail", **kwargs: object) -> str:
    return reverse(name, kwargs={"reference": reference, **kwargs})


def current_week_end(order_made_on: dt.date, today: dt.date) -> dt.date:
    """The last day of the Order week that contains ``today`` (weeks start on made_on)."""
    return today + dt.timedelta(days=6 - (today - order_made_on).days % 7)


def this_week(
    order: Order, today: dt.date, evaluation: Evaluation | None = None
) -> WeekSummary | None:
    """The engine's summary of the current Order week, counting what is arranged in it.

    The engine judges complete weeks, so it is asked as of the week's last day: appointments
    already arranged for the rest of the week count, tests count as they are recorded.
    """
    if evaluation is None:
        timeline = timelines_for_orders([order.pk])[order.pk]
        evaluation = evaluate(timeline, current_week_end(order.made_on, today))
    return next((w for w in evaluation.weeks if w.starts_on <= today <= w.ends_on), None)


def running(today: dt.date) -> Q:
    """Orders made, not terminated, and still within their term (its last day is today or later)."""
    return Q(terminated_on=None, made_on__lte=today, natural_end_on__gt=today)


def past_term(today: dt.date) -> Q:
    """Orders whose term has ended with no termination recorded (see :func:`past_term_orders`)."""
    return Q(terminated_on=None, natural_end_on__lte=today)


def running_orders(orders: QuerySet[Order], today: dt.date) -> QuerySet[Order]:
    """These Orders that are running today (:func:`running`)."""
    return orders.filter(running(today))


def past_term_orders(orders: QuerySet[Order], today: dt.date) -> QuerySet[Order]:
    """Orders whose term has ended with no termination recorded: only that is asked for.

    Their appointments, failures, reviews and breaches are history, not today's work (an
    imported or simulated Order left open at the end of its data would otherwise fill the
    queue with years-old items).
    """
    return orders.filter(past_term(today))


def build_queue(
    orders: QuerySet[Order],
    today: dt.date,
    *,
    sections: Iterable[str] = CASE_MANAGER_SECTIONS,
    cases: QuerySet[Case] | None = None,
) -> Queue:
    """The work on these Orders (and, for assessments, these cases) as of ``today``."""
    wanted = set(sections)
    runs = list(
        running_orders(orders, today).select_related("case", "case__person").order_by("made_on")
    )
    timelines = timelines_for_orders([o.pk for o in runs])
    judged = {
        o.pk: Judged(
            evaluate(timelines[o.pk], today),
            evaluate(timelines[o.pk], current_week_end(o.made_on, today)),
        )
        for o in runs
    }
    ended = (
        list(past_term_orders(orders, today).select_related("case", "case__person"))
        if "ending" in wanted
        else []
    )
    return queue_of(runs, judged, today, sections=wanted, cases=cases, ended=ended)


@dataclass(frozen=True)
class Judged:
    """A running Order's findings as of today, and as of the last day of its current week."""

    now: Evaluation
    week: Evaluation


def queue_of(
    runs: list[Order],
    judged: dict[int, Judged],
    today: dt.date,
    *,
    sections: Iterable[str],
    cases: QuerySet[Case] | None,
    ended: Iterable[Order],
    reports: dict[int, dict[dt.date, ReviewReport]] | None = None,
) -> Queue:
    """The work on these running Orders, judged already (the case page has its Order's
    findings at hand), on these Orders past their term and, for assessments, these cases.

    Each Order comes with its case and person; ``reports``, each running Order's review
    reports by the review they are for, are read here unless given.
    """
    wanted = set(sections)
    by_id = {o.pk: o for o in runs}
    now = {pk: j.now for pk, j in judged.items()}
    week = {pk: j.week for pk, j in judged.items()}
    found: dict[str, list[QueueItem]] = {key: [] for key, _ in SECTIONS}
    if reports is None:
        reports = _review_reports(list(by_id)) if "reviews" in wanted else {}
    if "assessments" in wanted and cases is not None:
        found["assessments"] = _assessments(cases, today)
    for order in runs:
        ref, name = order.case.reference, order.case.person.name
        ev = now[order.pk]
        if "first_appointments" in wanted:
            found["first_appointments"] += _first_appointments(order, ev, week[order.pk], wanted)
        current = this_week(order, today, week[order.pk])
        if current is not None and not current.excluded:
            if "tests" in wanted and current.tests < current.tests_required:
                found["tests"].append(
                    QueueItem(
                        ref,
                        name,
                        f"Record drug tests: {current.tests} of {current.tests_required} "
                        f"done this week (week {current.week})",
                        current.ends_on,
                        False,
                        _case_url(ref, "cases:test-new"),
                        "Record a test",
                        "test",
                    )
                )
            if "contact" in wanted and current.contact_met is False:
                days = (
                    f", {current.contact_days} of {current.contact_days_required} days"
                    if current.contact_days_required
                    else ""
                )
                found["contact"].append(
                    QueueItem(
                        ref,
                        name,
                        f"Arrange contact: {current.hours:g} of {current.hours_required:g} hours "
                        f"arranged{days} this week (week {current.week})",
                        current.ends_on,
                        False,
                        _case_url(ref, "cases:appointment-new"),
                        "Arrange an appointment",
                        "appointment",
                    )
                )
        _enforcement(order, ev, today, wanted, found)
        if "reviews" in wanted:
            found["reviews"] += _reviews(order, ev, today, reports.get(order.pk, {}))
        if "ending" in wanted:
            found["ending"] += _ending(order, today)
    if "ending" in wanted:
        for order in ended:
            found["ending"] += _ending(order, today)
    if "called" in wanted:
        found["called"] = _called_today(by_id, today)
    if "outcomes" in wanted:
        only = "treatment" if "provider_views" in wanted else None
        found["outcomes"] = _outcomes(by_id, today, only)
    if "confirmations" in wanted:
        found["confirmations"] = _confirmations(by_id)
    if "provider_views" in wanted:
        found["provider_views"] = _provider_views(by_id)
    if "breaches" in wanted or "warrants" in wanted:
        _breaches(list(by_id), wanted, found)
    result = [
        QueueSection(key, title, sorted(found[key], key=_urgency))
        for key, title in SECTIONS
        if key in wanted
    ]
    return Queue(today, result, len(runs))


def _urgency(item: QueueItem) -> tuple[bool, dt.date, str]:
    return (not item.overdue, item.due or dt.date.max, item.reference)


def _assessments(cases: QuerySet[Case], today: dt.date) -> list[QueueItem]:
    pending = (
        cases.filter(order=None)
        .filter(
            Q(assessment=None) | Q(assessment__completed_on=None, assessment__outcome="suitable")
        )
        .select_related("person")
    )
    items = []
    for case in pending:
        # An assessment within the pre-sentence report has no deadline of its own, but dtto
        # does not record which are: every pending one shows the deadline for those that are not.
        due = ASSESSMENT_DEADLINE.due_by(case.referred_on)
        items.append(
            QueueItem(
                case.reference,
                case.person.name,
                f"Record the assessment of suitability (referred on {long_date(case.referred_on)})",
                due,
                due < today,
                _case_url(case.reference, "cases:assessment"),
                "Record the assessment",
                "assessment",
            )
        )
    return items


def _first_appointments(
    order: Order, ev: Evaluation, ahead: Evaluation, wanted: set[str]
) -> list[QueueItem]:
    """First appointments not yet held, unless one is already arranged in time.

    ``ahead`` is the evaluation to the end of this week, which sees appointments arranged
    for the coming days; ``ev`` (as of today) does not.
    """
    ref, name = order.case.reference, order.case.person.name
    items = []
    findings = [("treatment", ev.first_treatment_appointment, ahead.first_treatment_appointment)]
    if "provider_views" not in wanted:  # not a treatment worker's queue
        findings.insert(
            0, ("probation", ev.first_probation_appointment, ahead.first_probation_appointment)
        )
    for with_, finding, planned in findings:
        arranged_in_time = planned.on is not None and planned.on <= planned.due_by
        if finding.on is None and finding.met is not True and not arranged_in_time:
            items.append(
                QueueItem(
                    ref,
                    name,
                    f"Arrange the first {with_} appointment",
                    finding.due_by,
                    finding.met is False,
                    _case_url(ref, "cases:appointment-new") + f"?with_whom={with_}",
                    "Arrange it",
                    "appointment",
                )
            )
    return items


def _enforcement(
    order: Order,
    ev: Evaluation,
    today: dt.date,
    wanted: set[str],
    found: dict[str, list[QueueItem]],
) -> None:
    ref, name = order.case.reference, order.case.person.name
    window = RULE_SETS_BY_ID[ev.rule_set].failure_window_months
    for failure in ev.failures:
        if failure.met is True:
            continue
        if failure.required == "breach":
            key, what, action, url, needs = (
                "breach_required",
                f"Take breach action: unacceptable failure number {failure.number} in "
                f"{window} months, on {long_date(failure.on)}",
                "Instigate breach action",
                _case_url(ref, "cases:breach-new") + f"?failure={failure.on.isoformat()}",
                "breach",
            )
        else:
            key, what, action, url, needs = (
                "failures",
                f"Give a formal warning or take breach action for the unacceptable failure "
                f"on {long_date(failure.on)}",
                "Decide",
                _case_url(ref, "cases:warning-new") + f"?failure={failure.on.isoformat()}",
                "warning",
            )
        if key in wanted:
            found[key].append(
                QueueItem(
                    ref, name, what, failure.deadline, failure.met is False, url, action, needs
                )
            )


def _review_reports(order_ids: list[int]) -> dict[int, dict[dt.date, ReviewReport]]:
    """Each Order's review reports by the review they are for: one query for the queue."""
    reports: dict[int, dict[dt.date, ReviewReport]] = defaultdict(dict)
    for report in (
        ReviewReport.objects.filter(order_id__in=order_ids)
        .only("order_id", "review_due", "status")
        .order_by()
    ):
        reports[report.order_id][report.review_due] = report
    return reports


def _reviews(
    order: Order, ev: Evaluation, today: dt.date, reports: dict[dt.date, ReviewReport]
) -> list[QueueItem]:
    ref, name = order.case.reference, order.case.person.name
    items = []
    for review in ev.reviews:
        if review.held_on is not None:
            continue
        if review.met is False and review.due < today - MISSED_REVIEW_LOOKBACK:
            continue
        if review.met is None and review.window_from > today + REVIEW_LOOKAHEAD:
            continue
        report = reports.get(review.due)
        state = (
            "no report yet" if report is None else f"report {report.get_status_display().lower()}"
        )
        items.append(
            QueueItem(
                ref,
                name,
                f"Prepare for the court review due {long_date(review.due)} ({state})",
                review.window_to,
                review.met is False,
                _case_url(ref, "cases:review-report", due=review.due.isoformat()),
                "Open the review report",
                None,
            )
        )
    return items


def _ending(order: Order, today: dt.date) -> list[QueueItem]:
    ref, name = order.case.reference, order.case.person.name
    last = order.natural_end_on - dt.timedelta(days=1)
    if last < today:
        what, overdue = f"Record the termination: the Order's term ended on {long_date(last)}", True
    elif last <= today + ENDING_LOOKAHEAD:
        what, overdue = f"Arrange onward treatment: the Order ends on {long_date(last)}", False
    else:
        return []
    return [
        QueueItem(
            ref,
            name,
            what,
            last,
            overdue,
            _case_url(ref, "cases:terminate"),
            "Terminate",
            "termination",
        )
    ]


def _called_today(by_id: dict[int, Order], today: dt.date) -> list[QueueItem]:
    """People the week's draw calls for a test today, until a test is recorded for today.

    A call-in not answered is not a failure by itself: only a person recording it as one
    (a refusal, or an unacceptable absence) makes it so.
    """
    called = draws_calling_on(today, by_id)
    tested = set(
        DrugTest.objects.filter(order_id__in=list(called), on=today).values_list(
            "order_id", flat=True
        )
    )
    items = []
    for order_id, draw in called.items():
        if order_id in tested:
            continue
        order = by_id[order_id]
        ref = order.case.reference
        items.append(
            QueueItem(
                ref,
                order.case.person.name,
                f"Record the drug test called for today (week {draw.week})",
                today,
                False,
                _case_url(ref, "cases:test-new"),
                "Record a test",
                "test",
            )
        )
    return items


def _outcomes(by_id: dict[int, Order], today: dt.date, only: str | None) -> list[QueueItem]:
    appointments = Appointment.objects.filter(order_id__in=list(by_id), on__lte=today).filter(
        Q(outcome=None) | Q(outcome__meaning="not_recorded")
    )
    if only:
        appointments = appointments.filter(with_whom=only)
    items = []
    for a in appointments.order_by("on"):
        order = by_id[a.order_id]
        ref = order.case.reference
        items.append(
            QueueItem(
                ref,
                order.case.person.name,
                f"Record the outcome of the {a.get_with_whom_display().lower()} appointment "
                f"on {long_date(a.on)}",
                a.on,
                a.on < today,
                reverse("cases:attendance", kwargs={"reference": ref, "pk": a.pk}),
                "Record the outcome",
                "attendance",
            )
        )
    return items


def _confirmations(by_id: dict[int, Order]) -> list[QueueItem]:
    """Positive results sent to the laboratory with no answer recorded yet.

    The Standard asks for laboratory confirmation unless the person admits use (Figure 21);
    it sets no deadline, so these have none.
    """
    # Plain values, not three model instances a result: a queue may hold a hundred of them.
    awaiting = (
        DrugTestResult.objects.filter(
            test__order_id__in=list(by_id),
            test__outcome=DrugTest.Outcome.SAMPLE,
            result=DrugTestResult.Result.POSITIVE,
            confirmed=None,
        )
        .order_by("test__on", "id")
        .values_list("pk", "test__order_id", "test__on", "substance__label")
    )
    items = []
    for pk, order_id, on, substance in awaiting:
        order = by_id[order_id]
        ref = order.case.reference
        items.append(
            QueueItem(
                ref,
                order.case.person.name,
                f"Record the laboratory result of the test positive for "
                f"{substance.lower()} on {long_date(on)}",
                None,
                False,
                reverse("cases:confirm-result", kwargs={"reference": ref, "pk": pk}),
                "Record the laboratory result",
                "test_confirmation",
            )
        )
    return items


def _provider_views(by_id: dict[int, Order]) -> list[QueueItem]:
    drafts = ReviewReport.objects.filter(
        order_id__in=list(by_id), status=ReviewReport.Status.DRAFT, provider_view=""
    )
    items = []
    for report in drafts:
        order = by_id[report.order_id]
        ref = order.case.reference
        items.append(
            QueueItem(
                ref,
                order.case.person.name,
                f"Add the treatment provider's view to the report for the review due "
                f"{long_date(report.review_due)}",
                report.review_due,
                False,
                _case_url(ref, "cases:review-report", due=report.review_due.isoformat()),
                "Add your view",
                None,
            )
        )
    return items


def _breaches(order_ids: list[int], wanted: set[str], found: dict[str, list[QueueItem]]) -> None:
    breaches = Breach.objects.filter(order_id__in=order_ids).select_related("order__case__person")
    for breach in breaches.filter(
        Q(decided_on=None) | Q(warrant_issued_on__isnull=False, warrant_executed_on=None)
    ):
        ref = breach.order.case.reference
        name = breach.order.case.person.name
        url = reverse("cases:breach", kwargs={"reference": ref, "pk": breach.pk})
        if "breaches" in wanted and breach.decided_on is None:
            found["breaches"].append(
                QueueItem(
                    ref,
                    name,
                    f"Record the court's decision on the breach instigated on "
                    f"{long_date(breach.on)}",
                    None,
                    False,
                    url,
                    "Record the hearing or decision",
                    "breach_decision",
                )
            )
        if (
            "warrants" in wanted
            and breach.warrant_issued_on is not None
            and breach.warrant_executed_on is None
        ):
            found["warrants"].append(
                QueueItem(
                    ref,
                    name,
                    f"Record the execution of the warrant issued on "
                    f"{long_date(breach.warrant_issued_on)}",
                    None,
                    True,
                    url,
                    "Record its execution",
                    "warrant",
                )
            )
