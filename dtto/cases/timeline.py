"""The database adapter for the National Standard engine: Orders in, ``CaseTimeline`` out.

The engine (``dtto.standards``) knows nothing of Django; this is the one place that turns
stored records into its plain dataclasses. Loading is set-based: one query per kind of
event for a whole batch of Orders, never a query per Order.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

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
from dtto.lib.dates import long_date
from dtto.standards import timeline as tl
from dtto.standards.engine import Evaluation, evaluate


def _meanings() -> tuple[dict[int, str], dict[int, str]]:
    """Code id -> the engine's word for it, and code id -> code, for the whole table."""
    meanings: dict[int, str] = {}
    codes: dict[int, str] = {}
    for pk, code, meaning in Code.objects.values_list("pk", "code", "meaning"):
        meanings[pk] = meaning
        codes[pk] = code
    return meanings, codes


def timelines_for_orders(order_ids: Sequence[int]) -> dict[int, tl.CaseTimeline]:
    """The engine's view of each of these Orders, keyed by Order id."""
    if not order_ids:
        return {}
    meanings, codes = _meanings()
    ids = list(order_ids)
    appointments: dict[int, list[tl.Appointment]] = defaultdict(list)
    for pk, order_id, on, hours, with_whom, outcome_id in (
        Appointment.objects.filter(order_id__in=ids)
        .order_by("on", "id")
        .values_list("pk", "order_id", "on", "hours", "with_whom", "outcome_id")
    ):
        outcome = meanings[outcome_id] if outcome_id is not None else "not_recorded"
        appointments[order_id].append(
            tl.Appointment(on, float(hours), with_whom, outcome, f"appointment:{pk}")
        )

    results: dict[int, list[tuple[str, str]]] = defaultdict(list)
    for test_id, substance_id, result in (
        DrugTestResult.objects.filter(test__order_id__in=ids)
        .order_by("test_id", "id")
        .values_list("test_id", "substance_id", "result")
    ):
        results[test_id].append((codes[substance_id], result))
    tests: dict[int, list[tl.DrugTest]] = defaultdict(list)
    for pk, order_id, on, outcome in (
        DrugTest.objects.filter(order_id__in=ids)
        .order_by("on", "id")
        .values_list("pk", "order_id", "on", "outcome")
    ):
        tests[order_id].append(tl.DrugTest(on, outcome, tuple(results.get(pk, ())), f"test:{pk}"))

    warnings: dict[int, list[tl.FormalWarning]] = defaultdict(list)
    for pk, order_id, on in (
        FormalWarning.objects.filter(order_id__in=ids)
        .order_by("on", "id")
        .values_list("pk", "order_id", "on")
    ):
        warnings[order_id].append(tl.FormalWarning(on, f"warning:{pk}"))

    breaches: dict[int, list[tl.Breach]] = defaultdict(list)
    for pk, order_id, on, outcome_id, decided_on in (
        Breach.objects.filter(order_id__in=ids)
        .order_by("on", "id")
        .values_list("pk", "order_id", "on", "outcome_id", "decided_on")
    ):
        breaches[order_id].append(tl.Breach(on, meanings[outcome_id], decided_on, f"breach:{pk}"))

    reviews: dict[int, list[tl.Review]] = defaultdict(list)
    for pk, order_id, on, hearing in (
        CourtReview.objects.filter(order_id__in=ids)
        .order_by("on", "id")
        .values_list("pk", "order_id", "on", "hearing")
    ):
        reviews[order_id].append(tl.Review(on, hearing, f"review:{pk}"))

    levels: dict[int, list[tl.ContactLevel]] = defaultdict(list)
    for pk, order_id, on, level in (
        ContactLevelChange.objects.filter(order_id__in=ids)
        .order_by("on", "id")
        .values_list("pk", "order_id", "on", "level")
    ):
        levels[order_id].append(tl.ContactLevel(on, level, f"contact_level:{pk}"))

    suspensions: dict[int, list[tl.Suspension]] = defaultdict(list)
    for pk, order_id, starts, ends, reason in (
        Suspension.objects.filter(order_id__in=ids)
        .order_by("starts_on", "id")
        .values_list("pk", "order_id", "starts_on", "ends_on", "reason")
    ):
        suspensions[order_id].append(tl.Suspension(starts, ends, reason, f"suspension:{pk}"))

    terminations: dict[int, tl.Termination] = {
        order_id: tl.Termination(on, meanings[reason_id], f"termination:{pk}")
        for pk, order_id, on, reason_id in Termination.objects.filter(order_id__in=ids).values_list(
            "pk", "order_id", "on", "reason_id"
        )
    }

    timelines: dict[int, tl.CaseTimeline] = {}
    for pk, reference, made_on, length, intensity in Order.objects.filter(pk__in=ids).values_list(
        "pk", "case__reference", "made_on", "length_months", "intensity"
    ):
        timelines[pk] = tl.CaseTimeline(
            reference=reference,
            order=tl.OrderTerms(made_on, length, intensity),
            appointments=tuple(appointments[pk]),
            tests=tuple(tests[pk]),
            warnings=tuple(warnings[pk]),
            breaches=tuple(breaches[pk]),
            reviews=tuple(reviews[pk]),
            contact_levels=tuple(levels[pk]),
            suspensions=tuple(suspensions[pk]),
            termination=terminations.get(pk),
        )
    return timelines


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
