"""Keep per-Order summaries in step with the case record.

:func:`refresh_summaries` reads a batch of Orders (one query per kind of event for the whole
batch), takes every National Standard finding of each with the day it becomes final
(:func:`dtto.standards.findings.dated_findings`) and writes the summary rows that changed
(the rest stay as they are: decision 0015). It runs on the cases app's ``orders_changed``
signal, inside the service's (or the import's) transaction, so a summary is never out of
step with what was recorded. Nothing written depends on the day
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
from django.db.models import Count, F, Model, Q, Sum

from dtto.cases.models import Assessment, Case, DrugTest, DrugTestResult, Order, Person
from dtto.cases.timeline import records_for_orders
from dtto.lib.bulk import insert_rows, plain_rows
from dtto.lib.dates import add_months
from dtto.reports.contact_rollup import (
    ACTIVITY_MONTH_COLUMNS,
    NO_CONTACT,
    ROLLUP_PAIRS_MAX,
    order_contact,
    pair_filters,
    rebuild_contact_hours_rollup,
)
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
from dtto.standards.judging import FindingRow, Judge, Judged, OrderRecord

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


def _fold_of(key: tuple[str, int]) -> tuple[str | None, str | None, str | None, str | None]:
    """What a finding of this (kind, phase) adds to a summary: its count's ``_judged`` and
    ``_met`` fields, and its measure's ``_judged_day`` and ``_missed_day`` (None: none)."""
    event = next((name for name, kind in EVENT_COUNTS.items() if kind == key), None)
    measure = MEASURE_OF_KIND.get(key)
    return (
        None if event is None else f"{event}_judged",
        None if event is None else f"{event}_met",
        None if measure is None else f"{measure}_judged_day",
        None if measure is None else f"{measure}_missed_day",
    )


_FOLDS = {key: _fold_of(key) for key in {*MEASURE_OF_KIND, *EVENT_COUNTS.values()}}
_COUNT_FIELDS = tuple(f"{e}_{part}" for e in EVENT_COUNTS for part in ("judged", "met"))
_DAY_FIELDS = tuple(
    f"{m}_{part}_day" for m in MEASURE_OF_KIND.values() for part in ("judged", "missed")
)


def _folded(findings: Sequence[FindingRow]) -> dict[str, int | None]:
    """The summary's fields folded from the findings: each measure's first judged and first
    missed day (day numbers), the day the last finding becomes final, and the counts by
    week, review and failure over the whole record."""
    folded: dict[str, int | None] = dict.fromkeys(_DAY_FIELDS)
    counts = dict.fromkeys(_COUNT_FIELDS, 0)
    last = None
    for kind, phase, _, met, final_on in findings:
        day = final_on.toordinal()
        if last is None or day > last:
            last = day
        fold = _FOLDS.get((kind, phase))
        if fold is None:
            continue
        judged, met_count, judged_day, missed_day = fold
        if judged is not None and met_count is not None:
            counts[judged] += 1
            counts[met_count] += met
        if judged_day is None or missed_day is None:
            continue
        first = folded[judged_day]
        if first is None or day < first:
            folded[judged_day] = day
        if not met:
            first = folded[missed_day]
            if first is None or day < first:
                folded[missed_day] = day
    folded["findings_final_day"] = last
    folded.update(counts)
    return folded


def month_ends_day(made_on: dt.date, month: int) -> int:
    """The day number of the last day of this month of the Order (month 1 is the first)."""
    return (add_months(made_on, month) - dt.timedelta(days=1)).toordinal()


