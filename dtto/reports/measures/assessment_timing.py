"""Assessment of suitability against its deadline, and adjournments for assessment (Figure 4,
Appendix 1 standard 7).

Definitions: docs/reports.md ("Assessment and the pre-sentence report").
"""

from __future__ import annotations

import datetime as dt

from dtto.cases.models import Assessment
from dtto.reports import outcome_results as out
from dtto.reports import statistics as st
from dtto.reports.queries import Period, Scope
from dtto.standards.rules import ASSESSMENT_DEADLINE

from .common import _today

ASSESSED = (Assessment.Outcome.SUITABLE, Assessment.Outcome.UNSUITABLE)


def assessment_deadline(referred_on: dt.date, psr_delivered_on: dt.date | None) -> dt.date:
    """The last day for the assessment.

    Figure 4: assessment "should usually be within the Pre-Sentence Report"; one completed
    after the report was presented is due within five working days of it. So with a report
    date the deadline is five working days after it (an assessment inside the report is
    earlier still); without one, dtto counts the five working days from the referral (as the
    queues do).
    """
    return ASSESSMENT_DEADLINE.due_by(psr_delivered_on or referred_on)


def assessment_timing(
    scope: Scope, period: Period, *, as_of: dt.date | None = None
) -> out.AssessmentTiming[int]:
    """Of the people referred in the period and assessed (found suitable or unsuitable) by
    ``as_of``, the share assessed by the deadline, and the share whose sentence the court
    adjourned for the assessment.

    The deadline needs working days, so each assessed referral's four dates are read (one
    query) and judged here: a few values per referral, never a walk over events.
    """
    as_of = _today(as_of)
    rows = (
        Assessment.objects.filter(
            case__in=scope.cases().filter(**period.filter("referred_on")),
            outcome__in=ASSESSED,
            completed_on__isnull=False,
            completed_on__lte=as_of,
        )
        .order_by()
        .values_list("case__referred_on", "completed_on", "psr_delivered_on", "adjourned_on")
    )
    judged = met = adjourned = 0
    for referred_on, completed_on, delivered_on, adjourned_on in rows:
        judged += 1
        known = delivered_on if delivered_on is not None and delivered_on <= as_of else None
        if completed_on is not None and completed_on <= assessment_deadline(referred_on, known):
            met += 1
        if adjourned_on is not None and adjourned_on <= as_of:
            adjourned += 1
    return {
        "within_deadline": st.rate(met, judged),
        "adjourned_for_assessment": st.rate(adjourned, judged),
    }
