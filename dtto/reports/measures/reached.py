"""Who is reached: each group of people at every stage from referral to successful
completion (recommendations ii-iv, 2.15-2.18, Appendix 1 standard 2).

Definitions: docs/reports.md, section 8.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any, cast

from django.db.models import Count, Q

from dtto.cases.models import Assessment
from dtto.reports import results
from dtto.reports import statistics as st
from dtto.reports.queries import Period, Scope

from .common import REFERENCE_GROUPS, _referral_pass, _shared, _today

STAGES = ("referred", "assessed", "suitable", "commenced", "terminated", "successful")
ASSESSED = (Assessment.Outcome.SUITABLE, Assessment.Outcome.UNSUITABLE)
# Each stage's rate and the stage it is out of.
RATES = (
    ("assessed", "referred"),
    ("suitable", "assessed"),
    ("commenced", "referred"),
    ("successful", "terminated"),
)
# The person at referral as the summaries keep it (age band, sex, ethnic group), and as the
# person's record holds it now (main drug, accommodation, mental health need: the record
# keeps no history of them).
SUMMARY_DIMENSIONS = ("age_band", "sex", "ethnic_group")
PERSON_DIMENSIONS = {
    "main_drug": "person__main_drug__code",
    "accommodation": "person__accommodation__code",
    "mental_health_need": "person__mental_health_need",
}
NOT_RECORDED = "not_recorded"


def reach(scope: Scope, period: Period, *, as_of: dt.date | None = None) -> results.Reach[int]:
    """Each group of people referred in the period at each stage, as it stood on ``as_of``.

    A group's rate at a stage is out of the stage it follows: assessed (suitable or
    unsuitable) and commenced out of referred, found suitable out of assessed, successful
    completion out of terminated. The relative rate compares it with the reference group
    (``REFERENCE_GROUPS``) with a 95% interval.
    """
    as_of = _today(as_of)
    day = as_of.toordinal()
    rows = [*_summary_rows(scope, period, as_of), *_person_rows(scope, period, day)]
    out: dict[str, Any] = {"reference_groups": REFERENCE_GROUPS, "dimensions": {}}
    for dimension in REFERENCE_GROUPS:
        counted: dict[str, dict[str, int]] = {}
        for row in rows:
            if dimension not in row:
                continue
            totals_row = counted.setdefault(row[dimension], dict.fromkeys(STAGES, 0))
            for stage in STAGES:
                totals_row[stage] += row.get(stage, 0)
        out["dimensions"][dimension] = _groups(counted, counted.get(REFERENCE_GROUPS[dimension]))
    return cast(results.Reach[int], out)


def _groups(counted: dict[str, dict[str, int]], reference: dict[str, int] | None) -> dict[str, Any]:
    groups: dict[str, Any] = {}
    totals = {s: sum(r[s] for r in counted.values()) for s in STAGES}
    for group, row in sorted(counted.items()):
        stages: dict[str, Any] = {
            "referred": {"count": row["referred"]},
            "terminated": {"count": row["terminated"]},
        }
        for stage, base in RATES:
            stages[stage] = {
                "count": row[stage],
                **st.rate(row[stage], row[base]),
                "relative_rate": st.relative_rate(
                    row[stage], row[base], reference[stage], reference[base]
                )
                if reference is not None
                else st.relative_rate(0, 0, 0, 0),
            }
        # Each group's share of everyone at each stage: disproportion shows as a changing share.
        stages["share"] = {s: (row[s] / totals[s] if totals[s] else None) for s in STAGES}
        groups[group] = stages
    return groups


def _summary_rows(scope: Scope, period: Period, as_of: dt.date) -> list[dict[str, Any]]:
    """Age band, sex and ethnic group at referral: referred, assessed and found suitable from
    the referrals' shared pass; commenced, terminated and successful from the Orders'
    summaries, which carry the same facts at referral."""
    day = as_of.toordinal()
    referral_rows = [
        {
            **{d: r[d] or "Not stated" for d in SUMMARY_DIMENSIONS},
            "referred": r["n"],
            "assessed": r["n"] if r["outcome"] in ASSESSED else 0,
            "suitable": r["n"] if r["outcome"] == Assessment.Outcome.SUITABLE else 0,
        }
        for r in _referral_pass(scope, period, as_of)
    ]
    order_rows = [
        {**{d: r[d] or "Not stated" for d in SUMMARY_DIMENSIONS}, **_stage_counts(r)}
        for r in _order_counts(scope, period, day, SUMMARY_DIMENSIONS)
    ]
    return referral_rows + order_rows


def _person_rows(scope: Scope, period: Period, day: int) -> list[dict[str, Any]]:
    """Main drug, accommodation and mental health need from the person's record, joined in
    the database to the referral summaries and the Orders' summaries."""

    def compute() -> list[dict[str, Any]]:
        assessed = Q(assessed_day__lte=day)
        referrals = (
            scope.referrals()
            .filter(**period.day_filter("referred_day"))
            .filter(referred_day__lte=day)
            .values(*(f"case__{f}" for f in PERSON_DIMENSIONS.values()))
            .annotate(
                referred=Count("pk"),
                assessed=Count("pk", filter=assessed & Q(outcome__in=ASSESSED)),
                suitable=Count("pk", filter=assessed & Q(outcome=Assessment.Outcome.SUITABLE)),
            )
            .order_by()
        )
        orders = _order_counts(
            scope, period, day, [f"order__case__{f}" for f in PERSON_DIMENSIONS.values()]
        )
        out = []
        for prefix, found in (("case__", referrals), ("order__case__", orders)):
            for r in found:
                row = {d: _group(r[f"{prefix}{f}"]) for d, f in PERSON_DIMENSIONS.items()}
                out.append({**row, **_stage_counts(r)})
        return out

    return _shared(("reach-person", scope, period, day), compute)


def _group(value: str | bool | None) -> str:
    """A code as it is; yes/no as words; nothing recorded as ``not_recorded``."""
    if value is None or value == "":
        return NOT_RECORDED
    if isinstance(value, bool):
        return "yes" if value else "no"
    return value


def _order_counts(scope: Scope, period: Period, day: int, fields: Iterable[str]) -> Any:
    ended = Q(ended_day__isnull=False, ended_day__lte=day)
    return (
        scope.summaries()
        .filter(**period.day_filter("referred_day"))
        .filter(referred_day__lte=day, made_day__lte=day)
        .values(*fields)
        .annotate(
            commenced=Count("pk"),
            terminated=Count("pk", filter=ended),
            successful=Count("pk", filter=ended & Q(successful=True)),
        )
        .order_by()
    )


def _stage_counts(row: dict[str, Any]) -> dict[str, int]:
    return {s: row[s] for s in STAGES if s in row}
