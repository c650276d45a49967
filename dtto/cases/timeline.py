"""The database adapter for the National Standard engine: Orders in, ``CaseTimeline`` out.

The engine (``dtto.standards``) knows nothing of Django; this is the one place that turns
stored records into its plain dataclasses. Loading is set-based: one query per kind of
event for a whole batch of Orders, never a query per Order, read as plain rows
(:class:`dtto.standards.judging.OrderRecord`) that :func:`dtto.standards.judging.timeline_of`
turns into the engine's timeline, here or in a worker process.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.db.models import Q

from dtto.cases.models import (
    Appointment,
    Breach,
    Code,
    ContactLevelChange,
    CourtReview,
    DrugTest,
    DrugTestResult,
    FormalWarning,
    Order,
    Suspension,
    Termination,
)
from dtto.lib.bulk import plain_rows
from dtto.lib.dates import long_date
from dtto.standards import timeline as tl
from dtto.standards.engine import Evaluation, evaluate
from dtto.standards.judging import OrderRecord, timeline_of


def _meanings() -> tuple[dict[int, str], dict[int, str]]:
    """Code id -> the engine's word for it, and code id -> code, for the whole table."""
    meanings: dict[int, str] = {}
    codes: dict[int, str] = {}
    for pk, code, meaning in Code.objects.values_list("pk", "code", "meaning"):
        meanings[pk] = meaning
        codes[pk] = code
    return meanings, codes


def records_for_orders(order_ids: Sequence[int]) -> dict[int, OrderRecord]:
    """Each of these Orders' stored records as plain values, keyed by Order id: one query per
    kind of event for the whole batch, never a query per Order."""
    if not order_ids:
        return {}
    meanings, codes = _meanings()
    ids = list(order_ids)
    by_order = Q(order_id__in=ids)
    appointments: dict[int, list[tuple[int, dt.date, float, str, str]]] = defaultdict(list)
    for pk, order_id, on, hours, with_whom, outcome_id in plain_rows(
        Appointment.objects.filter(by_order)
        .order_by("on", "id")
        .values_list("pk", "order_id", "on", "hours", "with_whom", "outcome_id")
    ):
        outcome = meanings[outcome_id] if outcome_id is not None else "not_recorded"
        appointments[order_id].append((pk, on, hours, with_whom, outcome))

    results: dict[int, list[tuple[str, str]]] = defaultdict(list)
    for test_id, substance_id, result in plain_rows(
        DrugTestResult.objects.filter(test__order_id__in=ids)
        .order_by("test_id", "id")
        .values_list("test_id", "substance_id", "result")
    ):
        results[test_id].append((codes[substance_id], result))
    tests: dict[int, list[tuple[int, dt.date, str, tuple[tuple[str, str], ...]]]] = defaultdict(
        list
    )
    for pk, order_id, on, outcome in plain_rows(
        DrugTest.objects.filter(by_order)
        .order_by("on", "id")
        .values_list("pk", "order_id", "on", "outcome")
    ):
        tests[order_id].append((pk, on, outcome, tuple(results.get(pk, ()))))

    warnings: dict[int, list[tuple[int, dt.date]]] = defaultdict(list)
    for pk, order_id, on in plain_rows(
        FormalWarning.objects.filter(by_order)
        .order_by("on", "id")
        .values_list("pk", "order_id", "on")
    ):
        warnings[order_id].append((pk, on))

    breaches: dict[int, list[tuple[int, dt.date, str, dt.date | None]]] = defaultdict(list)
    for pk, order_id, on, outcome_id, decided_on in plain_rows(
        Breach.objects.filter(by_order)
        .order_by("on", "id")
        .values_list("pk", "order_id", "on", "outcome_id", "decided_on")
    ):
        breaches[order_id].append((pk, on, meanings[outcome_id], decided_on))

    reviews: dict[int, list[tuple[int, dt.date, bool]]] = defaultdict(list)
    for pk, order_id, on, hearing in plain_rows(
        CourtReview.objects.filter(by_order)
        .order_by("on", "id")
        .values_list("pk", "order_id", "on", "hearing")
    ):
        reviews[order_id].append((pk, on, bool(hearing)))

    levels: dict[int, list[tuple[int, dt.date, str]]] = defaultdict(list)
    for pk, order_id, on, level in plain_rows(
        ContactLevelChange.objects.filter(by_order)
        .order_by("on", "id")
        .values_list("pk", "order_id", "on", "level")
    ):
        levels[order_id].append((pk, on, level))

    suspensions: dict[int, list[tuple[int, dt.date, dt.date, str]]] = defaultdict(list)
    for pk, order_id, starts, ends, reason in plain_rows(
        Suspension.objects.filter(by_order)
        .order_by("starts_on", "id")
        .values_list("pk", "order_id", "starts_on", "ends_on", "reason")
    ):
        suspensions[order_id].append((pk, starts, ends, reason))

    terminations: dict[int, tuple[int, dt.date, str]] = {
        order_id: (pk, on, meanings[reason_id])
        for pk, order_id, on, reason_id in plain_rows(
            Termination.objects.filter(by_order).values_list("pk", "order_id", "on", "reason_id")
        )
    }

    records: dict[int, OrderRecord] = {}
    for pk, reference, made_on, length, intensity in plain_rows(
        Order.objects.filter(pk__in=ids).values_list(
            "pk", "case__reference", "made_on", "length_months", "intensity"
        )
    ):
        records[pk] = OrderRecord(
            pk,
            reference,
            made_on,
            length,
            intensity,
            appointments.get(pk, []),
            tests.get(pk, []),
            warnings.get(pk, []),
            breaches.get(pk, []),
            reviews.get(pk, []),
            levels.get(pk, []),
            suspensions.get(pk, []),
            terminations.get(pk),
        )
    return records


