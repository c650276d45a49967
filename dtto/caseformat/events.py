"""The order of events within one day, the one definition export and the simulator share."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

# Within a day: what governs the day's contact first (a contact level change or suspension
# taking effect that day), then the contact itself (appointments, tests), then the progress
# report for a review due that day (written for the court before it sits), the court's
# review, and the enforcement that answers a failure (warning, breach), then a conviction, and
# the Order's ending last, since nothing on the Order may come after it (a conviction that
# day is often why the Order is revoked). docs/case-format.md gives the same list.
SAME_DAY_ORDER: tuple[str, ...] = (
    "contact_level",
    "suspension",
    "appointment",
    "test",
    "review_report",
    "review",
    "warning",
    "breach",
    "conviction",
    "termination",
)


def event_day(event: Mapping[str, Any]) -> str:
    """The ISO day an event is dated by: a suspension by its first day, a review report by
    the review it is for (its due date), any other by ``on``."""
    kind = event["type"]
    day: str = (
        event["from"]
        if kind == "suspension"
        else event["review_due"]
        if kind == "review_report"
        else event["on"]
    )
    return day


def sort_events(events: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """The events by day, then in :data:`SAME_DAY_ORDER`; events that tie keep their order."""
    rank = {kind: position for position, kind in enumerate(SAME_DAY_ORDER)}
    return sorted(events, key=lambda event: (event_day(event), rank[event["type"]]))
