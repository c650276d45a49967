"""The hash chain that lets the audit trail prove it has not been changed.

Event ``n`` stores ``hash = SHA-256(canonical content of event n)``, where the content
includes ``previous_hash``, the hash of event ``n - 1`` (64 zeros for event 1). Changing any
event's content breaks its own hash; recomputing that hash breaks the next event's link;
removing events leaves a gap in the sequence numbers, or an end short of the chain head.

Events are linked under the chain head's lock, so concurrent writers queue up and the
sequence has no gaps. The canonical content is documented in docs/security.md ("The audit
trail") so that an inspector can check an export (``dtto audit export``) independently.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, Protocol

from django.db import IntegrityError, transaction
from django.utils import timezone

GENESIS = "0" * 64
HEAD_KEY = 1
VERIFY_BATCH = 2000


class ChainedEvent(Protocol):
    """What the chain reads from an event (the model, or its historical form in migrations)."""

    sequence: int
    at: dt.datetime
    actor_id: int | None
    actor_label: str
    action: str
    target_type: str
    target_id: str
    case_reference: str
    before: Any
    after: Any
    detail: Any
    previous_hash: str
    hash: str


class ChainHeadMissing(Exception):
    """The trail has events but its chain head row is gone: someone removed it."""


def canonical_content(event: ChainedEvent) -> dict[str, Any]:
    """The event as the chain sees it: every field but the row's own key and hash."""
    at = event.at.astimezone(dt.UTC) if timezone.is_aware(event.at) else event.at
    return {
        "sequence": event.sequence,
        "at": at.isoformat(timespec="microseconds"),
        "actor_id": event.actor_id,
        "actor_label": event.actor_label,
        "action": event.action,
        "target_type": event.target_type,
        "target_id": event.target_id,
        "case_reference": event.case_reference,
        # As the JSON columns will give them back (tuples come back as lists, and so on).
        "before": json.loads(json.dumps(event.before)),
        "after": json.loads(json.dumps(event.after)),
        "detail": json.loads(json.dumps(event.detail)),
        "previous_hash": event.previous_hash,
    }


def canonical_json(content: dict[str, Any]) -> str:
    """Sorted keys, no spaces, ASCII only: one spelling for each content."""
    return json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=True)


def event_hash(event: ChainedEvent) -> str:
    return hashlib.sha256(canonical_json(canonical_content(event)).encode("ascii")).hexdigest()


def stamp(events: Sequence[ChainedEvent], after_sequence: int, after_hash: str) -> str:
    """Number and hash ``events`` in order, following the given event; the last hash."""
    previous = after_hash
    for offset, event in enumerate(events, start=1):
        event.sequence = after_sequence + offset
        event.previous_hash = previous
        event.hash = event_hash(event)
        previous = event.hash
    return previous


def _lock_and_read_head() -> tuple[int, str] | None:
    """Lock the chain head and read it, in one statement: (sequence, hash), or None if absent.

    An UPDATE before any read: on PostgreSQL it takes the row lock, on SQLite (no row locks)
    the database's write lock, so the head it returns cannot be stale. RETURNING (PostgreSQL,
    SQLite 3.35+) gives the head with the lock, without a second query.
    """
    from django.db import connection

    from dtto.audit.models import AuditChainHead

    meta = AuditChainHead._meta
    table = connection.ops.quote_name(meta.db_table)
    key = connection.ops.quote_name(meta.pk.column)
    sequence = connection.ops.quote_name(meta.get_field("sequence").column)
    hash_ = connection.ops.quote_name(meta.get_field("hash").column)
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} SET {sequence} = {sequence} WHERE {key} = %s"
            f" RETURNING {sequence}, {hash_}",
            [HEAD_KEY],
        )
        row = cursor.fetchone()
    return (int(row[0]), str(row[1])) if row is not None else None