@dataclass(frozen=True)
class CasePageRecords:
    """One Order's records read once for its case page: the engine's plain rows (``record``,
    equal to what :func:`records_for_orders` gives) and what the page's lists show beside."""

    record: OrderRecord
    labels: dict[int, str]  # code id -> label
    # appointment id -> (kind, outcome) code ids
    appointment_codes: dict[int, tuple[int | None, int | None]]
    # test id -> (result id, substance label, result, confirmed), in the results' model order
    results: dict[int, list[tuple[int, str, str, bool | None]]]
    warning_reasons: dict[int, str]  # warning id -> reason
    termination: Termination | None  # with its reason


def records_for_case_page(
    order: Order, reference: str, breaches: Sequence[Breach], reviews: Sequence[CourtReview]
) -> CasePageRecords:
    """The case page's one read of an Order's records, for the engine and for its lists.

    The page has read the Order, its breaches (with their outcomes) and its reviews as models
    already; the rest is read here once, with the columns the lists show that the engine does
    not need (the appointment's kind, a result's confirmation, a warning's reason, the code
    table's labels). :func:`records_for_orders` stays as lean as the bulk re-judge needs it;
    a test holds the two to the same ``OrderRecord``.
    """
    meanings: dict[int, str] = {}
    codes: dict[int, str] = {}
    labels: dict[int, str] = {}
    sort_orders: dict[int, int] = {}
    for pk, code, meaning, label, sort_order in Code.objects.values_list(
        "pk", "code", "meaning", "label", "sort_order"
    ):
        meanings[pk], codes[pk], labels[pk], sort_orders[pk] = meaning, code, label, sort_order
    appointments: list[tuple[int, dt.date, float, str, str]] = []
    appointment_codes: dict[int, tuple[int | None, int | None]] = {}
    for pk, on, hours, with_whom, kind_id, outcome_id in plain_rows(
        Appointment.objects.filter(order_id=order.pk)
        .order_by("on", "id")
        .values_list("pk", "on", "hours", "with_whom", "kind_id", "outcome_id")
    ):
        outcome = meanings[outcome_id] if outcome_id is not None else "not_recorded"
        appointments.append((pk, on, hours, with_whom, outcome))
        appointment_codes[pk] = (kind_id, outcome_id)

    judged: dict[int, list[tuple[str, str]]] = defaultdict(list)
    listed: dict[int, list[tuple[int, int, str, bool | None]]] = defaultdict(list)
    for pk, test_id, substance_id, result, confirmed in plain_rows(
        DrugTestResult.objects.filter(test__order_id=order.pk)
        .order_by("test_id", "id")
        .values_list("pk", "test_id", "substance_id", "result", "confirmed")
    ):
        judged[test_id].append((codes[substance_id], result))
        listed[test_id].append((pk, substance_id, result, confirmed))
    results = {
        test_id: [
            (pk, labels[substance_id], result, confirmed)
            for pk, substance_id, result, confirmed in sorted(
                rows, key=lambda row: (sort_orders[row[1]], row[0])
            )
        ]
        for test_id, rows in listed.items()
    }
    tests = [
        (pk, on, outcome, tuple(judged.get(pk, ())))
        for pk, on, outcome in plain_rows(
            DrugTest.objects.filter(order_id=order.pk)
            .order_by("on", "id")
            .values_list("pk", "on", "outcome")
        )
    ]
    warnings: list[tuple[int, dt.date]] = []
    warning_reasons: dict[int, str] = {}
    for pk, on, reason in plain_rows(
        FormalWarning.objects.filter(order_id=order.pk)
        .order_by("on", "id")
        .values_list("pk", "on", "reason")
    ):
        warnings.append((pk, on))
        warning_reasons[pk] = reason
    levels = plain_rows(
        ContactLevelChange.objects.filter(order_id=order.pk)
        .order_by("on", "id")
        .values_list("pk", "on", "level")
    )
    suspensions = plain_rows(
        Suspension.objects.filter(order_id=order.pk)
        .order_by("starts_on", "id")
        .values_list("pk", "starts_on", "ends_on", "reason")
    )
    termination = Termination.objects.filter(order_id=order.pk).select_related("reason").first()
    record = OrderRecord(
        order.pk,
        reference,
        order.made_on,
        order.length_months,
        order.intensity,
        appointments,
        tests,
        warnings,
        [(b.pk, b.on, meanings[b.outcome_id], b.decided_on) for b in breaches],
        [(r.pk, r.on, bool(r.hearing)) for r in reviews],
        [(pk, on, level) for pk, on, level in levels],
        [(pk, starts, ends, reason) for pk, starts, ends, reason in suspensions],
        (termination.pk, termination.on, meanings[termination.reason_id])
        if termination is not None
        else None,
    )
    return CasePageRecords(record, labels, appointment_codes, results, warning_reasons, termination)


