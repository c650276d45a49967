from __future__ import annotations

import datetime as dt

import pytest

from dtto.audit.services import Actor
from dtto.cases import services
from dtto.cases.models import Order
from dtto.reports.models import OrderSummary
from dtto.reports.summaries import refresh_stale, stale_order_ids
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
def test_nightly_refresh_re_evaluates_running_orders_only():
    load(
        case(referred="2006-06-01", made="2006-06-01"),  # running
        case(events=[{"type": "termination", "on": "2004-02-02", "reason": "completed"}]),
    )
    running, ended = Order.objects.order_by("made_on").reverse()
    assert stale_order_ids(TODAY) == []
    tomorrow = TODAY + dt.timedelta(days=1)
    # The ended Order's findings settled long ago; the running one's weeks go on completing.
    assert stale_order_ids(tomorrow) == [running.pk]
    assert refresh_stale(tomorrow) == 1
    assert OrderSummary.objects.get(pk=running.pk).evaluated_on == tomorrow
    assert OrderSummary.objects.get(pk=ended.pk).evaluated_on == TODAY
