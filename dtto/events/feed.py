"""Reading the event feed: pages of events after a cursor, in sequence order.

The cursor is the sequence number of the last event a subscriber has handled (0 before the
first). Events commit in sequence order (``dtto/events/services.py``), so every page read
is a gap-free run: a subscriber that stores ``next_cursor`` after handling a page and asks
for the page after it never misses or repeats an event. The API's
``GET /api/v1/events?after=CURSOR&limit=N`` and ``dtto events --after N`` both serve this.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from dtto.events.models import DomainEvent
from dtto.standards.errors import Checker

DEFAULT_LIMIT = 100
MAX_LIMIT = 1000


@dataclass(frozen=True)
class FeedRecord:
    """The record an event is about, by public kind and key."""

    type: str
    id: int


@dataclass(frozen=True)
class FeedEvent:
    sequence: int
    type: str
    occurred_on: dt.date | None
    recorded_at: dt.datetime
    case_reference: str | None
    order_id: int | None
    record: FeedRecord | None
    payload: dict[str, Any] = field(default_factory=dict)

    def as_json(self) -> dict[str, Any]:
        """The event as the feed's JSON: dates ISO 8601, times in UTC."""
        return {
            "sequence": self.sequence,
            "type": self.type,
            "occurred_on": self.occurred_on.isoformat() if self.occurred_on else None,
            "recorded_at": self.recorded_at.astimezone(dt.UTC).isoformat(timespec="microseconds"),
            "case_reference": self.case_reference,
            "order_id": self.order_id,
            "record": ({"type": self.record.type, "id": self.record.id} if self.record else None),
            "payload": self.payload,
        }


@dataclass(frozen=True)
class EventPage:
    """One page of the feed: its events in order, where to continue, and whether to now."""

    events: tuple[FeedEvent, ...]
    # The cursor for the next request: the last event's sequence, or the one asked with.
    next_cursor: int
    # More events were already committed after this page: ask again at once.
    more: bool

    def as_json(self) -> dict[str, Any]:
        return {
            "events": [event.as_json() for event in self.events],
            "next_cursor": self.next_cursor,
            "more": self.more,
        }


def check_page(check: Checker, after: object, limit: object) -> tuple[int, int]:
    """The cursor and page size, checked; errors name ``after`` and ``limit``."""
    values = []
    for name, value, low, high in (("after", after, 0, None), ("limit", limit, 1, MAX_LIMIT)):
        try:
            number = int(str(value)) if not isinstance(value, bool) else None
        except ValueError:
            number = None
        if number is None:
            check.add(name, f"must be a whole number, got {str(value)[:20]!r}")
        elif number < low or (high is not None and number > high):
            bounds = f"from {low} to {high}" if high is not None else f"{low} or more"
            check.add(name, f"must be {bounds}, got {number}")
        values.append(number or 0)
    check.raise_if_any()
    return values[0], values[1]


def _feed_event(event: DomainEvent) -> FeedEvent:
    return FeedEvent(
        sequence=event.sequence,
        type=event.type,
        occurred_on=event.occurred_on,
        recorded_at=event.recorded_at,
        case_reference=event.case_reference or None,
        order_id=event.order_id,
        record=(
            FeedRecord(event.record_type, event.record_id)
            if event.record_type and event.record_id is not None
            else None
        ),
        payload=event.payload,
    )


def events_after(cursor: int, limit: int = DEFAULT_LIMIT) -> EventPage:
    """Up to ``limit`` events numbered after ``cursor``, in order; RecordInvalid if bad."""
    after, size = check_page(Checker(), cursor, limit)
    # One more than asked, in the same statement (one snapshot), to tell whether there is more.
    rows = list(DomainEvent.objects.filter(sequence__gt=after).order_by("sequence")[: size + 1])
    page = tuple(_feed_event(row) for row in rows[:size])
    return EventPage(
        events=page,
        next_cursor=page[-1].sequence if page else after,
        more=len(rows) > size,
    )
