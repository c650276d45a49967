"""A bulk re-judge in worker processes stores exactly what re-judging each Order alone does."""

from __future__ import annotations

from typing import Any

import pytest

from dtto.audit.services import Actor
from dtto.cases.importing import import_case_document
from dtto.cases.models import Order
from dtto.reports.models import OrderFinding, OrderMonthSummary, OrderSummary
from dtto.reports.summaries import refresh_summaries
from dtto.simulate.national import simulate_national

pytestmark = pytest.mark.django_db


def stored() -> tuple[list[Any], list[Any], list[Any]]:
    """Every summary, finding and month row, in a fixed order."""
    return (
        list(OrderSummary.objects.order_by("pk").values()),
        list(
            OrderFinding.objects.order_by("summary_id", "kind", "phase", "number").values_list(
                "summary_id", "kind", "phase", "number", "met", "final_on", "final_day"
            )
        ),
        list(
            OrderMonthSummary.objects.order_by("summary_id", "month").values_list(
                *(f.attname for f in OrderMonthSummary._meta.concrete_fields if not f.primary_key)
            )
        ),
    )


def test_bulk_rejudge_in_worker_processes_stores_the_same_findings_as_one_order_at_a_time() -> None:
    # A simulated national sample: Orders of both intensities, terminated or still running,
    # with failures, warnings, breaches, reviews, suspensions and contact-level changes.
    import_case_document(simulate_national(orders=30, seed=7), by=Actor.system("test"))
    ids = sorted(Order.objects.values_list("pk", flat=True))
    assert len(ids) >= 25
    for pk in ids:
        refresh_summaries([pk])  # what a recorded appointment does, in its request
    one_at_a_time = stored()
    assert len(one_at_a_time[1]) > 50 * len(ids)  # weeks, reviews and failures were judged
    OrderSummary.objects.all().delete()
    assert refresh_summaries(ids, workers=2) == len(ids)
    assert stored() == one_at_a_time


def test_a_bulk_rejudge_replaces_the_summaries_it_finds() -> None:
    import_case_document(simulate_national(orders=5, seed=3), by=Actor.system("test"))
    ids = list(Order.objects.values_list("pk", flat=True))
    before = stored()
    refresh_summaries(ids, workers=2)
    refresh_summaries(ids, workers=2)
    assert stored() == before