def timelines_for_orders(order_ids: Sequence[int]) -> dict[int, tl.CaseTimeline]:
    """The engine's view of each of these Orders, keyed by Order id."""
    return {pk: timeline_of(record) for pk, record in records_for_orders(order_ids).items()}


def timeline_for_order(order: Order) -> tl.CaseTimeline:
    return timelines_for_orders([order.pk])[order.pk]


def evaluate_order(order: Order, as_of: dt.date) -> Evaluation:
    """The National Standard's findings for one Order as of a day."""
    return evaluate(timeline_for_order(order), as_of)


def evaluate_orders(order_ids: Iterable[int], as_of: dt.date) -> dict[int, Evaluation]:
    return {
        pk: evaluate(timeline, as_of)
        for pk, timeline in timelines_for_orders(list(order_ids)).items()
    }


# --- The case page's timeline: newest first, by week, by kind, a page at a time --------------

TIMELINE_PAGE_SIZE = 40


@dataclass(frozen=True)
class TimelineEntry:
    on: dt.date
    kind: str
    anchor: str
    text: str
    url: str = ""
    link_text: str = ""


@dataclass(frozen=True)
class TimelineWeek:
    starts_on: dt.date  # a Monday
    entries: list[TimelineEntry]

    @property
    def title(self) -> str:
        return f"Week beginning {long_date(self.starts_on)}"


@dataclass(frozen=True)
class TimelinePage:
    weeks: list[TimelineWeek]
    kinds: list[str]  # every kind on the case, for the filter
    kind: str  # the kind shown, or "" for all
    number: int
    pages: int
    total: int


def timeline_page(
    entries: Sequence[TimelineEntry], *, kind: str = "", page: object = 1, at: str = ""
) -> TimelinePage:
    """One page of the timeline, newest first, grouped by week (Monday to Sunday).

    ``kind`` keeps one kind of entry; ``at`` (an entry's anchor) picks the page it is on, so
    that a link to the evidence of a finding lands on its row whatever page it is on.
    """
    kinds = sorted({e.kind for e in entries})
    chosen = kind if kind in kinds else ""
    shown = sorted(
        (e for e in entries if not chosen or e.kind == chosen),
        key=lambda e: (e.on, e.kind == "Order", e.kind),
        reverse=True,
    )
    pages = max(1, -(-len(shown) // TIMELINE_PAGE_SIZE))
    index = next((i for i, e in enumerate(shown) if at and e.anchor == at), None)
    if index is not None:
        number = index // TIMELINE_PAGE_SIZE + 1
    else:
        try:
            number = min(max(int(str(page)), 1), pages)
        except ValueError:
            number = 1
    start = (number - 1) * TIMELINE_PAGE_SIZE
    weeks: list[TimelineWeek] = []
    for entry in shown[start : start + TIMELINE_PAGE_SIZE]:
        monday = entry.on - dt.timedelta(days=entry.on.weekday())
        if not weeks or weeks[-1].starts_on != monday:
            weeks.append(TimelineWeek(monday, []))
        weeks[-1].entries.append(entry)
    return TimelinePage(weeks, kinds, chosen, number, pages, len(shown))
