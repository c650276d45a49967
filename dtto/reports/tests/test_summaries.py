from __future__ import annotations

import datetime as dt

import pytest

from dtto.audit.services import Actor
from dtto.cases import services
from dtto.cases.models import Order
from dtto.reports.models import OrderFinding, OrderSummary
from dtto.reports.tests.factories import TODAY, case, load


@pytest.mark.django_db
def test_a_service_keeps_the_summary_up_to_date_in_its_transaction():
    load(case())
    order = Order.objects.get()
    assert OrderSummary.objects.get(pk=order.pk).ended_on is None
    services.terminate_order(
        order, by=Actor.system("test"), on="2003-06-01", reason="revoked_conviction", today=TODAY
    )
    summary = OrderSummary.objects.get(pk=order.pk)
    assert summary.ended_on == dt.date(2003, 6, 1)
    assert summary.termination_reason == "revoked_conviction"
    assert summary.successful is False


@pytest.mark.django_db
def test_an_import_stores_every_finding_of_the_whole_record_with_its_final_day():
    # Made Monday 3 February 2003, 12 months, nothing recorded and never terminated: the
    # first probation appointment (due 1 working day on, Tuesday 4 February) is missed that
    # day; the first treatment appointment (2 working days) on Wednesday 5 February. Weeks
    # end every Sunday from 9 February; the natural term ends 2 February 2004, so 52 whole
    # weeks (the last ending Sunday 1 February 2004), each missing contact and tests. Court
    # reviews fall due 1, 2, 3, 4, 7 and 10 months on (13 is past the end): each missed
    # when its 14 days after the due date run out, 17 March 2003 the first.
    load(case(made="2003-02-03"))
    order = Order.objects.get()
    found = OrderFinding.objects.filter(summary_id=order.pk)
    first = {f.kind: (f.met, f.final_on) for f in found.filter(kind__startswith="first")}
    assert first == {
        "first_probation": (False, dt.date(2003, 2, 4)),
        "first_treatment": (False, dt.date(2003, 2, 5)),
    }
    weeks = found.filter(kind="contact_week").order_by("number")
    assert weeks.count() == 52
    assert weeks.first().final_on == dt.date(2003, 2, 9)
    assert weeks.last().final_on == dt.date(2004, 2, 1)
    assert found.filter(kind="tests_week", met=False).count() == 52
    reviews = list(found.filter(kind="review").order_by("number").values_list("final_on", "met"))
    assert len(reviews) == 6
    assert reviews[0] == (dt.date(2003, 3, 17), False)
    # The summary folds them: the day each measure was first missed, and first judged (week
    # 14, the first of phase 2, ends Sunday 11 May 2003).
    summary = OrderSummary.objects.get(pk=order.pk)
    assert summary.first_probation_1wd_missed_day == dt.date(2003, 2, 4).toordinal()
    assert summary.contact_phase2_judged_day == dt.date(2003, 5, 11).toordinal()
