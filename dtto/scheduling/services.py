"""Making the weekly test draws: each Order week drawn once, recorded, audited, never redrawn.

Run ``dtto tests draw`` every day (docs/user-guide.md): it draws the current and the next
week of every live Order that has no draw yet, so each week is drawn before it begins except
an Order's first, drawn once the Order is recorded, which calls no day already gone.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from dtto.audit.services import Actor, as_actor, record_event
from dtto.cases.models import Order
from dtto.cases.services.common import By, locked_order
from dtto.scheduling import draw as drawing
from dtto.scheduling.models import TestDraw, join_days
from dtto.standards.rules import rule_set_for

DEMO_KEY_REFUSED = (
    "DTTO_TEST_DRAW_KEY is not set, so the test draw would use the public demo key and anyone "
    "could work out the days people will be called. Set DTTO_TEST_DRAW_KEY (or "
    "DTTO_TEST_DRAW_KEY_FILE) to a long random value kept apart from the database, for example "
    "the output of: python -c 'import secrets; print(secrets.token_urlsafe(50))'. "
    "(The demo key is accepted only with DTTO_DEBUG=true.)"
)
SCHEDULER = Actor.system("test scheduler")


def draw_key() -> bytes:
    """The key draws are made and verified with; the public demo key only in DEBUG."""
    key: str = settings.DTTO_TEST_DRAW_KEY
    if key == settings.DEMO_TEST_DRAW_KEY and not settings.DEBUG:
        raise ImproperlyConfigured(DEMO_KEY_REFUSED)
    return key.encode("utf-8")


def live_orders_for_week(first_day: dt.date) -> QuerySet[Order]:
    """Orders running on any of the seven days from ``first_day``, not terminated."""
    last_day = first_day + dt.timedelta(days=6)
    return Order.objects.filter(
        terminated_on=None, made_on__lte=last_day, natural_end_on__gt=first_day
    ).select_related("case")


def weeks_overlapping(order: Order, first_day: dt.date) -> list[int]:
    """The Order weeks that share a day with the seven days from ``first_day``, in its term."""
    last_day = first_day + dt.timedelta(days=6)
    first = max(1, drawing.week_number(order.made_on, first_day))
    weeks = []
    for week in (first, first + 1):
        starts = drawing.week_starts_on(order.made_on, week)
        if starts <= last_day and starts < order.natural_end_on:
            weeks.append(week)
    return weeks


def draw_order_week(
    order: Order, week: int, *, by: By = SCHEDULER, today: dt.date | None = None
) -> tuple[TestDraw | None, bool]:
    """Draw one Order week unless it has a draw: (the draw, whether it was made now).

    Returns (None, False) for a week whose days have all gone by: there is nothing to call.
    """
    key = draw_key()
    today = today or timezone.localdate()
    with transaction.atomic():
        order = locked_order(order)  # two runs at once: the second sees the first's draw
        existing = TestDraw.objects.filter(order=order, week=week).first()
        if existing is not None:
            return existing, False
        inputs = drawing.inputs_for_week(
            order_reference=order.case.reference,
            made_on=order.made_on,
            natural_end_on=order.natural_end_on,
            rules=rule_set_for(order.intensity, order.made_on),
            week=week,
            drawn_on=today,
        )
        if inputs.callable_from > inputs.ends_on:
            return None, False
        result = drawing.draw(key, inputs)
        record = TestDraw.objects.create(
            order=order,
            week=inputs.week,
            starts_on=inputs.starts_on,
            ends_on=inputs.ends_on,
            callable_from=inputs.callable_from,
            rule_set=inputs.rule_set,
            tests_required=inputs.tests_required,
            algorithm=inputs.algorithm,
            days=join_days(result.days),
            digest=result.digest,
            key_id=result.key_id,
            made_by=as_actor(by).label,
        )
        # The days go into the audit trail too: its hash chain is a second witness.
        record_event(
            by,
            "scheduling.test_draw.made",
            target_type="testdraw",
            target_id=record.pk,
            case_reference=order.case.reference,
            after={
                "week": inputs.week,
                "starts_on": inputs.starts_on.isoformat(),
                "days": record.days,
                "tests_required": inputs.tests_required,
                "digest": result.digest,
                "key_id": result.key_id,
            },
        )
    return record, True


@dataclass
class DrawRun:
    """What ``draw_week`` did: draws made, weeks already drawn, Orders looked at."""

    made: list[TestDraw] = field(default_factory=list)
    already_drawn: int = 0
    orders: int = 0
    short: list[TestDraw] = field(default_factory=list)


def draw_week(first_day: dt.date, *, by: By = SCHEDULER, today: dt.date | None = None) -> DrawRun:
    """Draw every live Order's weeks that overlap the seven days from ``first_day``."""
    today = today or timezone.localdate()
    draw_key()  # refuse the demo key before looking at any Order
    run = DrawRun()
    for order in live_orders_for_week(first_day).order_by("made_on", "id"):
        run.orders += 1
        for week in weeks_overlapping(order, first_day):
            record, made = draw_order_week(order, week, by=by, today=today)
            if made and record is not None:
                run.made.append(record)
                if len(record.called_days) < record.tests_required:
                    run.short.append(record)
            elif record is not None:
                run.already_drawn += 1
    return run
