"""Reading what was published, for the event tests."""

from __future__ import annotations

from typing import Any

from django.db.models import Max

from dtto.events.feed import MAX_LIMIT, events_after
from dtto.events.models import DomainEvent


def last_sequence() -> int:
    last: int | None = DomainEvent.objects.aggregate(last=Max("sequence"))["last"]
    return last or 0


def published_since(mark: int) -> list[dict[str, Any]]:
    """The events after ``mark`` as the feed gives them, without the time they were written."""
    return [
        {key: value for key, value in event.as_json().items() if key != "recorded_at"}
        for event in events_after(mark, MAX_LIMIT).events
    ]
