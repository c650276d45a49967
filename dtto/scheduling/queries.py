"""Who is called for a drug test on a day: read from the recorded draws."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from dtto.scheduling.models import TestDraw


def draws_calling_on(day: dt.date, order_ids: Iterable[int] | None = None) -> dict[int, TestDraw]:
    """The draw that calls each Order's person for a test on ``day``, by Order id.

    A draw covers one Order week, so only draws of weeks that began in the six days before
    ``day`` (or on it) can call it; the days themselves are then matched as text.
    """
    draws = TestDraw.objects.filter(
        starts_on__range=(day - dt.timedelta(days=6), day), days__contains=day.isoformat()
    )
    if order_ids is not None:
        draws = draws.filter(order_id__in=list(order_ids))
    return {d.order_id: d for d in draws}


def is_called_on(order_id: int, day: dt.date) -> bool:
    return order_id in draws_calling_on(day, [order_id])


def next_call_on(order_id: int, day: dt.date) -> dt.date | None:
    """The next day, ``day`` or later, the recorded draws call this Order's person for a test.

    Draws are made a week at a time, so this looks no further than the weeks already drawn.
    """
    draws = TestDraw.objects.filter(order_id=order_id, ends_on__gte=day).order_by("starts_on")
    for draw in draws:
        for called in draw.called_days:
            if called >= day:
                return called
    return None
