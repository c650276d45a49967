"""The database's own refusal to change or delete audit events, on PostgreSQL and SQLite.

Triggers refuse every UPDATE and DELETE of an audit event, whatever issues it, and TRUNCATE
(PostgreSQL) while the table holds a row; the chain head (one row) may only move forward and
may not be deleted. The statements come from the one builder, ``dtto/lib/append_only.py``,
which explains each path they close and how ``dtto/conftest.py`` empties the tables around
Django's test flush. A database owner can still drop the triggers; what they then change is
caught by the hash chain (``dtto audit verify``), which also reports triggers that are
missing.

On SQLite, Django rebuilds a table to alter it, which drops its triggers: a migration that
alters ``AuditEvent`` or ``AuditChainHead`` must call ``install`` again afterwards
(``dtto audit verify`` fails until it does).
"""

from __future__ import annotations

from dtto.lib.append_only import AppendOnly, Head

EVENTS = "audit_auditevent"
HEAD = "audit_auditchainhead"
REFUSAL = "the audit trail is append-only"

TRAIL = AppendOnly(
    what="the audit trail",
    refusal=REFUSAL,
    functions="audit",
    table=EVENTS,
    triggers="audit_event",
    head=Head(
        table=HEAD,
        triggers="audit_head",
        # A head at the same place with another hash would rewrite the chain's end.
        moved_back=(
            "NEW.id <> OLD.id OR NEW.sequence < OLD.sequence",
            "OR (NEW.sequence = OLD.sequence AND NEW.hash <> OLD.hash)",
        ),
        refusal="the chain head may only move forward",
    ),
)

install = TRAIL.install
remove = TRAIL.remove
missing_triggers = TRAIL.missing_triggers
