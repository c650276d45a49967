"""Disclosure control for issue 14's measures, by the rules of :mod:`dtto.reports.statistics`:
a count of 1 to 4 people, Orders or hearings is withheld, with every figure computed from it.
"""

from __future__ import annotations

from typing import cast

from dtto.reports import outcome_results as out
from dtto.reports.results import Costs, Count, Report
from dtto.reports.statistics import _count, _rate, _small, _unless_small


def _conviction_rate(r: out.ConvictionRate[int]) -> out.ConvictionRate[Count]:
    """Withheld whole when the people or the convictions are 1 to 4: the rate and its
    interval would give the count away."""
    if _small(r["people"]) or _small(r["convictions"]):
        return {
            "convictions": None,
            "people": None,
            "person_years": None,
            "rate": None,
            "ci_low": None,
            "ci_high": None,
        }
    return cast(out.ConvictionRate[Count], r)


def _offending(o: out.Offending[int]) -> out.Offending[Count]:
    return {
        "rate_before": _conviction_rate(o["rate_before"]),
        "rate_after": [
            cast(out.YearAfter[Count], {**_conviction_rate(y), "year": y["year"]})
            for y in o["rate_after"]
        ],
    }


def _revocations(r: out.Revocations[int]) -> out.Revocations[Count]:
    return {
        "revoked_on_conviction": _count(r["revoked_on_conviction"]),
        "offence_before_order": _rate(r["offence_before_order"]),
        "offence_during_order": _rate(r["offence_during_order"]),
        # With the total and the two shares published, this count is their difference.
        "offence_date_not_known": _unless_small(
            _count(r["offence_date_not_known"]),
            r["offence_before_order"]["numerator"],
            r["offence_during_order"]["numerator"],
            r["revoked_on_conviction"],
        ),
    }


def _spend_costs(c: Costs[int], published: Costs[Count]) -> None:
    if "spend" not in c:
        return
    basis = c["spend_basis"]
    hearings = c["enforcement_hearings"]
    published["spend"] = c["spend"]
    published["spend_basis"] = {
        **basis,
        "commencements": _count(basis["commencements"]),
        "successful_completions": _count(basis["successful_completions"]),
    }
    published["cost_per_commencement"] = _unless_small(
        c["cost_per_commencement"], basis["commencements"]
    )
    published["cost_per_successful_completion"] = _unless_small(
        c["cost_per_successful_completion"], basis["successful_completions"]
    )
    published["cost_per_day"] = c["cost_per_day"]
    published["enforcement_hearings"] = {
        "breach_hearings": _count(hearings["breach_hearings"]),
        "review_hearings": _count(hearings["review_hearings"]),
        "unit_costs": hearings["unit_costs"],
        "unit_cost_basis": hearings["unit_cost_basis"],
        "cost": _unless_small(
            hearings["cost"], hearings["breach_hearings"], hearings["review_hearings"]
        ),
    }


def publish_outcomes(d: Report[int], published: Report[Count]) -> None:
    """Add issue 14's measures of ``d``, fit to publish, to ``published``."""
    if "offending" in d:
        published["offending"] = _offending(d["offending"])
    if "revocations" in d:
        published["revocations"] = _revocations(d["revocations"])
    if "assessment" in d:
        published["assessment"] = {
            "within_deadline": _rate(d["assessment"]["within_deadline"]),
            "adjourned_for_assessment": _rate(d["assessment"]["adjourned_for_assessment"]),
        }
    if "court_feedback" in d:
        published["court_feedback"] = _court_feedback(d["court_feedback"])
    if "contact_hours" in d:
        published["contact_hours"] = _contact_hours(d["contact_hours"])
    costs, published_costs = d["costs"], published["costs"]
    if costs is not None and published_costs is not None:
        _spend_costs(costs, published_costs)


def publish_provider(p: out.ProviderActivity[int]) -> out.ProviderActivity[Count]:
    """A provider's activity fit to publish: counts of 1 to 4 withheld with their rates."""
    return {
        **p,
        "referred": _count(p["referred"]),
        "started": _rate(p["started"]),
        "retained_3_months": _rate(p["retained_3_months"]),
        "onward": _rate(p["onward"]),
    }


def _court_feedback(c: out.CourtFeedbackSummary[int]) -> out.CourtFeedbackSummary[Count]:
    return {
        "reports_sent": _count(c["reports_sent"]),
        "feedback_given": _rate(c["feedback_given"]),
        "by_feedback": {k: _count(v) for k, v in c["by_feedback"].items()},
        "useful": _rate(c["useful"]),
    }


def _activity_hours(a: out.ActivityHours[int], *, total_withheld: bool) -> out.ActivityHours[Count]:
    """Withheld whole when 1 to 4 Orders stand behind it: their hours are those people's
    own. Its share goes too when the total it divides by is withheld (with the share and
    the hours published, the total would follow)."""
    if _small(a["orders"]):
        return {
            "hours": None,
            "share": None,
            "appointments": None,
            "orders": None,
            "suppressed": True,
        }
    return {
        "hours": a["hours"],
        "share": None if total_withheld else a["share"],
        "appointments": a["appointments"],
        "orders": a["orders"],
    }


def _contact_hours(c: out.ContactHours[int]) -> out.ContactHours[Count]:
    withheld = _small(c["orders"])
    return {
        "hours": None if withheld else c["hours"],
        "appointments": None if withheld else c["appointments"],
        "orders": _count(c["orders"]),
        "by_activity": {
            k: _activity_hours(a, total_withheld=withheld) for k, a in c["by_activity"].items()
        },
    }
