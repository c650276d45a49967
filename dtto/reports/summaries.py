"""Keep per-Order summaries in step with the case record.

:func:`refresh_summaries` reads a batch of Orders (one query per kind of event for the whole
batch), takes every National Standard finding of each with the day it becomes final
(:func:`dtto.standards.findings.dated_findings`) and rewrites their summary rows. It runs on
the cases app's ``orders_changed`` signal, inside the service's (or the import's) transaction,
so a summary is never out of step with what was recorded. Nothing written depends on the day
it was written: a finding final in the future is stored now and counted by a report as of a
day once that day is reached, so there is no refresh to run as days pass.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict, deque
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.db import connection, transaction
from django.db.models import AutoField, Count, F, Model, Q, Sum

from dtto.cases.models import Assessment, Case, DrugTest, DrugTestResult, Order, Person
from dtto.cases.timeline import records_for_orders
from dtto.lib.bulk import insert_rows, plain_rows
from dtto.lib.dates import add_months
from dtto.reports.contact_rollup import rebuild_contact_hours_rollup, write_activity_months
from dtto.reports.models import (
    DrugTestRollup,
    OrderActivityMonths,
    OrderFinding,
    OrderMonthSummary,
    OrderSummary,
    ReferralSummary,
)
from dtto.reports.queries import age_band_of, month_expression
from dtto.standards import findings as kinds
from dtto.standards.judging import FindingRow, Judge, Judged

BATCH = 2000
# The compliance measure each kind of finding belongs to (docs/reports.md, section 5); the
# termination is the summary's own ``ended_on`` and ``successful``.
MEASURE_OF_KIND = {
    (kinds.FIRST_PROBATION, 0): "first_probation_1wd",
    (kinds.FIRST_TREATMENT, 0): "first_treatment_2wd",
    (kinds.CONTACT_WEEK, 1): "contact_phase1",
    (kinds.CONTACT_WEEK, 2): "contact_phase2",
    (kinds.TESTS_WEEK, 1): "tests_phase1",
    (kinds.TESTS_WEEK, 2): "tests_phase2",
    (kinds.REVIEW, 0): "reviews",
    (kinds.FAILURE, 0): "enforcement",
}
# The findings counted by week, review and failure (``compliance.by_event``), by kind and phase.
EVENT_COUNTS = {
    "contact_weeks_phase1": (kinds.CONTACT_WEEK, 1),
    "contact_weeks_phase2": (kinds.CONTACT_WEEK, 2),
    "test_weeks_phase1": (kinds.TESTS_WEEK, 1),
    "test_weeks_phase2": (kinds.TESTS_WEEK, 2),
    "reviews_held": (kinds.REVIEW, 0),
    "failures_actioned": (kinds.FAILURE, 0),
}
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
    # add_months(made_on, months) > day, without building the date (a re-judge asks this for
    # every drug test): that month's day is made_on's day, or the month's last if shorter.
    if day.day < made_on.day and (day + _ONE_DAY).month == day.month:
        months -= 1
    return months + 1


_ONE_DAY = dt.timedelta(days=1)


def _folded(findings: Sequence[FindingRow]) -> dict[str, int | None]:
    """The summary's fields folded from the findings: each measure's first judged and first
    missed day (day numbers), the day the last finding becomes final, and the counts by
    week, review and failure over the whole record."""
    event_of = {kind: name for name, kind in EVENT_COUNTS.items()}
    counts = dict.fromkeys((f"{e}_{part}" for e in EVENT_COUNTS for part in ("judged", "met")), 0)
    days: dict[str, int | None] = {}
    for measure in MEASURE_OF_KIND.values():
        days[f"{measure}_judged_day"] = None
        days[f"{measure}_missed_day"] = None
    for kind, phase, _, met, final_on in findings:
        day = final_on.toordinal()
        event = event_of.get((kind, phase))
        if event is not None:
            counts[f"{event}_judged"] += 1
            counts[f"{event}_met"] += met
        found = MEASURE_OF_KIND.get((kind, phase))
        if found is None:
            continue
        for field, first in ((f"{found}_judged_day", True), (f"{found}_missed_day", not met)):
            current = days[field]
            if first and (current is None or day < current):
                days[field] = day
    days["findings_final_day"] = max((row[4].toordinal() for row in findings), default=None)
    return {**days, **counts}


def month_ends_day(made_on: dt.date, month: int) -> int:
    """The day number of the last day of this month of the Order (month 1 is the first)."""
    return (add_months(made_on, month) - dt.timedelta(days=1)).toordinal()


def _drug_months(order_ids: Sequence[int], made: dict[int, dt.date]) -> dict[tuple[int, int], Any]:
    """Tests for opiates and cocaine by Order and month: [tests, negative] per drug."""
    months: dict[tuple[int, int], dict[str, int]] = defaultdict(lambda: defaultdict(int))
    negative = DrugTestResult.Result.NEGATIVE
    rows = DrugTestResult.objects.filter(
        test__order_id__in=order_ids, substance__code__in=list(DRUGS)
    ).values_list("test__order_id", "test__on", "substance__code", "result")
    for order_id, on, substance, result in plain_rows(rows):
        counts = months[(order_id, month_of_order(made[order_id], on))]
        counts[f"{DRUGS[substance]}_tests"] += 1
        counts[f"{DRUGS[substance]}_negative"] += result == negative
    # A written admission of use stands in for a positive test (Figure 21 of the source).
    admitted = DrugTest.admitted.through.objects.filter(
        drugtest__order_id__in=order_ids,
        drugtest__outcome=DrugTest.Outcome.ADMISSION,
        code__code__in=list(DRUGS),
    ).values_list("drugtest__order_id", "drugtest__on", "code__code")
    for order_id, on, substance in plain_rows(admitted):
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
    created = [
        (
            r["summary__area_id"],
            r["made_month"],
            r["month"],
            *(r[f"{f}_sum"] for f in DRUG_TEST_SUMS),
        )
        for r in rows
    ]
    insert_rows(DrugTestRollup, ("area_id", "made_month", "month", *DRUG_TEST_SUMS), created)
    return len(created)


_ORDER_COLUMNS = (
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


@dataclass
class _Batch:
    """One batch of Orders read from the database, waiting for its findings."""

    order_ids: Sequence[int]
    orders: list[tuple[Any, ...]]
    judged: Callable[[], list[Judged]]


def _read_batch(order_ids: Sequence[int], pairs: set[tuple[int, str]], judge: Judge) -> _Batch:
    """Read these Orders and hand their records to ``judge``; add the rollup pairs they were
    in to ``pairs``."""
    pairs.update(
        _month_key(area_id, made_on)
        for area_id, made_on in OrderSummary.objects.filter(pk__in=order_ids).values_list(
            "area_id", "made_on"
        )
    )
    orders = list(Order.objects.filter(pk__in=order_ids).values_list(*_ORDER_COLUMNS))
    records = records_for_orders(order_ids)
    return _Batch(order_ids, orders, judge.submit(list(records.values())))


def _write_batch(batch: _Batch, pairs: set[tuple[int, str]]) -> int:
    """Rewrite the batch's summaries from its findings; add the rollup pairs they are in."""
    judged = {j.pk: j for j in batch.judged()}
    summaries = []
    findings: list[tuple[int, str, int, int, bool, dt.date, int]] = []
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
    ) in batch.orders:
        made[pk] = made_on
        pairs.add(_month_key(area_id, made_on))
        found = judged[pk]
        findings += [
            (pk, kind, phase, number, met, final_on, final_on.toordinal())
            for kind, phase, number, met, final_on in found.findings
            if kind != kinds.TERMINATION
        ]
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
                successful=found.successful,
                in_breach=found.in_breach,
                **_folded(found.findings),
            )
        )
    drug_counts = tuple(c for c in MONTH_COLUMNS if c not in ("summary_id", "month", "ends_day"))
    months = [
        (order_id, month, month_ends_day(made[order_id], month), *(counts[c] for c in drug_counts))
        for (order_id, month), counts in _drug_months(list(made), made).items()
    ]
    _delete_summaries(batch.order_ids)
    _insert_instances(OrderSummary, summaries)
    insert_rows(OrderFinding, FINDING_COLUMNS, findings)
    insert_rows(OrderMonthSummary, MONTH_COLUMNS, months)
    write_activity_months(list(made), made)
    return len(summaries)


