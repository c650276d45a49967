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
from django.db.models import Count, F, Q, Sum
from django.utils import timezone

from dtto.cases.models import Assessment, Case, DrugTest, DrugTestResult, Order, Person
from dtto.cases.timeline import timelines_for_orders
from dtto.lib.dates import add_months
from dtto.reports.models import (
    DrugTestRollup,
    OrderMonthSummary,
    OrderSummary,
    ReferralSummary,
)
from dtto.reports.queries import age_band_of, month_expression
from dtto.standards.engine import Evaluation, evaluate

BATCH = 2000
# After its last day an Order's findings can still change while enforcement deadlines
# (10 working days) and review windows run out; after this many days they are final.
SETTLE_DAYS = 60
SETTLE_DAYS_DELTA = dt.timedelta(days=SETTLE_DAYS)
DRUGS = {"opiates": "opiate", "cocaine": "cocaine"}
# Above this many (area, month made) pairs a refresh rebuilds the whole drug-test rollup:
# one grouped pass is cheaper than hundreds of small ones.
ROLLUP_PAIRS_MAX = 200
DRUG_TEST_SUMS = tuple(
    f"{drug}_{what}"
    for drug in DRUGS.values()
    for what in ("tests", "negative", "people", "people_clear")
)


def age_band(born: dt.date, on: dt.date) -> str:
    """The age bands of recommendation ii of the source, at the day given."""
    return age_band_of(on.year - born.year - ((on.month, on.day) < (born.month, born.day)))


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


def drug_test_sums() -> dict[str, Any]:
    """``OrderMonthSummary`` rows added up: tests and negatives, and the Orders (people)
    tested and all negative, per drug; named ``<field>_sum`` after ``DrugTestRollup``."""
    sums: dict[str, Any] = {}
    for drug in DRUGS.values():
        tested = Q(**{f"{drug}_tests__gt": 0})
        sums[f"{drug}_tests_sum"] = Sum(f"{drug}_tests")
        sums[f"{drug}_negative_sum"] = Sum(f"{drug}_negative")
        sums[f"{drug}_people_sum"] = Count("pk", filter=tested)
        sums[f"{drug}_people_clear_sum"] = Count(
            "pk", filter=tested & Q(**{f"{drug}_negative": F(f"{drug}_tests")})
        )
    return sums


def _month_key(area_id: int, made_on: dt.date) -> tuple[int, str]:
    return area_id, made_on.strftime("%Y-%m")


def rebuild_drug_test_rollup(pairs: Iterable[tuple[int, str]] | None = None) -> int:
    """Rewrite the rollup rows of these (area id, "YYYY-MM" month made) pairs from the
    Order-month summaries; all of it when ``pairs`` is None or long. Returns rows written."""
    details = OrderMonthSummary.objects.all()
    stale = DrugTestRollup.objects.all()
    if pairs is not None:
        wanted = set(pairs)
        if not wanted:
            return 0
        if len(wanted) <= ROLLUP_PAIRS_MAX:
            made, old = Q(), Q()
            for area_id, month in sorted(wanted):
                first = dt.date.fromisoformat(f"{month}-01")
                made |= Q(
                    summary__area_id=area_id,
                    summary__made_on__gte=first,
                    summary__made_on__lt=add_months(first, 1),
                )
                old |= Q(area_id=area_id, made_month=month)
            details, stale = details.filter(made), stale.filter(old)
    stale.delete()
    rows = (
        details.annotate(made_month=month_expression("summary__made_on"))
        .values("summary__area_id", "made_month", "month")
        .annotate(**drug_test_sums())
        .order_by()
    )
    created = DrugTestRollup.objects.bulk_create(
        (
            DrugTestRollup(
                area_id=r["summary__area_id"],
                made_month=r["made_month"],
                month=r["month"],
                **{f: r[f"{f}_sum"] for f in DRUG_TEST_SUMS},
            )
            for r in rows
        ),
        batch_size=2000,
    )
    return len(created)


def _refresh_batch(order_ids: Sequence[int], as_of: dt.date, pairs: set[tuple[int, str]]) -> int:
    """Rewrite these Orders' summaries; add the rollup pairs they were and are in to ``pairs``."""
    pairs.update(
        _month_key(area_id, made_on)
        for area_id, made_on in OrderSummary.objects.filter(pk__in=order_ids).values_list(
            "area_id", "made_on"
        )
    )
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
        pairs.add(_month_key(area_id, made_on))
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
    """Re-evaluate these Orders as of ``as_of`` (today) and rewrite their summaries, and
    the summaries of their referrals."""
    as_of = as_of or timezone.localdate()
    ids = sorted(set(order_ids))
    done = 0
    pairs: set[tuple[int, str]] = set()
    with transaction.atomic():
        for start in range(0, len(ids), BATCH):
            done += _refresh_batch(ids[start : start + BATCH], as_of, pairs)
        rebuild_drug_test_rollup(pairs)
        refresh_referrals(Order.objects.filter(pk__in=ids).values_list("case_id", flat=True))
    return done


def refresh_referrals(case_ids: Iterable[int]) -> int:
    """Rewrite the referral summaries of these cases (``ReferralSummary``)."""
    ids = sorted(set(case_ids))
    done = 0
    for start in range(0, len(ids), BATCH):
        batch = ids[start : start + BATCH]
        rows = Case.objects.filter(pk__in=batch).values_list(
            "pk",
            "area_id",
            "order__team_id",
            "order__court_id",
            "referred_on",
            "assessment__outcome",
            "assessment__reason__code",
            "order__id",
            "person__date_of_birth",
            "person__sex__code",
            "person__ethnicity__group",
        )
        summaries = [
            ReferralSummary(
                case_id=pk,
                area_id=area_id,
                team_id=team_id,
                court_id=court_id,
                referred_on=referred_on,
                referred_day=referred_on.toordinal(),
                outcome=outcome or "",
                reason=reason or "",
                sentenced=order_id is not None,
                sex=sex or "",
                ethnic_group=ethnic_group or "",
                age_band=age_band(born, referred_on),
            )
            for (
                pk,
                area_id,
                team_id,
                court_id,
                referred_on,
                outcome,
                reason,
                order_id,
                born,
                sex,
                ethnic_group,
            ) in rows
        ]
        with transaction.atomic():
            ReferralSummary.objects.filter(pk__in=batch).delete()
            # A concurrent fill of the same missing referrals writes the same rows.
            ReferralSummary.objects.bulk_create(summaries, batch_size=1000, ignore_conflicts=True)
        done += len(summaries)
    return done


def fill_missing_referrals() -> int:
    """Summarise referrals that have no summary yet: those imported in bulk without an
    Order send no signal. Counting both tables first keeps the usual case to two index
    counts. Returns how many were filled."""
    if Case.objects.count() == ReferralSummary.objects.count():
        return 0
    missing = Case.objects.filter(referral_summary__isnull=True).values_list("pk", flat=True)
    return refresh_referrals(list(missing))


def on_referral_saved(sender: type, instance: Case | Assessment | Person, **kwargs: Any) -> None:
    """Receiver of ``post_save`` and ``post_delete`` of cases, assessments and people: the
    services save these one at a time, so their referral summaries follow in the same
    transaction (bulk imports are caught by :func:`fill_missing_referrals`)."""
    if kwargs.get("raw"):
        return
    if isinstance(instance, Case):
        refresh_referrals([instance.pk])
    elif isinstance(instance, Assessment):
        refresh_referrals([instance.case_id])
    else:
        refresh_referrals(instance.cases.values_list("pk", flat=True))


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
    fill_missing_referrals()
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
