"""Keep per-Order summaries in step with the case record.

:func:`refresh_summaries` evaluates a batch of Orders with the National Standard engine (one
query per kind of event for the whole batch) and rewrites their summary rows. It runs on the
cases app's ``orders_changed`` signal, inside the service's transaction, so a summary is never
out of step with what was recorded. The engine judges as of a day and weeks complete with
time, so a running Order's summary also goes stale without any event: :func:`refresh_stale`
re-evaluates those (``dtto report --refresh``, meant to run nightly).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Sequence
from typing import Any

from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from dtto.cases.models import DrugTest, DrugTestResult, Order
from dtto.cases.timeline import timelines_for_orders
from dtto.lib.dates import add_months
from dtto.reports.models import OrderMonthSummary, OrderSummary
from dtto.standards.engine import Evaluation, evaluate

BATCH = 2000
# After its last day an Order's findings can still change while enforcement deadlines
# (10 working days) and review windows run out; after this many days they are final.
SETTLE_DAYS = 60
SETTLE_DAYS_DELTA = dt.timedelta(days=SETTLE_DAYS)
DRUGS = {"opiates": "opiate", "cocaine": "cocaine"}


def age_band(born: dt.date, on: dt.date) -> str:
    """The age bands of recommendation ii of the source, at the day given."""
    age = on.year - born.year - ((on.month, on.day) < (born.month, born.day))
    if age < 18:
        return "under 18"
    if age <= 20:
        return "18-20"
    if age <= 25:
        return "21-25"
    return "26+"


def month_of_order(made_on: dt.date, day: dt.date) -> int:
    """1 for the first calendar month from the day the Order was made, 2 for the next..."""
    months = (day.year - made_on.year) * 12 + day.month - made_on.month
    if add_months(made_on, months) > day:
        months -= 1
    return months + 1


def _all_met(findings: Iterable[bool | None]) -> tuple[bool | None, int, int]:
    judged = [f for f in findings if f is not None]
    if not judged:
        return None, 0, 0
    return all(judged), len(judged), sum(judged)


def _findings(ev: Evaluation) -> dict[str, Any]:
    reviews, reviews_judged, reviews_held = _all_met(r.met for r in ev.reviews)
    enforcement, failures_judged, failures_actioned = _all_met(f.met for f in ev.failures)
    weeks: dict[str, int] = defaultdict(int)
    for w in ev.weeks:
        if w.excluded or w.contact_met is None:
            continue
        prefix = f"weeks_phase{w.phase}"
        weeks[prefix] += 1
        weeks[f"{prefix}_contact_met"] += bool(w.contact_met)
        weeks[f"{prefix}_tests_met"] += bool(w.tests_met)
    termination = ev.termination
    return {
        "first_probation_1wd": ev.first_probation_appointment.met,
        "first_treatment_2wd": ev.first_treatment_appointment.met,
        "contact_phase1": ev.contact_met.phase1,
        "contact_phase2": ev.contact_met.phase2,
        "tests_phase1": ev.testing_met.phase1,
        "tests_phase2": ev.testing_met.phase2,
        "reviews": reviews,
        "enforcement": enforcement,
        "reviews_judged": reviews_judged,
        "reviews_held": reviews_held,
        "failures_judged": failures_judged,
        "failures_actioned": failures_actioned,
        "successful": None if termination is None else termination.successful,
        "in_breach": None if termination is None else termination.in_breach,
        **weeks,
    }


def _drug_months(order_ids: Sequence[int], made: dict[int, dt.date]) -> dict[tuple[int, int], Any]:
    """Tests for opiates and cocaine by Order and month: [tests, negative] per drug."""
    months: dict[tuple[int, int], dict[str, int]] = defaultdict(lambda: defaultdict(int))
    rows = DrugTestResult.objects.filter(
        test__order_id__in=order_ids, substance__code__in=list(DRUGS)
    ).values_list("test__order_id", "test__on", "substance__code", "result")
    for order_id, on, substance, result in rows:
        counts = months[(order_id, month_of_order(made[order_id], on))]
        counts[f"{DRUGS[substance]}_tests"] += 1
        counts[f"{DRUGS[substance]}_negative"] += result == DrugTestResult.Result.NEGATIVE
    # A written admission of use stands in for a positive test (Figure 21 of the source).
    admitted = DrugTest.admitted.through.objects.filter(
        drugtest__order_id__in=order_ids,
        drugtest__outcome=DrugTest.Outcome.ADMISSION,
        code__code__in=list(DRUGS),
    ).values_list("drugtest__order_id", "drugtest__on", "code__code")
    for order_id, on, substance in admitted:
        months[(order_id, month_of_order(made[order_id], on))][f"{DRUGS[substance]}_tests"] += 1
    return months


def _refresh_batch(order_ids: Sequence[int], as_of: dt.date) -> int:
    rows = Order.objects.filter(pk__in=order_ids).values_list(
        "pk",
        "case__area_id",
        "team_id",
        "court_id",
        "intensity",
        "case__referred_on",
        "made_on",
        "length_months",
        "natural_end_on",
        "terminated_on",
        "termination__reason__meaning",
        "case__person__sex__code",
        "case__person__ethnicity__group",
        "case__person__date_of_birth",
    )
    timelines = timelines_for_orders(order_ids)
    summaries = []
    made: dict[int, dt.date] = {}
    for (
        pk,
        area_id,
        team_id,
        court_id,
        intensity,
        referred_on,
        made_on,
        length,
        natural_end_on,
        terminated_on,
        reason,
        sex,
        ethnic_group,
        born,
    ) in rows:
        made[pk] = made_on
        findings = _findings(evaluate(timelines[pk], as_of))
        summaries.append(
            OrderSummary(
                order_id=pk,
                area_id=area_id,
                team_id=team_id,
                court_id=court_id,
                intensity=intensity,
                referred_on=referred_on,
                referred_day=referred_on.toordinal(),
                made_on=made_on,
                made_day=made_on.toordinal(),
                length_months=length,
                natural_end_on=natural_end_on,
                ended_on=terminated_on,
                ended_day=None if terminated_on is None else terminated_on.toordinal(),
                last_day=(terminated_on or natural_end_on - dt.timedelta(days=1)).toordinal(),
                termination_reason=reason or "",
                sex=sex,
                ethnic_group=ethnic_group or "Not stated",
                age_band=age_band(born, referred_on),
                evaluated_on=as_of,
                **findings,
            )
        )
    months = [
        OrderMonthSummary(summary_id=order_id, month=month, **counts)
        for (order_id, month), counts in _drug_months(list(made), made).items()
    ]
    OrderSummary.objects.filter(pk__in=order_ids).delete()
    OrderSummary.objects.bulk_create(summaries, batch_size=500)
    OrderMonthSummary.objects.bulk_create(months, batch_size=1000)
    return len(summaries)


def refresh_summaries(order_ids: Iterable[int], as_of: dt.date | None = None) -> int:
    """Re-evaluate these Orders as of ``as_of`` (today) and rewrite their summaries."""
    as_of = as_of or timezone.localdate()
    ids = sorted(set(order_ids))
    done = 0
    with transaction.atomic():
        for start in range(0, len(ids), BATCH):
            done += _refresh_batch(ids[start : start + BATCH], as_of)
    return done


def stale_order_ids(as_of: dt.date) -> list[int]:
    """Orders with no summary, or whose findings could have changed since they were judged."""
    missing = Order.objects.filter(summary__isnull=True).values_list("pk", flat=True)
    # Findings are final once the summary was made SETTLE_DAYS after the Order's last day.
    settled = Q(ended_on__isnull=False, evaluated_on__gte=F("ended_on") + SETTLE_DAYS_DELTA) | Q(
        evaluated_on__gte=F("natural_end_on") + SETTLE_DAYS_DELTA
    )
    stale = (
        OrderSummary.objects.filter(evaluated_on__lt=as_of)
        .exclude(settled)
        .values_list("order_id", flat=True)
    )
    return sorted({*missing, *stale})


def refresh_stale(as_of: dt.date | None = None) -> int:
    """The nightly refresh: re-evaluate every Order whose summary may be out of date."""
    as_of = as_of or timezone.localdate()
    ids = stale_order_ids(as_of)
    done = 0
    for start in range(0, len(ids), BATCH):
        # One transaction a batch so a long nightly run does not hold locks for its whole length.
        done += refresh_summaries(ids[start : start + BATCH], as_of)
    return done


def on_orders_changed(sender: object, order_ids: Sequence[int] = (), **kwargs: object) -> None:
    """Receiver of ``orders_changed``: runs inside the service's transaction."""
    if order_ids:
        refresh_summaries(order_ids)