FINDING_COLUMNS = ("summary_id", "kind", "phase", "number", "met", "final_on", "final_day")
MONTH_COLUMNS = (
    "summary_id",
    "month",
    "ends_day",
    "opiate_tests",
    "opiate_negative",
    "cocaine_tests",
    "cocaine_negative",
)


def _delete_summaries(order_ids: Sequence[int]) -> None:
    """Delete these Orders' summaries and the rows hanging off them with one ``DELETE`` a
    table: Django's cascade would first read every summary back to collect its children."""
    for model in (OrderFinding, OrderMonthSummary, OrderActivityMonths):
        model.objects.filter(summary_id__in=order_ids)._raw_delete(connection.alias)
    OrderSummary.objects.filter(pk__in=order_ids)._raw_delete(connection.alias)


def _insert_instances(model: type[Model], instances: Sequence[Model]) -> None:
    """Insert unsaved instances whose every column is set (no database default, no
    automatic key), with their attributes as they are: plain ints, strings, dates and
    booleans, which both drivers adapt themselves."""
    fields = [f for f in model._meta.concrete_fields if not isinstance(f, AutoField)]
    insert_rows(
        model,
        tuple(f.attname for f in fields),
        [tuple(getattr(i, f.attname) for f in fields) for i in instances],
    )


