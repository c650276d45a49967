"""The order of events within one day, the one definition export and the simulator share."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

# Within a day: what governs the day's contact first (a contact level change or suspension
# taking effect that day), then the contact itself (appointments, tests), then the court's
# review and the enforcement that answers a failure (warning, breach), then a conviction, and
# the Order's ending last, since nothing on the Order may come after it (a conviction that
# day is often why the Order is revoked). docs/case-format.md gives the same list.
SAME_DAY_ORDER: tuple[str, ...] = (
    "contact_level",
    "suspension",
    "appointment",
    "test",
    "review",
    "warning",
    "breach",
    "conviction",
    "termination",
)


def event_day(event: Mapping[str, Any]) -> str:
    """The ISO day an event is dated by: a suspension by its first day, any other by ``on``."""
    day: str = event["from"] if event["type"] == "suspension" else event["on"]
    return day


def sort_events(events: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """The events by day, then in :data:`SAME_DAY_ORDER`; events that tie keep their order."""
    rank = {kind: position for position, kind in enumerate(SAME_DAY_ORDER)}
    return sorted(events, key=lambda event: (event_day(event), rank[event["type"]]))
