"""The report functions: one per question the audit asked, each returning plain data.

Every function takes a :class:`~dtto.reports.queries.Scope` and a
:class:`~dtto.reports.queries.Period` and aggregates in the database over the per-Order
summaries (``dtto.reports.models``), plus a few event tables counted directly (breaches,
convictions, referrals). None walks events in Python. Rates are fractions with Wilson
intervals (``statistics.rate``), None when the denominator is 0. Each measure's numerator,
denominator, exclusions and censoring are defined in docs/reports.md.
"""

from __future__ import annotations

import datetime as dt
import random
from collections import defaultdict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from decimal import Decimal
from typing import Any, TypeVar, cast

from django.db.models import (
    BooleanField,
    Count,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models import Case as When_
from django.db.models.functions import Coalesce, Greatest, Least
from django.utils import timezone

from dtto.accounts.models import Area, AreaBudget, AreaTarget
from dtto.cases.models import Assessment, Conviction
from dtto.lib.dates import add_months
from dtto.reports import results
from dtto.reports import statistics as st
from dtto.reports.models import DrugTestRollup, OrderFinding, OrderSummary
from dtto.reports.queries import (
    DayNumber,
    Period,
    Scope,
    financial_year_of,
    month_expression,
)
from dtto.reports.summaries import DRUG_TEST_SUMS, EVENT_COUNTS, drug_test_sums
from dtto.standards.rules import SUCCESSFUL_TERMINATION_REASONS
from dtto.standards.targets import completion_target_for
from dtto.standards.timeline import TERMINATION_REASONS

COMPLIANCE_MEASURES = (
    "first_probation_1wd",
    "first_treatment_2wd",
    "contact_phase1",
    "contact_phase2",
    "tests_phase1",
    "tests_phase2",
    "reviews",
    "enforcement",
)
RETENTION_DAYS = {"3_months": 91, "6_months": 183, "12_months": 365}
RECONVICTION_WINDOWS = {"1_year": 365, "2_years": 730}
REFERENCE_GROUPS = {"age_band": "26+", "sex": "M", "ethnic_group": "White"}


def _today(as_of: dt.date | None) -> dt.date:
    return as_of or timezone.localdate()


def _per_100(count: int, base: int) -> float | None:
    return 100 * count / base if base else None


# --- Counts several measures share ------------------------------------------------------------
#
# Several measures count the same rows grouped differently: commencements, compliance,
# enforcement and the area comparison all count Orders made in the period; terminations and
# the area comparison count Orders ended in it; the referral funnel and who is reached count
# referrals. Each of those is one grouped query (a pass), returning a few thousand rows at
# most (area x month x intensity, say), which the measures then add up. Inside ``report`` a
# pass runs once for all the measures that need it.

_T = TypeVar("_T")
_PASSES: ContextVar[dict[tuple[Any, ...], Any] | None] = ContextVar(
    "dtto_report_passes", default=None
)


@contextmanager
def shared_passes() -> Iterator[None]:
    """Within this block, measures asked for the same scope and period share their passes."""
    token = _PASSES.set({})
    try:
        yield
    finally:
        _PASSES.reset(token)


def _shared(key: tuple[Any, ...], compute: Callable[[], _T]) -> _T:
    cache = _PASSES.get()
    if cache is None:
        return compute()
    if key not in cache:
        cache[key] = compute()
    result: _T = cache[key]
    return result


SETTLED_COUNTS = tuple(f"{e}_{part}" for e in EVENT_COUNTS for part in ("judged", "met"))
SUMMED_COUNTS = (
    "cases",
    *(f"{m}__{part}" for m in COMPLIANCE_MEASURES for part in ("n", "d")),
    *(f"settled_{c}" for c in SETTLED_COUNTS),
)


def _compliance_aggregates(day: int) -> dict[str, Any]:
    """Per Order and measure, as of day number ``day``: judged when its first finding was
    final by then, met when judged and no missed finding was final by then."""
    aggregates: dict[str, Any] = {"cases": Count("pk")}
    for measure in COMPLIANCE_MEASURES:
        judged = Q(**{f"{measure}_judged_day__lte": day})
        missed = Q(**{f"{measure}_missed_day__lte": day})
        aggregates[f"{measure}__n"] = Count("pk", filter=judged & ~missed)
        aggregates[f"{measure}__d"] = Count("pk", filter=judged)
    # Orders all of whose findings were final by then: their whole-record counts.
    for count in SETTLED_COUNTS:
        aggregates[f"settled_{count}"] = Coalesce(Sum(count, filter=_settled(day)), 0)
    return aggregates


def _settled(day: int) -> Q:
    return Q(findings_final_day__lte=day) | Q(findings_final_day__isnull=True)


def _made(scope: Scope, period: Period, as_of: dt.date) -> QuerySet[OrderSummary]:
    """Orders made in the period and on or before ``as_of``."""
    return (
        scope.summaries()
        .filter(**period.day_filter("made_day"))
        .filter(made_day__lte=as_of.toordinal())
    )


def _made_pass(scope: Scope, period: Period, as_of: dt.date) -> list[dict[str, Any]]:
    """Orders made in the period (by ``as_of``) by area, calendar month and intensity, with
    the engine's findings final by ``as_of`` counted: what commencements, compliance,
    enforcement and the area comparison need, in one scan of the summaries."""
    return _shared(
        ("made", scope, period, as_of),
        lambda: list(
            _made(scope, period, as_of)
            .annotate(month_start=month_expression("made_on"))
            # Not area first: SQLite would walk the (area, made_on) index and look up each row.
            .values("intensity", "month_start", "area_id")
            .annotate(**_compliance_aggregates(as_of.toordinal()))
            .order_by()
        ),
    )


def _ended_pass(scope: Scope, period: Period, as_of: dt.date) -> list[dict[str, Any]]:
    """Orders ended in the period and by ``as_of`` by area and termination reason, with
    successful completions and expiry in breach: for terminations and the area comparison."""
    return _shared(
        ("ended", scope, period, as_of),
        lambda: list(
            scope.summaries()
            .filter(ended_day__isnull=False, **period.day_filter("ended_day"))
            .filter(ended_day__lte=as_of.toordinal())
            .values("termination_reason", "area_id")
            .annotate(
                total=Count("pk"),
                successful=Count("pk", filter=Q(successful=True)),
                expired_in_breach=Count(
                    "pk",
                    filter=Q(termination_reason__in=SUCCESSFUL_TERMINATION_REASONS, in_breach=True),
                ),
            )
            .order_by()
        ),
    )


def _referral_pass(scope: Scope, period: Period, as_of: dt.date) -> list[dict[str, Any]]:
    """Referrals in the period (by ``as_of``) by assessment outcome and reason known by
    ``as_of``, whether sentenced by then, and the person's age band, sex and ethnic group at
    referral: the funnel and who is reached."""

    def compute() -> list[dict[str, Any]]:
        day = as_of.toordinal()
        assessed = Q(assessed_day__lte=day)
        rows = (
            scope.referrals()
            .filter(**period.day_filter("referred_day"))
            .filter(referred_day__lte=day)
            .annotate(
                outcome_then=When_(When(assessed, then=F("outcome")), default=Value("")),
                reason_then=When_(When(assessed, then=F("reason")), default=Value("")),
                sentenced=When_(
                    When(made_day__lte=day, then=Value(True)),
                    default=Value(False),
                    output_field=BooleanField(),
                ),
            )
            .values("outcome_then", "reason_then", "sentenced", "age_band", "sex", "ethnic_group")
            .annotate(n=Count("pk"))
            .order_by()
        )
        # Blank (no assessment, no reason, not stated) reads as None, as from the record.
        return [
            {k.removesuffix("_then"): v if v != "" else None for k, v in row.items()}
            for row in rows
        ]

    return _shared(("referrals", scope, period, as_of), compute)


def _financial_year_of_month(month: str) -> int:
    """The financial year (April to March) of a 'YYYY-MM' month."""
    year, number = int(month[:4]), int(month[5:7])
    return year if number >= 4 else year - 1


# --- 1. Commencements against targets ---------------------------------------------------------


def commencements(
    scope: Scope, period: Period, *, as_of: dt.date | None = None
) -> results.Commencements[int]:
    """Orders made, by intensity, month and financial year, against area targets (2.2-2.4)."""
    by_intensity: dict[str, int] = defaultdict(int)
    months: dict[str, dict[str, int]] = defaultdict(lambda: {"higher": 0, "lower": 0})
    per_area_year: dict[tuple[int, int, str], int] = defaultdict(int)
    for row in _made_pass(scope, period, _today(as_of)):
        month, intensity, n = row["month_start"], row["intensity"], row["cases"]
        by_intensity[intensity] += n
        months[month][intensity] += n
        per_area_year[(row["area_id"], _financial_year_of_month(month), intensity)] += n
    by_month = [
        {"month": key, **counts, "total": sum(counts.values())}
        for key, counts in sorted(months.items())
    ]
    years = {year for _, year, _ in per_area_year}
    targets = AreaTarget.objects.filter(financial_year__in=years)
    if scope.area_id is not None:
        targets = targets.filter(area_id=scope.area_id)
    target_of = {
        (t.area_id, t.financial_year, t.intensity): t.commencements for t in targets.order_by()
    }
    # Targets are set per area; below area level there is no target to compare with.
    has_targets = scope.kind in ("national", "area")
    by_year: dict[tuple[int, str], dict[str, Any]] = {}
    by_area: list[dict[str, Any]] = []
    names = dict(Area.objects.values_list("pk", "code"))
    for key in sorted(set(per_area_year) | set(target_of)):
        area_id, year, intensity = key
        n = per_area_year.get(key, 0)
        target = target_of.get(key) if has_targets else None
        row = by_year.setdefault(
            (year, intensity),
            {"financial_year": year, "intensity": intensity, "commencements": 0, "target": None},
        )
        row["commencements"] += n
        if target is not None:
            row["target"] = (row["target"] or 0) + target
        if scope.kind == "national":
            by_area.append(
                {
                    "area": names[area_id],
                    "financial_year": year,
                    "intensity": intensity,
                    "commencements": n,
                    "target": target,
                    "share_of_target": n / target if target else None,
                }
            )
    for row in by_year.values():
        row["share_of_target"] = row["commencements"] / row["target"] if row["target"] else None
    return {
        "total": sum(by_intensity.values()),
        "by_intensity": {i: by_intensity.get(i, 0) for i in ("higher", "lower")},
        "by_month": cast(list[results.MonthCommencements[int]], by_month),
        "by_year": cast(
            list[results.YearCommencements[int]], [by_year[k] for k in sorted(by_year)]
        ),
        "by_area": cast(list[results.AreaYearCommencements[int]], by_area),
    }


# --- 2. The referral funnel (Figure 9) ----------------------------------------------------------


def referral_funnel(
    scope: Scope, period: Period, *, as_of: dt.date | None = None
) -> results.ReferralFunnel[int]:
    """Referrals in the period and where they went by ``as_of``; days from referral to Order."""
    as_of = _today(as_of)
    outcomes: dict[str | None, dict[str, int]] = defaultdict(dict)
    sentenced_by_outcome: dict[str | None, int] = defaultdict(int)
    for row in _referral_pass(scope, period, as_of):
        outcome, n = row["outcome"], row["n"]
        reason_key = row["reason"] or "not_recorded"
        outcomes[outcome][reason_key] = outcomes[outcome].get(reason_key, 0) + n
        if row["sentenced"]:
            sentenced_by_outcome[outcome] += n
    referred = sum(sum(r.values()) for r in outcomes.values())
    not_assessed = outcomes.get(Assessment.Outcome.NOT_ASSESSED, {})
    unsuitable = outcomes.get(Assessment.Outcome.UNSUITABLE, {})
    suitable = sum(outcomes.get(Assessment.Outcome.SUITABLE, {}).values())
    sentenced = sum(sentenced_by_outcome.values())
    suitable_sentenced = sentenced_by_outcome.get(Assessment.Outcome.SUITABLE, 0)
    awaiting = sum(outcomes.get(None, {}).values()) - sentenced_by_outcome.get(None, 0)
    not_found_suitable = sum(not_assessed.values()) + sum(unsuitable.values())

    waits = (
        scope.summaries()
        .filter(**period.day_filter("referred_day"))
        .filter(made_day__lte=as_of.toordinal())
        .annotate(wait=F("made_day") - F("referred_day"))
        .values_list("wait")
        .annotate(n=Count("pk"))
        .order_by()
    )
    q25, median, q75 = st.quantiles_from_counts(list(waits), (0.25, 0.5, 0.75))
    return {
        "referred": referred,
        "not_assessed": {"total": sum(not_assessed.values()), "by_reason": not_assessed},
        "unsuitable": {"total": sum(unsuitable.values()), "by_reason": unsuitable},
        "suitable_not_sentenced": suitable - suitable_sentenced,
        "sentenced": sentenced,
        "sentenced_without_assessment": sentenced_by_outcome.get(None, 0),
        "awaiting_assessment": awaiting,
        "not_found_suitable": st.rate(not_found_suitable, referred),
        "sentenced_rate": st.rate(sentenced, referred),
        "days_referral_to_order": {
            "n": sum(n for _, n in waits),
            "median": median,
            "quartile_1": q25,
            "quartile_3": q75,
        },
    }


# --- 3. Terminations and successful completion ----------------------------------------------


def terminations(
    scope: Scope, period: Period, *, as_of: dt.date | None = None
) -> results.Terminations[int]:
    """Orders ended in the period (by ``as_of``), by reason; successful completion against its
    target (3.2-3.3)."""
    counts: dict[str, int] = defaultdict(int)
    by_reason: dict[str, int] = defaultdict(int)
    for row in _ended_pass(scope, period, _today(as_of)):
        by_reason[row["termination_reason"]] += row["total"]
        for key in ("total", "successful", "expired_in_breach"):
            counts[key] += row[key]
    total = counts["total"]
    successful = counts["successful"]
    completion = st.rate(successful, total)
    target = completion_target_for(period.start, period.end)
    return {
        "total": total,
        "by_reason": {r: by_reason.get(r, 0) for r in TERMINATION_REASONS},
        "by_reason_share": {r: st.rate(by_reason.get(r, 0), total) for r in TERMINATION_REASONS},
        "successful": successful,
        "expired_in_breach": counts["expired_in_breach"],
        "successful_rate": completion["rate"],
        "successful_completion": completion,
        # The target in force throughout the period, if any (docs/reports.md).
        "target_rate": None if target is None else target.rate,
        "meets_target": None
        if completion["rate"] is None or target is None
        else completion["rate"] >= target.rate,
    }


# --- 4. Enforcement --------------------------------------------------------------------------


def breaches(
    scope: Scope, period: Period, *, as_of: dt.date | None = None
) -> results.Breaches[int]:
    """Breaches instigated per 100 commencements; share of decided breaches revoked (3.27);
    each counted from its day, up to ``as_of``."""
    as_of = _today(as_of)
    instigated = scope.breaches().filter(**period.filter("on")).filter(on__lte=as_of).count()
    started = sum(row["cases"] for row in _made_pass(scope, period, as_of))
    decided = (
        scope.breaches()
        .filter(decided_on__isnull=False, **period.filter("decided_on"))
        .filter(decided_on__lte=as_of)
        .exclude(outcome__meaning="pending")
    )
    decided_counts = decided.aggregate(
        decided=Count("pk"), revoked=Count("pk", filter=Q(outcome__meaning="revoked"))
    )
    revoked = st.rate(decided_counts["revoked"], decided_counts["decided"])
    return {
        "instigated": instigated,
        "commencements": started,
        "per_100_commencements": _per_100(instigated, started),
        "decided": decided_counts["decided"],
        "revoked": decided_counts["revoked"],
        "continued": decided_counts["decided"] - decided_counts["revoked"],
        "revoked_share": revoked["rate"],
        "revoked_rate": revoked,
    }


# --- 5. National Standard compliance ----------------------------------------------------------


def _sum_counts(rows: list[dict[str, Any]]) -> dict[str, Any]:
    """Add up the compliance counts of a pass's rows."""
    return {key: sum(r[key] for r in rows) for key in SUMMED_COUNTS}


def _compliance_counts(counts: dict[str, Any], as_of: dt.date) -> dict[str, Any]:
    out: dict[str, Any] = {
        m: st.rate(counts[f"{m}__n"], counts[f"{m}__d"]) for m in COMPLIANCE_MEASURES
    }
    out["cases"] = counts["cases"]
    # Every finding counted was final on this day; later ones are not counted.
    out["as_of"] = as_of.isoformat()
    return out


def _by_event(
    counts: dict[str, Any], unsettled: QuerySet[OrderSummary], as_of: dt.date
) -> dict[str, Any]:
    """The findings final by ``as_of`` counted by week, review and failure, not by case: the
    whole-record counts of the Orders settled by then (in ``counts``), plus the findings final
    by then of the Orders still to settle, counted from their rows."""
    day = as_of.toordinal()
    judged = {e: counts[f"settled_{e}_judged"] for e in EVENT_COUNTS}
    met = {e: counts[f"settled_{e}_met"] for e in EVENT_COUNTS}
    event_of = {kind: name for name, kind in EVENT_COUNTS.items()}
    rows = (
        OrderFinding.objects.filter(
            summary__in=unsettled.filter(findings_final_day__gt=day), final_day__lte=day
        )
        .values("kind", "phase")
        .annotate(judged=Count("pk"), met=Count("pk", filter=Q(met=True)))
        .order_by()
    )
    for row in rows:
        event = event_of.get((row["kind"], row["phase"]))
        if event is not None:
            judged[event] += row["judged"]
            met[event] += row["met"]
    return {e: st.rate(met[e], judged[e]) for e in EVENT_COUNTS}


def compliance(
    scope: Scope,
    period: Period,
    *,
    as_of: dt.date | None = None,
    sample_per_area: int | None = None,
    seed: int = 2003,
) -> results.Compliance[int]:
    """National Standard compliance on every Order made in the period (3.15-3.19), counting
    the findings final by ``as_of``.

    With ``sample_per_area``, a reproducible random sample of that many Orders per area, drawn
    the way inspectors draw case files: the same seed gives the same files.
    """
    as_of = _today(as_of)
    if sample_per_area is None:
        counts = _sum_counts(_made_pass(scope, period, as_of))
        out = _compliance_counts(counts, as_of)
        out["by_event"] = _by_event(counts, _made(scope, period, as_of), as_of)
        return cast(results.Compliance[int], out)
    made_ids = _made(scope, period, as_of)
    ids_by_area: dict[int, list[int]] = defaultdict(list)
    for area_id, pk in made_ids.order_by("area_id", "pk").values_list("area_id", "pk"):
        ids_by_area[area_id].append(pk)
    chosen: list[int] = []
    for area_id, ids in sorted(ids_by_area.items()):
        draw = random.Random(f"{seed}:{area_id}")
        chosen.extend(draw.sample(ids, min(sample_per_area, len(ids))))
    sampled = OrderSummary.objects.filter(pk__in=chosen)
    counts = sampled.aggregate(**_compliance_aggregates(as_of.toordinal()))
    out = _compliance_counts(counts, as_of)
    out["by_event"] = _by_event(counts, sampled, as_of)
    out["sample"] = {"seed": seed, "sample_size": sample_per_area, "order_ids": sorted(chosen)}
    return cast(results.Compliance[int], out)


# --- 6. Retention ---------------------------------------------------------------------------


def retention(
    scope: Scope, period: Period, *, by: str | None = None, as_of: dt.date | None = None
) -> results.Retention[int]:
    """Kaplan-Meier of days on the Order for Orders made in the period (3.11, Figure 19).

    An Order that has ended is an event at its days on the Order; one still running on
    ``as_of`` is censored at the days it has run so far. ``by`` splits the curve by
    ``area``, ``intensity``, ``sex``, ``age_band`` or ``ethnic_group``.
    """
    as_of = _today(as_of)
    day = as_of.toordinal()
    # The whole curve and the curve by intensity (both on the dashboard) come from one pass.
    split = "area_id" if by == "area" else by or "intensity"
    rows = _shared(
        ("retention", scope, period, as_of, split),
        lambda: list(_retention_counts(scope, period, day, split)),
    )
    groups: dict[str, dict[tuple[int, int], int]] = defaultdict(lambda: defaultdict(int))
    codes = dict(Area.objects.values_list("pk", "code")) if by == "area" else {}
    for group, days, event, n in rows:
        key = "all" if not by else str(codes.get(group, group))
        groups[key][(days, event)] += n
    out: dict[str, Any] = {"as_of": as_of.isoformat(), "by": by, "groups": {}}
    for key, counted in sorted(groups.items()):
        counts = sorted(counted.items())
        durations = [d for (d, _), _ in counts]
        events = [bool(e) for (_, e), _ in counts]
        weights = [n for _, n in counts]
        km = st.kaplan_meier(durations, events, weights, list(RETENTION_DAYS.values()))
        still_on = {name: km["survival_at"].get(str(d)) for name, d in RETENTION_DAYS.items()}
        out["groups"][key] = {
            "n": km["n"],
            "ended": km["events"],
            "running": km["n"] - km["events"],
            "median_days": km["median_days"],
            "still_on": still_on,
            "curve": km["curve"],
        }
    return cast(results.Retention[int], out)


def _retention_counts(
    scope: Scope, period: Period, day: int, split: str
) -> QuerySet[OrderSummary, tuple[Any, int, int, int]]:
    """Orders made in the period by ``split``, days on the Order by ``day`` and whether it
    had ended (an event) or runs on (censored)."""
    made = scope.summaries().filter(**period.day_filter("made_day")).filter(made_day__lte=day)
    ended = Q(ended_day__isnull=False, ended_day__lte=day)
    return (
        made.annotate(
            days=When_(
                When(ended, then=F("ended_day") - F("made_day") + 1),
                default=Least(F("last_day"), Value(day)) - F("made_day") + 1,
                output_field=IntegerField(),
            ),
            event=When_(When(ended, then=Value(1)), default=Value(0), output_field=IntegerField()),
        )
        .values_list(split, "days", "event")
        .annotate(n=Count("pk"))
        .order_by()
    )


# --- 7. Drug use over time --------------------------------------------------------------------


def _whole_months(period: Period) -> bool:
    starts = period.start is None or period.start.day == 1
    ends = period.end is None or (period.end + dt.timedelta(days=1)).day == 1
    return starts and ends


def _last_whole_made_month(as_of: dt.date, month: int) -> dt.date:
    """The first day of the latest calendar month all of whose Orders had finished their
    ``month``-th month of the Order by ``as_of`` (its Orders made on its last day the latest)."""
    first = as_of.replace(day=1)
    while (
        add_months(add_months(first, 1) - dt.timedelta(days=1), month) - dt.timedelta(days=1)
        > as_of
    ):
        first = add_months(first, -1)
    return first


def drug_use(
    scope: Scope, period: Period, *, max_month: int = 24, as_of: dt.date | None = None
) -> results.DrugUse[int]:
    """Share of tests negative for opiates and for cocaine by month on the Order (Figure 16),
    counting each month of an Order once it has ended by ``as_of``."""
    as_of = _today(as_of)
    day = as_of.toordinal()
    details = (
        scope.months()
        .filter(month__lte=max_month, **period.filter("summary__made_on"))
        .filter(ends_day__lte=day)
    )
    totals: dict[int, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    if scope.kind in ("national", "area") and _whole_months(period):
        # Whole calendar months at area level: the area-by-month rollup has the same sums
        # for the Orders made in months whose every Order has finished the month on the
        # Order by ``as_of``; the one calendar month part-way through it is read in detail.
        whole, part = Q(), Q()
        for month in range(1, max_month + 1):
            last = _last_whole_made_month(as_of, month)
            after = add_months(last, 1)
            whole |= Q(month=month, made_month__lte=last.strftime("%Y-%m"))
            part |= Q(
                month=month, summary__made_on__gte=after, summary__made_on__lt=add_months(after, 1)
            )
        rollup = DrugTestRollup.objects.filter(whole)
        if scope.area_id is not None:
            rollup = rollup.filter(area_id=scope.area_id)
        if period.start is not None:
            rollup = rollup.filter(made_month__gte=period.start.strftime("%Y-%m"))
        if period.end is not None:
            rollup = rollup.filter(made_month__lte=period.end.strftime("%Y-%m"))
        sums = {f"{f}_sum": Sum(f) for f in DRUG_TEST_SUMS}
        for m in rollup.values("month").annotate(**sums).order_by():
            for f in DRUG_TEST_SUMS:
                totals[m["month"]][f] += m[f"{f}_sum"]
        details = details.filter(part)
    for m in details.values("month").annotate(**drug_test_sums()).order_by():
        for f in DRUG_TEST_SUMS:
            totals[m["month"]][f] += m[f"{f}_sum"]
    rows = []
    for month in sorted(totals):
        counted = totals[month]
        row: dict[str, Any] = {"month": month}
        for drug in ("opiate", "cocaine"):
            row[drug] = {
                "tests_negative": st.rate(counted[f"{drug}_negative"], counted[f"{drug}_tests"]),
                "people": counted[f"{drug}_people"],
                "people_all_negative": st.rate(
                    counted[f"{drug}_people_clear"], counted[f"{drug}_people"]
                ),
            }
        rows.append(row)
    return {"months": cast(list[results.DrugUseMonth[int]], rows)}


# --- 8. Who is reached --------------------------------------------------------------------------

STAGES = ("referred", "assessed", "commenced", "terminated", "successful")
ASSESSED = (Assessment.Outcome.SUITABLE, Assessment.Outcome.UNSUITABLE)


def reach(scope: Scope, period: Period, *, as_of: dt.date | None = None) -> results.Reach[int]:
    """Age band, sex and ethnic group at each stage, for people referred in the period.

    Each group's rate at a stage is conditional on the stage before it that matters: assessed
    and commenced out of referred, successful completion out of terminated. The relative
    rate compares it with the reference group (26+, men, White) with a 95% interval. Each
    stage is counted as it stood on ``as_of``.
    """
    as_of = _today(as_of)
    day = as_of.toordinal()
    # Referred and assessed from the referrals; commenced, terminated and successful from
    # the Orders' summaries, which carry the same age band, sex and ethnic group at referral.
    referral_rows = [
        {
            "age_band": r["age_band"],
            "sex": r["sex"],
            "ethnic_group": r["ethnic_group"],
            "referred": r["n"],
            "assessed": r["n"] if r["outcome"] in ASSESSED else 0,
        }
        for r in _referral_pass(scope, period, as_of)
    ]
    ended = Q(ended_day__isnull=False, ended_day__lte=day)
    order_rows = list(
        scope.summaries()
        .filter(**period.day_filter("referred_day"))
        .filter(referred_day__lte=day, made_day__lte=day)
        .values("age_band", "sex", "ethnic_group")
        .annotate(
            commenced=Count("pk"),
            terminated=Count("pk", filter=ended),
            successful=Count("pk", filter=ended & Q(successful=True)),
        )
        .order_by()
    )
    out: dict[str, Any] = {"reference_groups": REFERENCE_GROUPS, "dimensions": {}}
    for dimension in REFERENCE_GROUPS:
        counted: dict[str, dict[str, int]] = {}
        for row in (*referral_rows, *order_rows):
            group = row[dimension] or "Not stated"
            totals_row = counted.setdefault(group, dict.fromkeys(STAGES, 0))
            for stage in STAGES:
                totals_row[stage] += row.get(stage, 0)
        reference = counted.get(REFERENCE_GROUPS[dimension])
        groups = {}
        for group, row in sorted(counted.items()):
            stages: dict[str, Any] = {"referred": {"count": row["referred"]}}
            for stage, base in (
                ("assessed", "referred"),
                ("commenced", "referred"),
                ("successful", "terminated"),
            ):
                entry = {"count": row[stage], **st.rate(row[stage], row[base])}
                entry["relative_rate"] = (
                    st.relative_rate(row[stage], row[base], reference[stage], reference[base])
                    if reference is not None
                    else st.relative_rate(0, 0, 0, 0)
                )
                stages[stage] = entry
            stages["terminated"] = {"count": row["terminated"]}
            groups[group] = stages
        totals = {s: sum(r[s] for r in counted.values()) for s in STAGES}
        # Each group's share of everyone at each stage: disproportion shows as a changing share.
        for group, row in counted.items():
            groups[group]["share"] = {
                s: (row[s] / totals[s] if totals[s] else None) for s in STAGES
            }
        out["dimensions"][dimension] = groups
    return cast(results.Reach[int], out)


# --- 9. Costs -------------------------------------------------------------------------------


def costs(scope: Scope, financial_year: int, *, as_of: dt.date | None = None) -> results.Costs[int]:
    """Unit costs per area from budgets (3.32-3.33, Figure 24).

    Per commencement and per successful completion in the year, and per day actually spent on
    the Order in the year (days served by every Order in force, up to ``as_of``), against a
    day in custody. Budgets are per area, so a team or court scope reports its area.
    """
    as_of = _today(as_of)
    year = Period.financial_year(financial_year)
    assert year.start is not None and year.end is not None
    first, last = year.start.toordinal(), min(year.end, as_of).toordinal()
    budgets = AreaBudget.objects.filter(financial_year=financial_year).select_related("area")
    area_scope = scope if scope.kind in ("national", "area") else None
    if scope.area_id is not None:
        budgets = budgets.filter(area_id=scope.area_id)
        if area_scope is None:
            area_scope = Scope.area(Area.objects.get(pk=scope.area_id).code)
    assert area_scope is not None
    overlap = Greatest(
        Least(F("last_day"), Value(last)) - Greatest(F("made_day"), Value(first)) + 1, Value(0)
    )
    per_area = {
        row["area"]: row
        for row in area_scope.summaries()
        # area_id + 0: grouping by the bare column makes SQLite walk its index row by row.
        .annotate(area=F("area_id") + 0)
        .values("area")
        .annotate(
            # Up to ``as_of`` inside the year (``last``): nothing later is known on that day.
            started=Count("pk", filter=Q(**year.day_filter("made_day")) & Q(made_day__lte=last)),
            successful=Count(
                "pk",
                filter=Q(successful=True, **year.day_filter("ended_day")) & Q(ended_day__lte=last),
            ),
            days=Sum(overlap, filter=Q(made_day__lte=last, last_day__gte=first)),
        )
        .order_by()
    }
    started = {a: r["started"] for a, r in per_area.items()}
    successful = {a: r["successful"] for a, r in per_area.items()}
    days = {a: r["days"] for a, r in per_area.items()}
    rows = []
    for budget in budgets:
        total = budget.supervision + budget.treatment + budget.testing
        n_started = started.get(budget.area_id, 0)
        n_successful = successful.get(budget.area_id, 0)
        n_days = days.get(budget.area_id, 0) or 0
        daily = _money(total / n_days) if n_days else None
        rows.append(
            {
                "area": budget.area.code,
                "budget": _money(total),
                "treatment_share": float(budget.treatment / total) if total else None,
                "commencements": n_started,
                "cost_per_commencement": _money(total / n_started) if n_started else None,
                "successful_completions": n_successful,
                "cost_per_successful_completion": (
                    _money(total / n_successful) if n_successful else None
                ),
                "order_days": n_days,
                "cost_per_day": daily,
                "custody_day_cost": _money(budget.custody_day_cost),
                "share_of_custody_cost": (
                    daily / float(budget.custody_day_cost)
                    if daily is not None and budget.custody_day_cost
                    else None
                ),
            }
        )
    return {"financial_year": financial_year, "areas": cast(list[results.AreaCosts[int]], rows)}


def _money(value: Decimal | float) -> float:
    return round(float(value), 2)


# --- 10. Reconviction ---------------------------------------------------------------------------


def reconviction(
    scope: Scope, period: Period, *, as_of: dt.date | None = None
) -> results.Reconviction[int]:
    """Share reconvicted within 1 and 2 years of commencement (3.7, Figure 17).

    Counts only Orders made at least the whole window before ``as_of``, so everyone counted
    was followed up for the whole window; a conviction counts if it falls after the day the
    Order was made and within the window (365 or 730 days).
    """
    as_of = _today(as_of)
    made = scope.summaries().filter(**period.day_filter("made_day"))
    # Days from the Order to the first later conviction, found once per Order in the database.
    first = (
        Conviction.objects.annotate(day=DayNumber("on"))
        .filter(case_id=OuterRef("order__case_id"), day__gt=OuterRef("made_day"))
        .order_by("day")
        .values("day")[:1]
    )
    made = made.annotate(after=Subquery(first) - F("made_day"))
    today = as_of.toordinal()
    aggregates: dict[str, Any] = {}
    for name, window in RECONVICTION_WINDOWS.items():
        followed = Q(made_day__lte=today - window)
        within = Q(after__lte=window)
        completer = Q(successful=True, ended_day__lte=today)
        aggregates[f"{name}_all"] = Count("pk", filter=followed)
        aggregates[f"{name}_all_convicted"] = Count("pk", filter=followed & within)
        aggregates[f"{name}_completers"] = Count("pk", filter=followed & completer)
        aggregates[f"{name}_completers_convicted"] = Count(
            "pk", filter=followed & completer & within
        )
    counts = made.aggregate(**aggregates)
    out: dict[str, Any] = {"as_of": as_of.isoformat(), "windows": {}}
    for name, window in RECONVICTION_WINDOWS.items():
        out["windows"][name] = {
            "window_days": window,
            "all_starters": st.rate(counts[f"{name}_all_convicted"], counts[f"{name}_all"]),
            "completers": st.rate(
                counts[f"{name}_completers_convicted"], counts[f"{name}_completers"]
            ),
        }
    return cast(results.Reconviction[int], out)


# --- 11. Comparing areas honestly -----------------------------------------------------------


def area_comparison(period: Period, *, as_of: dt.date | None = None) -> results.AreaComparison[int]:
    """Each area's completion rate on a funnel plot, and compliance against completion.

    Appendix 2 of the source compared areas' compliance with their completion rates; here
    the correlation is computed over areas with at least 5 terminations and 5 judged cases.
    """
    as_of = _today(as_of)
    names = dict(Area.objects.values_list("pk", "code"))
    national = Scope.national()
    completion_counts: dict[int, list[int]] = defaultdict(lambda: [0, 0])
    for row in _ended_pass(national, period, as_of):
        completion_counts[row["area_id"]][0] += row["successful"]
        completion_counts[row["area_id"]][1] += row["total"]
    completion = {area_id: (s, n) for area_id, (s, n) in completion_counts.items()}
    made_by_area: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for row in _made_pass(national, period, as_of):
        made_by_area[row["area_id"]].append(row)
    compliance_rows = {area_id: _sum_counts(rows) for area_id, rows in made_by_area.items()}
    total_s = sum(s for s, _ in completion.values())
    total_n = sum(n for _, n in completion.values())
    p0 = total_s / total_n if total_n else None
    areas: list[dict[str, Any]] = []
    for area_id, code in sorted(names.items(), key=lambda kv: kv[1]):
        s, n = completion.get(area_id, (0, 0))
        row = compliance_rows.get(area_id, {})
        compliance_rates = {
            m: st.rate(row.get(f"{m}__n", 0), row.get(f"{m}__d", 0)) for m in COMPLIANCE_MEASURES
        }
        judged = [r["rate"] for r in compliance_rates.values() if r["rate"] is not None]
        areas.append(
            {
                "area": code,
                "successful_completion": st.rate(s, n),
                "funnel": st.funnel_position(s, n, p0) if p0 is not None else "no_data",
                "compliance": compliance_rates,
                # The unweighted mean of the measures the area has judged cases for.
                "compliance_index": sum(judged) / len(judged) if judged else None,
            }
        )
    correlations: dict[str, Any] = {}
    for measure in (*COMPLIANCE_MEASURES, "compliance_index"):
        pairs = []
        for a in areas:
            c = a["successful_completion"]
            x = (
                a["compliance_index"]
                if measure == "compliance_index"
                else a["compliance"][measure]["rate"]
            )
            d = 5 if measure == "compliance_index" else a["compliance"][measure]["denominator"]
            if x is not None and c["denominator"] >= 5 and d >= 5:
                pairs.append((x, c["rate"]))
        correlations[measure] = {
            **st.correlation([x for x, _ in pairs], [y for _, y in pairs]),
            # The number of areas is not a count of people: never suppressed.
            "n_areas": len(pairs),
        }
    sizes = [n for _, n in completion.values() if n > 0]
    limits = []
    if p0 is not None and sizes:
        grid = sorted({*sizes, *range(1, max(sizes) + 1, max(1, max(sizes) // 50))})
        limits = st.funnel_limits(p0, grid)
    return {
        "overall_rate": p0,
        "areas": cast(list[results.AreaResult[int]], areas),
        "funnel_limits": limits,
        "correlation_with_completion": correlations,
    }


# --- 12. For sentencers ----------------------------------------------------------------------


def sentencer_summary(
    court: str, period: Period, *, as_of: dt.date | None = None
) -> results.SentencerSummary[int]:
    """One page on how the sentence is working at a court (Appendix 1 standard 7)."""
    with shared_passes():
        return _sentencer_summary(Scope.court(court), period, as_of=as_of)


def _sentencer_summary(
    scope: Scope, period: Period, *, as_of: dt.date | None
) -> results.SentencerSummary[int]:
    as_of = _today(as_of)
    ended = terminations(scope, period, as_of=as_of)
    kept = retention(scope, period, as_of=as_of)["groups"].get("all")
    use = drug_use(scope, period, max_month=12, as_of=as_of)["months"]
    first = next((m for m in use if m["month"] == 1), None)
    later = [m for m in use if m["month"] >= 6]
    return {
        "court": scope.to_json(),
        "period": period.to_json(),
        "commencements": commencements(scope, period, as_of=as_of)["total"],
        "terminations": {
            "total": ended["total"],
            "successful": ended["successful"],
            "successful_completion": ended["successful_completion"],
            "expired_in_breach": ended["expired_in_breach"],
            "by_reason": ended["by_reason"],
        },
        "on_order": None if kept is None else {"orders": kept["n"], "ended": kept["ended"]},
        "still_on_at_6_months": None if kept is None else kept["still_on"]["6_months"],
        "median_days_on_order": None if kept is None else kept["median_days"],
        "breaches": breaches(scope, period, as_of=as_of),
        "reviews_held_when_due": compliance(scope, period, as_of=as_of)["reviews"],
        "opiate_negative_month_1": None if first is None else first["opiate"]["tests_negative"],
        "opiate_negative_month_6_on": _pool([m["opiate"]["tests_negative"] for m in later]),
        "reconviction": reconviction(scope, period, as_of=as_of)["windows"],
    }


def _pool(rates: list[results.Rate[int]]) -> results.Rate[int]:
    return st.rate(sum(r["numerator"] for r in rates), sum(r["denominator"] for r in rates))


# --- Everything at once ----------------------------------------------------------------------


def report(
    scope: Scope,
    period: Period,
    *,
    as_of: dt.date | None = None,
    sample_per_area: int | None = None,
    seed: int = 2003,
) -> results.Report[int]:
    """The whole dashboard as one document (the JSON contract of issue 5, and more)."""
    with shared_passes():
        return _report(
            scope, period, as_of=_today(as_of), sample_per_area=sample_per_area, seed=seed
        )


def _report(
    scope: Scope, period: Period, *, as_of: dt.date, sample_per_area: int | None, seed: int
) -> results.Report[int]:
    end = period.end or as_of
    out: dict[str, Any] = {
        "format": "dtto-report/1",
        "scope": scope.to_json(),
        "period": period.to_json(),
        "as_of": as_of.isoformat(),
        "commencements": commencements(scope, period, as_of=as_of),
        "referrals": referral_funnel(scope, period, as_of=as_of),
        "terminations": terminations(scope, period, as_of=as_of),
        "breaches": breaches(scope, period, as_of=as_of),
        "compliance": compliance(scope, period, as_of=as_of),
        "retention": retention(scope, period, as_of=as_of),
        "retention_by_intensity": retention(scope, period, by="intensity", as_of=as_of),
        "drug_use": drug_use(scope, period, as_of=as_of),
        "reach": reach(scope, period, as_of=as_of),
        "costs": costs(scope, financial_year_of(end), as_of=as_of)
        if scope.kind in ("national", "area")
        else None,
        "reconviction": reconviction(scope, period, as_of=as_of),
    }
    if scope.kind == "national":
        out["areas"] = area_comparison(period, as_of=as_of)
    if sample_per_area is not None:
        out["compliance_sample"] = compliance(
            scope, period, as_of=as_of, sample_per_area=sample_per_area, seed=seed
        )
    return cast(results.Report[int], out)