def refresh_summaries(order_ids: Iterable[int], *, workers: int | None = None) -> int:
    """Rewrite these Orders' summaries and dated findings, and their referrals' summaries.

    Orders are read a batch at a time and judged in this process, or, when ``workers`` (more
    than 1) is given, in that many worker processes while the next batch is read
    (docs/decisions/0015-bulk-load-and-rejudge.md).
    """
    ids = sorted(set(order_ids))
    done = 0
    pairs: set[tuple[int, str]] = set()
    with transaction.atomic(), Judge.for_orders(workers) as judge:
        waiting: deque[_Batch] = deque()
        # With workers, one batch is judged while the next is read; written in the order read.
        ahead = 0 if judge.pool is None else 1
        for start in range(0, len(ids), BATCH):
            waiting.append(_read_batch(ids[start : start + BATCH], pairs, judge))
            if len(waiting) > ahead:
                done += _write_batch(waiting.popleft(), pairs)
        while waiting:
            done += _write_batch(waiting.popleft(), pairs)
        rebuild_drug_test_rollup(pairs)
        rebuild_contact_hours_rollup(pairs)
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
            "assessment__completed_on",
            "assessment__started_on",
            "order__made_on",
            "assessment__outcome",
            "assessment__reason__code",
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
                # An outcome with no date recorded is taken as known from the referral.
                assessed_day=None
                if outcome is None
                else (completed_on or started_on or referred_on).toordinal(),
                made_day=None if made_on is None else made_on.toordinal(),
                outcome=outcome or "",
                reason=reason or "",
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
                completed_on,
                started_on,
                made_on,
                outcome,
                reason,
                born,
                sex,
                ethnic_group,
            ) in rows
        ]
        with transaction.atomic():
            ReferralSummary.objects.filter(pk__in=batch)._raw_delete(connection.alias)
            _insert_instances(ReferralSummary, summaries)
        done += len(summaries)
    return done


def on_referral_saved(sender: type, instance: Case | Assessment | Person, **kwargs: Any) -> None:
    """Receiver of ``post_save`` and ``post_delete`` of cases, assessments and people: the
    services save these one at a time, so their referral summaries follow in the same
    transaction (an import says which cases it wrote: :func:`on_referrals_changed`)."""
    if kwargs.get("raw"):
        return
    if isinstance(instance, Case):
        refresh_referrals([instance.pk])
    elif isinstance(instance, Assessment):
        refresh_referrals([instance.case_id])
    else:
        refresh_referrals(instance.cases.values_list("pk", flat=True))


def on_orders_changed(sender: object, order_ids: Sequence[int] = (), **kwargs: object) -> None:
    """Receiver of ``orders_changed``: runs inside the service's transaction."""
    if order_ids:
        refresh_summaries(order_ids)


def on_referrals_changed(sender: object, case_ids: Sequence[int] = (), **kwargs: object) -> None:
    """Receiver of ``referrals_changed``: the cases an import wrote in bulk, Order or not."""
    if case_ids:
        refresh_referrals(case_ids)
