"""The event feed, ``GET /api/v1/events?after=CURSOR``: the domain events in sequence order.

Paging, ordering and the catalogue are dtto/events' (feed.events_after); this endpoint only
checks the client's role. Events hold references and codes, never personal details, so an
``events`` client is not limited to an area.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Query, Router

from dtto.api.access import events_client
from dtto.api.cases import REFUSALS
from dtto.events.feed import DEFAULT_LIMIT, events_after

router = Router(tags=["events"])


@router.get("/events", response={200: dict[str, Any], **REFUSALS})
def event_feed(
    request: HttpRequest,
    after: int = Query(0, description="The sequence of the last event handled (0 at first)."),
    limit: int = Query(DEFAULT_LIMIT, description="At most this many events (1 to 1000)."),
) -> dict[str, Any]:
    """Up to ``limit`` events after ``after``, in order, with ``next_cursor`` and ``more``."""
    events_client(request)
    return events_after(after, limit).as_json()