def _drug_months(records: Iterable[OrderRecord]) -> dict[tuple[int, int], Any]:
    """Tests for opiates and cocaine by Order and month: [tests, negative] per drug, from the
    records read for judging (their tests carry each substance's result)."""
    months: dict[tuple[int, int], dict[str, int]] = defaultdict(lambda: defaultdict(int))
    negative = DrugTestResult.Result.NEGATIVE
    made: dict[int, dt.date] = {}
    for record in records:
        made[record.pk] = record.made_on
        for _, on, _, results in record.tests:
            for substance, result in results:
                drug = DRUGS.get(substance)
                if drug is not None:
                    counts = months[(record.pk, month_of_order(record.made_on, on))]
                    counts[f"{drug}_tests"] += 1
                    counts[f"{drug}_negative"] += result == negative
    # A written admission of use stands in for a positive test (Figure 21 of the source).
    admitted = DrugTest.admitted.through.objects.filter(
        drugtest__order_id__in=list(made),
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
            made, old = pair_filters(sorted(wanted), "summary__")
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


# Every column of a summary, in the order its rows are written and compared.
SUMMARY_COLUMNS = tuple(f.attname for f in OrderSummary._meta.concrete_fields)
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
# The rows of an Order hanging off its summary: each table's model and columns (the first is
# ``summary_id``), compared and rewritten row by row.
_DETAILS: tuple[tuple[type[Model], tuple[str, ...]], ...] = (
    (OrderFinding, FINDING_COLUMNS),
    (OrderMonthSummary, MONTH_COLUMNS),
    (OrderActivityMonths, ACTIVITY_MONTH_COLUMNS),
)
# Ids a ``DELETE ... WHERE id IN`` names at most (SQLite's and psycopg's parameter limits).
DELETE_CHUNK = 2000
_MADE_ON = _ORDER_COLUMNS.index("made_on")
_AREA, _MADE, _DIGEST = (SUMMARY_COLUMNS.index(c) for c in ("area_id", "made_on", "contact_digest"))


@dataclass
class _Batch:
    """One batch of Orders read from the database, waiting for its findings: the Orders, and
    the rows stored for them (each a plain tuple in its table's columns, behind its row id)."""

    order_ids: Sequence[int]
    orders: list[tuple[Any, ...]]
    records: list[OrderRecord]
    judged: Callable[[], list[Judged]]
    summaries: dict[int, tuple[Any, ...]]
    details: list[list[tuple[Any, ...]]]  # (id, *row) per table of ``_DETAILS``


def _read_batch(order_ids: Sequence[int], judge: Judge) -> _Batch:
    """Read these Orders and the rows stored for them, and hand their records to ``judge``."""
    orders = list(Order.objects.filter(pk__in=order_ids).values_list(*_ORDER_COLUMNS))
    records = list(records_for_orders(order_ids).values())
    judged = judge.submit(records)
    summaries = {
        row[0]: row
        for row in plain_rows(
            OrderSummary.objects.filter(pk__in=order_ids).values_list(*SUMMARY_COLUMNS)
        )
    }
    details = [
        plain_rows(
            model._default_manager.filter(summary_id__in=order_ids).values_list("pk", *columns)
        )
        for model, columns in _DETAILS
    ]
    return _Batch(order_ids, orders, records, judged, summaries, details)


@dataclass
class _Pairs:
    """The (area id, "YYYY-MM" month made) pairs whose rollups a refresh must rebuild."""

    drug_tests: set[tuple[int, str]]
    contact_hours: set[tuple[int, str]]


def _write_batch(batch: _Batch, pairs: _Pairs) -> int:
    """Write what changed in the batch's summaries and the rows hanging off them; add to
    ``pairs`` the rollup pairs of the Orders whose share of a rollup changed. Returns the
    Orders judged."""
    judged = {j.pk: j for j in batch.judged()}
    summaries: dict[int, tuple[Any, ...]] = {}
    findings: list[tuple[int, str, int, int, bool, dt.date, int]] = []
    made: dict[int, dt.date] = {row[0]: row[_MADE_ON] for row in batch.orders}
    ids = list(made)
    activity, digests = order_contact(ids, made)
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
        found = judged[pk]
        findings += [
            (pk, kind, phase, number, met, final_on, final_on.toordinal())
            for kind, phase, number, met, final_on in found.findings
            if kind != kinds.TERMINATION
        ]
        summary = {
            "order_id": pk,
            "area_id": area_id,
            "team_id": team_id,
            "court_id": court_id,
            "intensity": intensity,
            "referred_on": referred_on,
            "referred_day": referred_on.toordinal(),
            "made_on": made_on,
            "made_day": made_on.toordinal(),
            "length_months": length,
            "natural_end_on": natural_end_on,
            "ended_on": terminated_on,
            "ended_day": None if terminated_on is None else terminated_on.toordinal(),
            "last_day": (terminated_on or natural_end_on - dt.timedelta(days=1)).toordinal(),
            "termination_reason": reason or "",
            "sex": sex,
            "ethnic_group": ethnic_group or "Not stated",
            "age_band": age_band(born, referred_on),
            "successful": found.successful,
            "in_breach": found.in_breach,
            "contact_digest": digests.get(pk, NO_CONTACT),
            **_folded(found.findings),
        }
        summaries[pk] = tuple(summary[c] for c in SUMMARY_COLUMNS)
    drug_counts = tuple(c for c in MONTH_COLUMNS if c not in ("summary_id", "month", "ends_day"))
    months = [
        (order_id, month, month_ends_day(made[order_id], month), *(counts[c] for c in drug_counts))
        for (order_id, month), counts in _drug_months(batch.records).items()
    ]
    # Rows that differ from the stored ones are deleted and written again; the rest stay.
    new_details: tuple[Sequence[tuple[Any, ...]], ...] = (findings, months, activity)
    changes = [
        _changed_rows(stored, new) for stored, new in zip(batch.details, new_details, strict=True)
    ]
    drug_tests_changed = {row[0] for row in (*changes[1][0].values(), *changes[1][1])}
    old_summaries = batch.summaries
    written = [row for pk, row in summaries.items() if old_summaries.get(pk) != row]
    stale = [pk for pk, row in old_summaries.items() if summaries.get(pk) != row]
    for (model, _), stored, (stale_rows, _) in zip(_DETAILS, batch.details, changes, strict=True):
        _delete_stale(model, stored, stale_rows)
    _delete_ids(OrderSummary, stale)
    insert_rows(OrderSummary, SUMMARY_COLUMNS, written)
    for (model, columns), (_, new_rows) in zip(_DETAILS, changes, strict=True):
        insert_rows(model, columns, new_rows)
    for pk in set(old_summaries) | set(summaries):
        old, new = old_summaries.get(pk), summaries.get(pk)
        places = {_month_key(row[_AREA], row[_MADE]) for row in (old, new) if row is not None}
        if old is None or new is None or len(places) > 1:
            # A new or deleted Order, or one whose area or day made changed: it leaves one
            # pair of each rollup and joins another.
            pairs.drug_tests.update(places)
            pairs.contact_hours.update(places)
            continue
        if pk in drug_tests_changed:
            pairs.drug_tests.update(places)
        if old[_DIGEST] != new[_DIGEST]:
            pairs.contact_hours.update(places)
    return len(summaries)


def _changed_rows(
    stored: Sequence[tuple[Any, ...]], rows: Iterable[tuple[Any, ...]]
) -> tuple[dict[int, tuple[Any, ...]], list[tuple[Any, ...]]]:
    """The stored rows (id, *row) not among ``rows``, by id, and the ``rows`` not stored.
    Whole rows are compared: a table's unique key is part of its row, so no two are equal,
    and deleting the first before writing the second never breaks the key."""
    stale = {tuple(row[1:]): row[0] for row in stored}
    new = []
    for row in rows:
        if stale.pop(row, None) is None:
            new.append(row)
    return {pk: row for row, pk in stale.items()}, new


def _delete_stale(
    model: type[Model], stored: Sequence[tuple[Any, ...]], stale: dict[int, tuple[Any, ...]]
) -> None:
    """Delete the stale rows of a table hanging off the summaries: by summary for Orders none
    of whose rows stay (after a rule change, most), by id for the others."""
    kept = {row[1] for row in stored if row[0] not in stale}
    whole = {row[0] for row in stale.values()} - kept
    for chunk in _chunks(sorted(whole)):
        model._default_manager.filter(summary_id__in=chunk)._raw_delete(connection.alias)
    _delete_ids(model, [pk for pk, row in stale.items() if row[0] not in whole])


def _chunks(ids: Sequence[int]) -> Iterable[Sequence[int]]:
    for start in range(0, len(ids), DELETE_CHUNK):
        yield ids[start : start + DELETE_CHUNK]


def _delete_ids(model: type[Model], ids: Sequence[int]) -> None:
    """Delete these rows with one ``DELETE`` a chunk of ids, without Django's cascade (which
    would read every row back to collect its children). A changed summary is deleted and
    written again under its unchanged rows: the foreign keys are checked at commit."""
    for chunk in _chunks(ids):
        model._default_manager.filter(pk__in=chunk)._raw_delete(connection.alias)


def refresh_summaries(order_ids: Iterable[int], *, workers: int | None = None) -> int:
    """Bring these Orders' summaries, dated findings and month rows, their referrals'
    summaries and the rollups in step with their records, writing only what changed.

    Orders are read a batch at a time and judged in this process, or, when ``workers`` (more
    than 1) is given, in that many worker processes while the next batch is read
    (docs/decisions/0015-bulk-load-and-rejudge.md). Each batch's stored rows are read with it
    and compared with what the engine gives; a row that differs is deleted and written again,
    and a rollup is rebuilt only for the (area, month made) pairs of Orders whose share of it
    changed. Returns the Orders judged.
    """
    ids = sorted(set(order_ids))
    done = 0
    pairs = _Pairs(set(), set())
    with transaction.atomic(), Judge.for_orders(workers) as judge:
        waiting: deque[_Batch] = deque()
        # With workers, one batch is judged while the next is read; written in the order read.
        ahead = 0 if judge.pool is None else 1
        for start in range(0, len(ids), BATCH):
            waiting.append(_read_batch(ids[start : start + BATCH], judge))
            if len(waiting) > ahead:
                done += _write_batch(waiting.popleft(), pairs)
        while waiting:
            done += _write_batch(waiting.popleft(), pairs)
        rebuild_drug_test_rollup(pairs.drug_tests)
        rebuild_contact_hours_rollup(pairs.contact_hours)
        refresh_referrals(Order.objects.filter(pk__in=ids).values_list("case_id", flat=True))
    return done


def refresh_referrals(case_ids: Iterable[int]) -> int:
    """Bring the referral summaries of these cases (``ReferralSummary``) in step, writing only
    those that changed. Returns the cases summarised."""
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
        summaries = {}
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
        ) in rows:
            summary = {
                "case_id": pk,
                "area_id": area_id,
                "team_id": team_id,
                "court_id": court_id,
                "referred_on": referred_on,
                "referred_day": referred_on.toordinal(),
                # An outcome with no date recorded is taken as known from the referral.
                "assessed_day": None
                if outcome is None
                else (completed_on or started_on or referred_on).toordinal(),
                "made_day": None if made_on is None else made_on.toordinal(),
                "outcome": outcome or "",
                "reason": reason or "",
                "sex": sex or "",
                "ethnic_group": ethnic_group or "",
                "age_band": age_band(born, referred_on),
            }
            summaries[pk] = tuple(summary[c] for c in REFERRAL_COLUMNS)
        stored = {
            row[0]: row
            for row in plain_rows(
                ReferralSummary.objects.filter(pk__in=batch).values_list(*REFERRAL_COLUMNS)
            )
        }
        with transaction.atomic():
            # Only the referrals whose summary changed are written again.
            _delete_ids(
                ReferralSummary, [pk for pk, row in stored.items() if summaries.get(pk) != row]
            )
            insert_rows(
                ReferralSummary,
                REFERRAL_COLUMNS,
                [row for pk, row in summaries.items() if stored.get(pk) != row],
            )
        done += len(summaries)
    return done


