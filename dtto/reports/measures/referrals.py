"""Referrals: where they went (the funnel, Figure 9) and who is reached at each stage
(recommendation ii).

Definitions: docs/reports.md.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import Any, cast

from django.db.models import Count, F, Q

from dtto.cases.models import Assessment
from dtto.reports import results
from dtto.reports import statistics as st
from dtto.reports.queries import Period, Scope

from .common import REFERENCE_GROUPS, _referral_pass, _today

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