def _locked_head() -> tuple[int, str]:
    """The chain head, locked: (sequence, hash)."""
    from dtto.audit.models import AuditChainHead, AuditEvent

    head = _lock_and_read_head()
    if head is not None:
        return head
    # No head yet: start the chain. The head is created before the trail is looked at, because
    # another writer may be starting it at this moment: its events are not a missing head.
    try:
        with transaction.atomic():
            AuditChainHead.objects.create(pk=HEAD_KEY, sequence=0, hash=GENESIS)
    except IntegrityError:
        # Another writer started the chain first; queue behind it.
        head = _lock_and_read_head()
        if head is None:
            raise ChainHeadMissing(
                "the audit chain head was removed while starting the chain"
            ) from None
        return head
    # This writer holds the only head, so no one else is linking events: any event already in
    # the trail was linked to a head that someone has since removed.
    if AuditEvent.objects.exists():
        raise ChainHeadMissing(
            "the audit chain head is missing though the trail has events: run dtto audit verify"
        )
    return 0, GENESIS


@contextmanager
def link(events: Sequence[ChainedEvent]) -> Iterator[None]:
    """Link new events onto the chain; the caller inserts them inside the ``with``."""
    from dtto.audit.models import AuditChainHead

    if not events:
        yield
        return
    with transaction.atomic():
        sequence, previous_hash = _locked_head()
        now = timezone.now()
        for event in events:
            event.at = now
        last_hash = stamp(events, sequence, previous_hash)
        yield
        AuditChainHead.objects.filter(pk=HEAD_KEY).update(
            sequence=sequence + len(events), hash=last_hash
        )


@dataclass(frozen=True)
class Verification:
    """What ``dtto audit verify`` found: how far the chain holds, and the first break."""

    events: int
    last_sequence: int
    last_hash: str
    first_break: str | None
    missing_triggers: tuple[str, ...]

    @property
    def intact(self) -> bool:
        return self.first_break is None and not self.missing_triggers


def walk_chain(events: Iterable[ChainedEvent]) -> tuple[int, int, str, str | None]:
    """Walk events in sequence order: (count, last sequence, last hash, first break or None)."""
    expected, previous, count = 1, GENESIS, 0
    for event in events:
        if event.sequence < expected:
            return count, expected - 1, previous, f"event {event.sequence}: out of sequence"
        if event.sequence > expected:
            missing = (
                f"event {expected}"
                if event.sequence == expected + 1
                else f"events {expected} to {event.sequence - 1}"
            )
            return (
                count,
                expected - 1,
                previous,
                f"gap before event {event.sequence}: {missing} missing",
            )
        if event.previous_hash != previous:
            return (
                count,
                expected - 1,
                previous,
                f"event {event.sequence}: broken link, its previous hash is not the hash of"
                f" event {event.sequence - 1} (that event, or this link, was changed)",
            )
        if event_hash(event) != event.hash:
            return (
                count,
                expected - 1,
                previous,
                f"event {event.sequence} ({event.action}): changed content, it no longer"
                " matches its hash",
            )
        count, expected, previous = count + 1, expected + 1, event.hash
    return count, expected - 1, previous, None


def verify_trail() -> Verification:
    """Check every event's hash and link, the sequence, the chain head and the triggers."""
    from django.db import connection

    from dtto.audit.append_only import missing_triggers
    from dtto.audit.models import AuditChainHead, AuditEvent

    count, last_sequence, last_hash, problem = walk_chain(
        AuditEvent.objects.order_by("sequence").iterator(chunk_size=VERIFY_BATCH)
    )
    if problem is None:
        head = AuditChainHead.objects.filter(pk=HEAD_KEY).first()
        if head is None and count:
            problem = f"the chain head is missing (the trail has {count} events)"
        elif head is not None and head.sequence > last_sequence:
            problem = (
                f"gap at the end: the trail ends at event {last_sequence} but the chain head"
                f" records event {head.sequence}"
            )
        elif head is not None and head.sequence < last_sequence:
            problem = (
                f"event {head.sequence + 1}: written past the chain head, which records"
                f" event {head.sequence} as the last"
            )
        elif head is not None and head.hash != last_hash:
            problem = f"event {last_sequence}: its hash differs from the one the chain head records"
    return Verification(
        events=count,
        last_sequence=last_sequence,
        last_hash=last_hash,
        first_break=problem,
        missing_triggers=tuple(missing_triggers(connection)),
    )
