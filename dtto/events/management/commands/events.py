"""Read the domain event feed, or check it.

dtto events [--after N] [--limit L]
    Print the events numbered after N (default 0: from the first), oldest first, one JSON
    object a line (the same fields as GET /api/v1/events; docs/events.md). At most L
    events (default 100, at most 1000). The cursor to continue from, and whether more
    events are waiting, go to standard error as "next cursor: N (more: yes|no)".

dtto events --verify
    Check that the events are numbered 1, 2, 3... with no gap, that the sequence head
    records the last, and that the database triggers refusing changes and deletions are in
    place. Exit 0 when all hold, 1 naming what does not.

Examples:
    dtto events --after 0 --limit 500
    dtto events --after 1234
"""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import CommandError, CommandParser
from django.db import connection

from dtto.events.append_only import missing_triggers
from dtto.events.feed import DEFAULT_LIMIT, events_after
from dtto.events.models import DomainEvent, EventSequenceHead
from dtto.events.services import HEAD_KEY
from dtto.lib.commands import DocstringCommand
from dtto.standards.errors import RecordInvalid


def verify_feed() -> list[str]:
    """What is wrong with the feed's numbering and triggers (nothing: an empty list)."""
    problems: list[str] = []
    numbers = DomainEvent.objects.order_by("sequence").values_list("sequence", flat=True)
    expected = 1
    for number in numbers.iterator(chunk_size=5000):
        if number != expected:
            problems.append(f"gap before event {number}: event {expected} is missing")
            break
        expected += 1
    last = expected - 1
    head = EventSequenceHead.objects.filter(pk=HEAD_KEY).first()
    if head is not None and head.sequence != last:
        problems.append(f"the sequence head records event {head.sequence}, the feed ends at {last}")
    elif head is None and last:
        problems.append(f"the sequence head is missing (the feed has {last} events)")
    problems.extend(f"trigger missing: {name}" for name in missing_triggers(connection))
    return problems


class Command(DocstringCommand):
    help = __doc__

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--after", default="0", metavar="N", help="the cursor (default 0)")
        parser.add_argument(
            "--limit", default=str(DEFAULT_LIMIT), metavar="L", help="events at most"
        )
        parser.add_argument("--verify", action="store_true", help="check the feed instead")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["verify"]:
            problems = verify_feed()
            if problems:
                raise CommandError("; ".join(problems))
            count = DomainEvent.objects.count()
            self.stdout.write(f"intact: {count} events numbered 1 to {count}, triggers in place")
            return
        try:
            page = events_after(options["after"], options["limit"])
        except RecordInvalid as error:
            raise CommandError(
                "; ".join(f"--{e.field}: {e.message}" for e in error.errors)
            ) from None
        for event in page.events:
            self.stdout.write(json.dumps(event.as_json(), sort_keys=True))
        self.stderr.write(f"next cursor: {page.next_cursor} (more: {'yes' if page.more else 'no'})")
