"""What partners read: a treatment provider's activity, and the courts' views of review
reports (1.12, 2.4-2.8, Appendix 1 standards 7-8).

Definitions: docs/reports.md ("Partners").
"""

from __future__ import annotations

import datetime as dt

from django.db.models import Count, Exists, F, OuterRef, Q

from dtto.accounts.models import TreatmentProvider
from dtto.cases.models import Appointment, CourtFeedback, Order, ReviewReport
from dtto.reports import outcome_results as out
from dtto.reports import statistics as st
from dtto.reports.queries import Period, Scope

from .common import RETENTION_DAYS, _today

RETAINED_DAYS = RETENTION_DAYS["3_months"]


def provider_activity(
    provider: TreatmentProvider, period: Period, *, as_of: dt.date | None = None
) -> out.ProviderActivity[int]:
    """Orders made in the period with this provider (``referred`` to it for treatment): the
    share who attended a treatment appointment by ``as_of`` (``started``), the share still on
    the Order 3 months (91 days) after it was made among those made at least that long before
    ``as_of`` (``retained_3_months``), and of its Orders ended in the period (but by death),
    the share referred on for treatment (``onward``)."""
    as_of = _today(as_of)
    orders = Order.objects.filter(treatment_provider=provider)
    made = orders.filter(**period.filter("made_on")).filter(made_on__lte=as_of)
    attended = Appointment.objects.filter(
        order=OuterRef("pk"),
        with_whom=Appointment.With.TREATMENT,
        outcome__meaning="attended",
        on__lte=as_of,
    )
    cutoff = as_of - dt.timedelta(days=RETAINED_DAYS)
    counts = made.annotate(attended=Exists(attended)).aggregate(
        referred=Count("pk"),
        started=Count("pk", filter=Q(attended=True)),
        followed=Count("pk", filter=Q(made_on__lte=cutoff)),
        retained=Count(
            "pk",
            filter=Q(made_on__lte=cutoff)
            & (
                Q(terminated_on__isnull=True)
                | Q(terminated_on__gte=F("made_on") + dt.timedelta(days=RETAINED_DAYS))
            ),
        ),
    )
    ended = (
        orders.filter(**period.filter("terminated_on"))
        .filter(terminated_on__lte=as_of)
        .exclude(termination__reason__code="death")
        .aggregate(
            n=Count("pk"),
            onward=Count("pk", filter=Q(termination__onward_referral_on__lte=as_of)),
        )
    )
    return {
        "provider": {"code": provider.code, "name": provider.name, "area": provider.area.code},
        "period": period.to_json(),
        "as_of": as_of.isoformat(),
        "referred": counts["referred"],
        "started": st.rate(counts["started"], counts["referred"]),
        "retained_3_months": st.rate(counts["retained"], counts["followed"]),
        "onward": st.rate(ended["onward"], ended["n"]),
    }


def court_feedback(
    scope: Scope, period: Period, *, as_of: dt.date | None = None
) -> out.CourtFeedbackSummary[int]:
    """Review reports sent to the court in the period (by ``as_of``): the share the court gave
    its view of, how many it found useful, partly useful or not useful, and the share useful
    among those it gave a view of."""
    as_of = _today(as_of)
    sent = ReviewReport.objects.filter(
        order__case__in=scope.cases(), status=ReviewReport.Status.SENT, sent_on__lte=as_of
    ).filter(**period.filter("sent_on"))
    given = Q(court_feedback_on__lte=as_of) & ~Q(court_feedback="")
    by_feedback = {
        value: Count("pk", filter=given & Q(court_feedback=value)) for value in CourtFeedback.values
    }
    counts = sent.aggregate(n=Count("pk"), given=Count("pk", filter=given), **by_feedback)
    return {
        "reports_sent": counts["n"],
        "feedback_given": st.rate(counts["given"], counts["n"]),
        "by_feedback": {value: counts[value] for value in CourtFeedback.values},
        "useful": st.rate(counts[CourtFeedback.USEFUL], counts["given"]),
    }
