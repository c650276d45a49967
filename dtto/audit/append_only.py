"""The database's own refusal to change or delete audit events, on PostgreSQL and SQLite.

Triggers refuse every UPDATE and DELETE of an audit event, whatever issues it: the ORM's
base manager, ``_raw_delete``, ``save_base``, ``bulk_create(update_conflicts=True)``,
``loaddata`` over an existing event, or SQL typed at a prompt. The chain head (one row) may
only move forward and may not be deleted.

TRUNCATE (PostgreSQL only; SQLite has none) is refused while the table holds any row.
Emptying an empty table loses nothing, and that is exactly what Django's flush does between
transactional tests: ``dtto/conftest.py`` first removes the triggers, empties the two
tables and puts the triggers back, using the same statements as the migration, so nothing
in production code can switch the refusal off. A database owner can still drop the
triggers (as the test does); what they then change is caught by the hash chain
(``dtto audit verify``), which also reports triggers that are missing.

On SQLite, Django rebuilds a table to alter it, which drops its triggers: a migration that
alters ``AuditEvent`` or ``AuditChainHead`` must call ``install`` again afterwards
(``dtto audit verify`` fails until it does).
"""

from __future__ import annotations

from typing import Any

EVENTS = "audit_auditevent"
HEAD = "audit_auditchainhead"
REFUSAL = "the audit trail is append-only"

_POSTGRESQL_INSTALL = [
    f"""
    CREATE OR REPLACE FUNCTION audit_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        RAISE EXCEPTION '{REFUSAL}: % on % refused', TG_OP, TG_TABLE_NAME
            USING ERRCODE = 'insufficient_privilege';
    END $$
    """,
    f"""
    CREATE OR REPLACE FUNCTION audit_refuse_truncate() RETURNS trigger LANGUAGE plpgsql AS $$
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
    CREATE OR REPLACE FUNCTION audit_refuse_rewind() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        IF NEW.id <> OLD.id OR NEW.sequence < OLD.sequence
           OR (NEW.sequence = OLD.sequence AND NEW.hash <> OLD.hash) THEN
            RAISE EXCEPTION '{REFUSAL}: the chain head may only move forward'
                USING ERRCODE = 'insufficient_privilege';
        END IF;
        RETURN NEW;
    END $$
    """,
    f"CREATE TRIGGER audit_event_append_only BEFORE UPDATE OR DELETE ON {EVENTS}"
    " FOR EACH ROW EXECUTE FUNCTION audit_refuse_change()",
    f"CREATE TRIGGER audit_event_no_truncate BEFORE TRUNCATE ON {EVENTS}"
    " FOR EACH STATEMENT EXECUTE FUNCTION audit_refuse_truncate()",
    f"CREATE TRIGGER audit_head_no_delete BEFORE DELETE ON {HEAD}"
    " FOR EACH ROW EXECUTE FUNCTION audit_refuse_change()",
    f"CREATE TRIGGER audit_head_forward_only BEFORE UPDATE ON {HEAD}"
    " FOR EACH ROW EXECUTE FUNCTION audit_refuse_rewind()",
    f"CREATE TRIGGER audit_head_no_truncate BEFORE TRUNCATE ON {HEAD}"
    " FOR EACH STATEMENT EXECUTE FUNCTION audit_refuse_truncate()",
]
_POSTGRESQL_REMOVE = [
    f"DROP TRIGGER IF EXISTS audit_event_append_only ON {EVENTS}",
    f"DROP TRIGGER IF EXISTS audit_event_no_truncate ON {EVENTS}",
    f"DROP TRIGGER IF EXISTS audit_head_no_delete ON {HEAD}",
    f"DROP TRIGGER IF EXISTS audit_head_forward_only ON {HEAD}",
    f"DROP TRIGGER IF EXISTS audit_head_no_truncate ON {HEAD}",
    "DROP FUNCTION IF EXISTS audit_refuse_change()",
    "DROP FUNCTION IF EXISTS audit_refuse_truncate()",
    "DROP FUNCTION IF EXISTS audit_refuse_rewind()",
]

_SQLITE_INSTALL = [
    f"CREATE TRIGGER audit_event_no_update BEFORE UPDATE ON {EVENTS}"
    f" BEGIN SELECT RAISE(ABORT, '{REFUSAL}: UPDATE on {EVENTS} refused'); END",
    f"CREATE TRIGGER audit_event_no_delete BEFORE DELETE ON {EVENTS}"
    f" BEGIN SELECT RAISE(ABORT, '{REFUSAL}: DELETE on {EVENTS} refused'); END",
    f"CREATE TRIGGER audit_head_no_delete BEFORE DELETE ON {HEAD}"
    f" BEGIN SELECT RAISE(ABORT, '{REFUSAL}: DELETE on {HEAD} refused'); END",
    f"CREATE TRIGGER audit_head_forward_only BEFORE UPDATE ON {HEAD}"
    " WHEN NEW.id <> OLD.id OR NEW.sequence < OLD.sequence"
    " OR (NEW.sequence = OLD.sequence AND NEW.hash <> OLD.hash)"
    f" BEGIN SELECT RAISE(ABORT, '{REFUSAL}: the chain head may only move forward'); END",
]
_SQLITE_REMOVE = [
    "DROP TRIGGER IF EXISTS audit_event_no_update",
    "DROP TRIGGER IF EXISTS audit_event_no_delete",
    "DROP TRIGGER IF EXISTS audit_head_no_delete",
    "DROP TRIGGER IF EXISTS audit_head_forward_only",
]

_STATEMENTS = {
    "postgresql": (_POSTGRESQL_INSTALL, _POSTGRESQL_REMOVE),
    "sqlite": (_SQLITE_INSTALL, _SQLITE_REMOVE),
}
TRIGGERS = {
    "postgresql": {
        EVENTS: {"audit_event_append_only", "audit_event_no_truncate"},
        HEAD: {"audit_head_no_delete", "audit_head_forward_only", "audit_head_no_truncate"},
    },
    "sqlite": {
        EVENTS: {"audit_event_no_update", "audit_event_no_delete"},
        HEAD: {"audit_head_no_delete", "audit_head_forward_only"},
    },
}


class UnsupportedDatabase(Exception):
    """dtto's audit trail is made append-only on PostgreSQL and SQLite only."""


def _statements(vendor: str) -> tuple[list[str], list[str]]:
    try:
        return _STATEMENTS[vendor]
    except KeyError:
        raise UnsupportedDatabase(
            f"cannot make the audit trail append-only on {vendor}: use PostgreSQL or SQLite"
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
