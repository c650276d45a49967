"""The database's refusal to change or delete a recorded test draw (SQLite and PostgreSQL).

The same kind of triggers as the audit trail's (dtto/audit/append_only.py): every UPDATE and
DELETE of a draw is refused whatever issues it, and TRUNCATE (PostgreSQL) while the table
holds a row. A draw is made once and never redrawn, so there is nothing legitimate to
change. A database owner can drop the triggers; what they then change is caught by
``dtto tests verify-draw`` (the recomputed days or digest differ) and by the audit event
written with every draw.

On SQLite, Django rebuilds a table to alter it, which drops its triggers: a migration that
alters ``TestDraw`` must call ``install`` again afterwards.
"""

from __future__ import annotations

from typing import Any

DRAWS = "scheduling_testdraw"
REFUSAL = "recorded test draws are append-only"

_POSTGRESQL_INSTALL = [
    f"""
    CREATE OR REPLACE FUNCTION scheduling_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        RAISE EXCEPTION '{REFUSAL}: % on % refused', TG_OP, TG_TABLE_NAME
            USING ERRCODE = 'insufficient_privilege';
    END $$
    """,
    f"""
    CREATE OR REPLACE FUNCTION scheduling_refuse_truncate() RETURNS trigger LANGUAGE plpgsql
    AS $$
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
    f"CREATE TRIGGER test_draw_append_only BEFORE UPDATE OR DELETE ON {DRAWS}"
    " FOR EACH ROW EXECUTE FUNCTION scheduling_refuse_change()",
    f"CREATE TRIGGER test_draw_no_truncate BEFORE TRUNCATE ON {DRAWS}"
    " FOR EACH STATEMENT EXECUTE FUNCTION scheduling_refuse_truncate()",
]
_POSTGRESQL_REMOVE = [
    f"DROP TRIGGER IF EXISTS test_draw_append_only ON {DRAWS}",
    f"DROP TRIGGER IF EXISTS test_draw_no_truncate ON {DRAWS}",
    "DROP FUNCTION IF EXISTS scheduling_refuse_change()",
    "DROP FUNCTION IF EXISTS scheduling_refuse_truncate()",
]
_SQLITE_INSTALL = [
    f"CREATE TRIGGER test_draw_no_update BEFORE UPDATE ON {DRAWS}"
    f" BEGIN SELECT RAISE(ABORT, '{REFUSAL}: UPDATE on {DRAWS} refused'); END",
    f"CREATE TRIGGER test_draw_no_delete BEFORE DELETE ON {DRAWS}"
    f" BEGIN SELECT RAISE(ABORT, '{REFUSAL}: DELETE on {DRAWS} refused'); END",
]
_SQLITE_REMOVE = [
    "DROP TRIGGER IF EXISTS test_draw_no_update",
    "DROP TRIGGER IF EXISTS test_draw_no_delete",
]
_STATEMENTS = {
    "postgresql": (_POSTGRESQL_INSTALL, _POSTGRESQL_REMOVE),
    "sqlite": (_SQLITE_INSTALL, _SQLITE_REMOVE),
}
TRIGGERS = {
    "postgresql": {"test_draw_append_only", "test_draw_no_truncate"},
    "sqlite": {"test_draw_no_update", "test_draw_no_delete"},
}


class UnsupportedDatabase(Exception):
    """Test draws are made append-only on PostgreSQL and SQLite only."""


def _statements(vendor: str) -> tuple[list[str], list[str]]:
    try:
        return _STATEMENTS[vendor]
    except KeyError:
        raise UnsupportedDatabase(
            f"cannot make test draws append-only on {vendor}: use PostgreSQL or SQLite"
        ) from None


def install(connection: Any) -> None:
    with connection.cursor() as cursor:
        for statement in _statements(connection.vendor)[0]:
            cursor.execute(statement)


def remove(connection: Any) -> None:
    with connection.cursor() as cursor:
        for statement in _statements(connection.vendor)[1]:
            cursor.execute(statement)


def missing_triggers(connection: Any) -> list[str]:
    """The append-only triggers the draws table should have and has not, by name."""
    expected = TRIGGERS.get(connection.vendor)
    if expected is None:
        return [f"(no append-only triggers exist for {connection.vendor})"]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT tgname FROM pg_trigger WHERE tgrelid = to_regclass(%s) AND NOT tgisinternal",
                [DRAWS],
            )
        else:
            cursor.execute(
                "SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = %s", [DRAWS]
            )
        present = {row[0] for row in cursor.fetchall()}
    return sorted(expected - present)
