"""The database's own refusal to change or delete domain events, on PostgreSQL and SQLite.

The same design as the audit trail's (``dtto/audit/append_only.py``, which explains each
path these triggers close): events refuse every UPDATE and DELETE; the sequence head may
only move forward and may not be deleted; TRUNCATE (PostgreSQL) is refused while a table
has rows. ``dtto/conftest.py`` removes and reinstalls them around Django's test flush.

On SQLite a table rebuilt by a migration loses its triggers: a migration that alters
``DomainEvent`` or ``EventSequenceHead`` must call ``install`` again afterwards
(``dtto events verify`` fails until it does).
"""

from __future__ import annotations

from typing import Any

EVENTS = "events_domainevent"
HEAD = "events_eventsequencehead"
REFUSAL = "domain events are append-only"

_POSTGRESQL_INSTALL = [
    f"""
    CREATE OR REPLACE FUNCTION events_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        RAISE EXCEPTION '{REFUSAL}: % on % refused', TG_OP, TG_TABLE_NAME
            USING ERRCODE = 'insufficient_privilege';
    END $$
    """,
    f"""
    CREATE OR REPLACE FUNCTION events_refuse_truncate() RETURNS trigger LANGUAGE plpgsql AS $$
    DECLARE
        has_rows boolean;
    BEGIN
        EXECUTE format('SELECT EXISTS (SELECT 1 FROM %I.%I)', TG_TABLE_SCHEMA, TG_TABLE_NAME)
            INTO has_rows;
        IF has_rows THEN
            RAISE EXCEPTION '{REFUSAL}: TRUNCATE on % refused', TG_TABLE_NAME
                USING ERRCODE = 'insufficient_privilege';
        END IF;
        RETURN NULL;
    END $$
    """,
    f"""
    CREATE OR REPLACE FUNCTION events_refuse_rewind() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        IF NEW.id <> OLD.id OR NEW.sequence < OLD.sequence THEN
            RAISE EXCEPTION '{REFUSAL}: the sequence head may only move forward'
                USING ERRCODE = 'insufficient_privilege';
        END IF;
        RETURN NEW;
    END $$
    """,
    f"CREATE TRIGGER events_event_append_only BEFORE UPDATE OR DELETE ON {EVENTS}"
    " FOR EACH ROW EXECUTE FUNCTION events_refuse_change()",
    f"CREATE TRIGGER events_event_no_truncate BEFORE TRUNCATE ON {EVENTS}"
    " FOR EACH STATEMENT EXECUTE FUNCTION events_refuse_truncate()",
    f"CREATE TRIGGER events_head_no_delete BEFORE DELETE ON {HEAD}"
    " FOR EACH ROW EXECUTE FUNCTION events_refuse_change()",
    f"CREATE TRIGGER events_head_forward_only BEFORE UPDATE ON {HEAD}"
    " FOR EACH ROW EXECUTE FUNCTION events_refuse_rewind()",
    f"CREATE TRIGGER events_head_no_truncate BEFORE TRUNCATE ON {HEAD}"
    " FOR EACH STATEMENT EXECUTE FUNCTION events_refuse_truncate()",
]
_POSTGRESQL_REMOVE = [
    f"DROP TRIGGER IF EXISTS events_event_append_only ON {EVENTS}",
    f"DROP TRIGGER IF EXISTS events_event_no_truncate ON {EVENTS}",
    f"DROP TRIGGER IF EXISTS events_head_no_delete ON {HEAD}",
    f"DROP TRIGGER IF EXISTS events_head_forward_only ON {HEAD}",
    f"DROP TRIGGER IF EXISTS events_head_no_truncate ON {HEAD}",
    "DROP FUNCTION IF EXISTS events_refuse_change()",
    "DROP FUNCTION IF EXISTS events_refuse_truncate()",
    "DROP FUNCTION IF EXISTS events_refuse_rewind()",
]

_SQLITE_INSTALL = [
    f"CREATE TRIGGER events_event_no_update BEFORE UPDATE ON {EVENTS}"
    f" BEGIN SELECT RAISE(ABORT, '{REFUSAL}: UPDATE on {EVENTS} refused'); END",
    f"CREATE TRIGGER events_event_no_delete BEFORE DELETE ON {EVENTS}"
    f" BEGIN SELECT RAISE(ABORT, '{REFUSAL}: DELETE on {EVENTS} refused'); END",
    f"CREATE TRIGGER events_head_no_delete BEFORE DELETE ON {HEAD}"
    f" BEGIN SELECT RAISE(ABORT, '{REFUSAL}: DELETE on {HEAD} refused'); END",
    f"CREATE TRIGGER events_head_forward_only BEFORE UPDATE ON {HEAD}"
    " WHEN NEW.id <> OLD.id OR NEW.sequence < OLD.sequence"
    f" BEGIN SELECT RAISE(ABORT, '{REFUSAL}: the sequence head may only move forward'); END",
]
_SQLITE_REMOVE = [
    "DROP TRIGGER IF EXISTS events_event_no_update",
    "DROP TRIGGER IF EXISTS events_event_no_delete",
    "DROP TRIGGER IF EXISTS events_head_no_delete",
    "DROP TRIGGER IF EXISTS events_head_forward_only",
]

_STATEMENTS = {
    "postgresql": (_POSTGRESQL_INSTALL, _POSTGRESQL_REMOVE),
    "sqlite": (_SQLITE_INSTALL, _SQLITE_REMOVE),
}
TRIGGERS = {
    "postgresql": {
        EVENTS: {"events_event_append_only", "events_event_no_truncate"},
        HEAD: {"events_head_no_delete", "events_head_forward_only", "events_head_no_truncate"},
    },
    "sqlite": {
        EVENTS: {"events_event_no_update", "events_event_no_delete"},
        HEAD: {"events_head_no_delete", "events_head_forward_only"},
    },
}


class UnsupportedDatabase(Exception):
    """dtto's domain events are made append-only on PostgreSQL and SQLite only."""


def _statements(vendor: str) -> tuple[list[str], list[str]]:
    try:
        return _STATEMENTS[vendor]
    except KeyError:
        raise UnsupportedDatabase(
            f"cannot make the domain events append-only on {vendor}: use PostgreSQL or SQLite"
        ) from None


def install(connection: Any) -> None:
    """Create the triggers (the migration's forward step)."""
    with connection.cursor() as cursor:
        for statement in _statements(connection.vendor)[0]:
            cursor.execute(statement)


def remove(connection: Any) -> None:
    """Drop the triggers (the migration's backward step, and the test flush's)."""
    with connection.cursor() as cursor:
        for statement in _statements(connection.vendor)[1]:
            cursor.execute(statement)


def missing_triggers(connection: Any) -> list[str]:
    """The append-only triggers this database should have and has not, by name."""
    expected = TRIGGERS.get(connection.vendor)
    if expected is None:
        return [f"(no append-only triggers exist for {connection.vendor})"]
    missing: list[str] = []
    with connection.cursor() as cursor:
        for table, names in expected.items():
            if connection.vendor == "postgresql":
                cursor.execute(
                    "SELECT tgname FROM pg_trigger"
                    " WHERE tgrelid = to_regclass(%s) AND NOT tgisinternal",
                    [table],
                )
            else:
                cursor.execute(
                    "SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = %s",
                    [table],
                )
            present = {row[0] for row in cursor.fetchall()}
            missing.extend(sorted(names - present))
    return missing
