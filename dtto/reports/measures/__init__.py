"""The report functions: one per question the audit asked, each returning plain data.

Every function takes a :class:`~dtto.reports.queries.Scope` and a
:class:`~dtto.reports.queries.Period` and aggregates in the database over the per-Order
summaries (``dtto.reports.models``), plus a few event tables counted directly (breaches,
convictions, referrals). None walks events in Python. Rates are fractions with Wilson
intervals (``statistics.rate``), None when the denominator is 0. Each measure's numerator,
denominator, exclusions and censoring are defined in docs/reports.md.

One module per question (``orders``, ``referrals``, ``reached``, ``national_standard``,
``time_on_order``, ``revocation``, ``drug_tests``, ``spending``, ``reoffending``, ``reviews``,
``continuity``, ``contact_hours``, ``comparison``; what they share in ``common``);
this package puts them together as one report.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, cast

from dtto.reports import results
from dtto.reports.queries import Period, Scope

from .aftercare import treatment_started
from .assessment_timing import assessment_timing
from .common import (
    COMPLIANCE_MEASURES,
    RECONVICTION_WINDOWS,
    REFERENCE_GROUPS,
    RETENTION_DAYS,
    _today,
    shared_passes,
)
from .comparison import area_comparison, sentencer_summary
from .contact_hours import contact_hours
from .continuity import continuity
from .drug_tests import clear_majority_by_month, drug_use
from .national_standard import compliance
from .offending import offending, revocations
from .orders import breaches, commencements, terminations
from .partners import court_feedback, provider_activity
from .reached import ASSESSED, STAGES, reach
from .referrals import referral_funnel
from .reoffending import reconviction
from .reviews import reviews
from .revocation import revocation
from .spend import spend_costs
from .spending import costs, costs_year
from .time_on_order import retention

__all__ = [
    "ASSESSED",
    "COMPLIANCE_MEASURES",
    "RECONVICTION_WINDOWS",
    "REFERENCE_GROUPS",
    "RETENTION_DAYS",
    "STAGES",
    "area_comparison",
    "assessment_timing",
    "breaches",
    "clear_majority_by_month",
    "commencements",
    "compliance",
    "contact_hours",
    "continuity",
    "costs",
    "costs_year",
    "court_feedback",
    "drug_use",
    "offending",
    "provider_activity",
    "reach",
    "reconviction",
    "referral_funnel",
    "report",
    "retention",
    "reviews",
    "revocation",
    "revocations",
    "sentencer_summary",
    "shared_passes",
    "spend_costs",
    "terminations",
    "treatment_started",
]

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
        "contact_hours": contact_hours(scope, period, as_of=as_of),
        "retention": {
            **retention(scope, period, as_of=as_of),
            "revocation": revocation(scope, period, as_of=as_of),
        },
        "retention_by_intensity": retention(scope, period, by="intensity", as_of=as_of),
        "drug_use": drug_use(scope, period, as_of=as_of),
        "reach": reach(scope, period, as_of=as_of),
        "costs": costs(scope, costs_year(period, as_of), as_of=as_of)
        if scope.kind in ("national", "area")
        else None,
        "reconviction": reconviction(scope, period, as_of=as_of),
        "reviews": reviews(scope, period, as_of=as_of),
        "continuity": {
            **continuity(scope, period, as_of=as_of),
            **treatment_started(scope, period, as_of=as_of),
        },
        "offending": offending(scope, period, as_of=as_of),
        "revocations": revocations(scope, period, as_of=as_of),
        "assessment": assessment_timing(scope, period, as_of=as_of),
        "court_feedback": court_feedback(scope, period, as_of=as_of),
    }
    if out["costs"] is not None:
        out["costs"].update(spend_costs(scope, out["costs"]["financial_year"], as_of=as_of))
    if scope.kind == "national":
        out["areas"] = area_comparison(period, as_of=as_of)
    if sample_per_area is not None:
        out["compliance_sample"] = compliance(
            scope, period, as_of=as_of, sample_per_area=sample_per_area, seed=seed
        )
    return cast(results.Report[int], out)