REFERRAL_COLUMNS = tuple(f.attname for f in ReferralSummary._meta.concrete_fields)


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


# Migrations after which every summary must be worked out again from the case record (new
# columns, new tables, a new meaning of a finding). They do not do it themselves: a migration
# that ran today's code would meet tables of migrations not yet applied (0004's re-judge would
# write columns 0006 adds), so it is done once, after the last migration, by the receiver below.
REJUDGING_MIGRATIONS = frozenset(
    {"0004_dated_findings", "0005_contact_hours_rollup", "0006_summary_contact_digest"}
)


def rejudge_after_migrate(sender: object, plan: Any = None, **kwargs: object) -> None:
    """Receiver of ``post_migrate``: if this run applied a migration that needs it, re-judge
    every Order and summarise every referral with the code now installed. A fresh database
    has no cases, so this does nothing there."""
    applied = {
        migration.name
        for migration, backwards in plan or ()
        if migration.app_label == "reports" and not backwards
    }
    if not applied & REJUDGING_MIGRATIONS or not Case.objects.exists():
        return
    with transaction.atomic():
        refresh_summaries(list(Order.objects.values_list("pk", flat=True)))
        refresh_referrals(list(Case.objects.values_list("pk", flat=True)))
        # A re-judge rebuilds a rollup only where an Order's share changed; a new rollup
        # table has no rows to compare with, so both are built whole.
        rebuild_drug_test_rollup(None)
        rebuild_contact_hours_rollup(None)
