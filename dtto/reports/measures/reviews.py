"""Court reviews: continuity of the bench (3.25-3.26).

The source: "A factor frequently cited by probation officers as important for the
effectiveness of the court reviews was the continuity of magistrates and the judge
throughout" (3.26). The record holds who sat at each review (``CourtReview.sat``) but not
who made the Order, so the bench at the Order's first review stands in for the sentencer's
(docs/reports.md, section 13; docs/decisions/0016-measures-from-the-existing-record.md).
"""

from __future__ import annotations

import datetime as dt

from django.db.models import Count, F, Q, Window
from django.db.models.functions import FirstValue, Lower, RowNumber, Trim

from dtto.cases.models import CourtReview
from dtto.reports import results
from dtto.reports import statistics as st
from dtto.reports.queries import Period, Scope

from .common import _today

# Whom each review's bench is compared with (the Order's sentencer is not recorded).
COMPARED_WITH = "first_review"


def reviews(scope: Scope, period: Period, *, as_of: dt.date | None = None) -> results.Reviews[int]:
    """Reviews held in the period (by ``as_of``) on Orders in scope, and the share of those
    after each Order's first review held by the same bench as its first.

    One pass over the reviews held by ``as_of``, numbered within each Order by day with the
    first review's bench beside each (window functions, on SQLite and PostgreSQL alike); the
    period is a condition of the counts, not of the pass, so a review in the period is still
    compared with a first review before it.
    """
    as_of = _today(as_of)
    held = CourtReview.objects.filter(on__lte=as_of)
    if scope.kind != "national":
        held = held.filter(order_id__in=scope.summaries().values("order_id"))
    by_order = [F("order_id")]
    by_day = [F("on").asc(), F("id").asc()]
    numbered = held.annotate(
        bench=Lower(Trim("sat")),
        first_bench=Window(FirstValue(Lower(Trim("sat"))), partition_by=by_order, order_by=by_day),
        number=Window(RowNumber(), partition_by=by_order, order_by=by_day),
    )
    in_period = Q(**period.filter("on"))
    later = in_period & Q(number__gt=1)
    unrecorded = Q(bench="") | Q(first_bench="")
    totals = numbered.aggregate(
        reviews=Count("pk", filter=in_period),
        later=Count("pk", filter=later),
        not_recorded=Count("pk", filter=later & unrecorded),
        same=Count("pk", filter=later & ~unrecorded & Q(bench=F("first_bench"))),
    )
    compared = totals["later"] - totals["not_recorded"]
    return {
        "same_bench": {
            **st.rate(totals["same"], compared),
            "reviews": totals["reviews"],
            "not_recorded": totals["not_recorded"],
            "sentencer_recorded": False,
            "compared_with": COMPARED_WITH,
        }
    }
