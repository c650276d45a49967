"""The database's own refusal to change or delete domain events, on PostgreSQL and SQLite.

The same design as the audit trail's, from the same builder (``dtto/lib/append_only.py``,
which explains each path these triggers close): events refuse every UPDATE and DELETE; the
sequence head may only move forward and may not be deleted; TRUNCATE (PostgreSQL) is
refused while a table has rows. ``dtto/conftest.py`` removes and reinstalls them around
Django's test flush.

On SQLite a table rebuilt by a migration loses its triggers: a migration that alters
``DomainEvent`` or ``EventSequenceHead`` must call ``install`` again afterwards
(``dtto events verify`` fails until it does).
"""

from __future__ import annotations

from dtto.lib.append_only import AppendOnly, Head

EVENTS = "events_domainevent"
HEAD = "events_eventsequencehead"
REFUSAL = "domain events are append-only"

FEED = AppendOnly(
    what="the domain events",
    refusal=REFUSAL,
    functions="events",
    table=EVENTS,
    triggers="events_event",
    head=Head(
        table=HEAD,
        triggers="events_head",
        moved_back=("NEW.id <> OLD.id OR NEW.sequence < OLD.sequence",),
        refusal="the sequence head may only move forward",
    ),
)

install = FEED.install
remove = FEED.remove
missing_triggers = FEED.missing_triggers
