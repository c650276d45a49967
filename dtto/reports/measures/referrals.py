"""Referrals: where they went (the funnel, Figure 9). Who is reached at each stage
(recommendation ii) is in ``reached``.

Definitions: docs/reports.md.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from django.db.models import Count, F

from dtto.cases.models import Assessment
from dtto.reports import results
from dtto.reports import statistics as st
from dtto.reports.queries import Period, Scope

from .common import _referral_pass, _today

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
