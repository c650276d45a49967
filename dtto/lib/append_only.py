"""Tables the database itself keeps append-only, on PostgreSQL and SQLite: one builder.

The audit trail, the domain events and the recorded test draws are each refused every
UPDATE and DELETE by triggers, whatever issues it (the ORM's base manager, ``_raw_delete``,
``save_base``, ``bulk_create(update_conflicts=True)``, ``loaddata`` over an existing row, or
SQL typed at a prompt), and TRUNCATE (PostgreSQL only; SQLite has none) while the table
holds a row. Emptying an empty table loses nothing, and that is what Django's test flush
does: ``dtto/conftest.py`` removes the triggers, empties the tables and installs them again
with these same statements, so nothing in production code can switch the refusal off.

A table may have a *head*: one row that keeps the latest place in a sequence (the audit
chain's head, the event sequence's head). The head may not be deleted and may only move
forward; what "backward" means is the table's own condition.

Each app describes its tables once (``dtto/audit/append_only.py`` and its siblings) and its
migration calls ``install``; the statements are those the migrations have always run, so a
database made before this builder existed and one made after have the same triggers and
functions (``dtto/lib/tests/test_append_only.py``).

On SQLite, Django rebuilds a table to alter it, which drops its triggers: a migration that
alters one of these tables must call ``install`` again afterwards.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


class UnsupportedDatabase(Exception):
    """dtto makes tables append-only on PostgreSQL and SQLite only."""


@dataclass(frozen=True)
class Head:
    """The one-row head of a sequence: never deleted, only moved forward."""

    table: str
    # Trigger names start with this, e.g. "audit_head" for audit_head_no_delete.
    triggers: str
    # The SQL condition, over NEW and OLD, that a refused update meets; one item a line as
    # the PostgreSQL function writes it (SQLite's WHEN joins them on one line).
    moved_back: tuple[str, ...]
    # The refusal's words after the prefix, e.g. "the chain head may only move forward".
    refusal: str


@dataclass(frozen=True)
class AppendOnly:
    """An append-only table (and perhaps its head) and the SQL that makes it so."""

    # What is kept, for messages: "the audit trail".
    what: str
    # The start of every refusal's message, e.g. "the audit trail is append-only".
    refusal: str
    # PostgreSQL functions are named with this, e.g. "audit" for audit_refuse_change().
    functions: str
    table: str
    # Trigger names start with this, e.g. "audit_event" for audit_event_append_only.
    triggers: str
    head: Head | None = None

    # --- The statements ---------------------------------------------------------------

    def statements(self, vendor: str) -> tuple[list[str], list[str]]:
        """The statements that install the triggers, and those that remove them."""
        if vendor == "postgresql":
            return self._postgresql_install(), self._postgresql_remove()
        if vendor == "sqlite":
            return self._sqlite_install(), self._sqlite_remove()
        raise UnsupportedDatabase(
            f"cannot make {self.what} append-only on {vendor}: use PostgreSQL or SQLite"
        )

    def trigger_names(self, vendor: str) -> dict[str, set[str]]:
        """The triggers each table has once installed, by table."""
        rows, head = self.triggers, self.head
        if vendor == "postgresql":
            names = {self.table: {f"{rows}_append_only", f"{rows}_no_truncate"}}
            if head is not None:
                names[head.table] = {
                    f"{head.triggers}_no_delete",
                    f"{head.triggers}_forward_only",
                    f"{head.triggers}_no_truncate",
                }
            return names
        if vendor == "sqlite":
            names = {self.table: {f"{rows}_no_update", f"{rows}_no_delete"}}
            if head is not None:
                names[head.table] = {f"{head.triggers}_no_delete", f"{head.triggers}_forward_only"}
            return names
        return {}

    @property
    def tables(self) -> tuple[str, ...]:
        return (self.table,) if self.head is None else (self.table, self.head.table)

    def _postgresql_install(self) -> list[str]:
        change, truncate = f"{self.functions}_refuse_change", f"{self.functions}_refuse_truncate"
        statements = [
            f"""
    CREATE OR REPLACE FUNCTION {change}() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        RAISE EXCEPTION '{self.refusal}: % on % refused', TG_OP, TG_TABLE_NAME
            USING ERRCODE = 'insufficient_privilege';
    END $$
    """,
            f"""
    CREATE OR REPLACE FUNCTION {truncate}() RETURNS trigger LANGUAGE plpgsql AS $$
    DECLARE
        has_rows boolean;
    BEGIN
        EXECUTE format('SELECT EXISTS (SELECT 1 FROM %I.%I)', TG_TABLE_SCHEMA, TG_TABLE_NAME)
            INTO has_rows;
        IF has_rows THEN
            RAISE EXCEPTION '{self.refusal}: TRUNCATE on % refused', TG_TABLE_NAME
                USING ERRCODE = 'insufficient_privilege';
        END IF;
        RETURN NULL;
    END $$
    """,
        ]
        head, rewind = self.head, f"{self.functions}_refuse_rewind"
        if head is not None:
            moved_back = "\n           ".join(head.moved_back)
            statements.append(
                f"""
    CREATE OR REPLACE FUNCTION {rewind}() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        IF {moved_back} THEN
            RAISE EXCEPTION '{self.refusal}: {head.refusal}'
                USING ERRCODE = 'insufficient_privilege';
        END IF;
        RETURN NEW;
    END $$
    """
            )
        statements += [
            f"CREATE TRIGGER {self.triggers}_append_only BEFORE UPDATE OR DELETE ON {self.table}"
            f" FOR EACH ROW EXECUTE FUNCTION {change}()",
            f"CREATE TRIGGER {self.triggers}_no_truncate BEFORE TRUNCATE ON {self.table}"
            f" FOR EACH STATEMENT EXECUTE FUNCTION {truncate}()",
        ]
        if head is not None:
            statements += [
                f"CREATE TRIGGER {head.triggers}_no_delete BEFORE DELETE ON {head.table}"
                f" FOR EACH ROW EXECUTE FUNCTION {change}()",
                f"CREATE TRIGGER {head.triggers}_forward_only BEFORE UPDATE ON {head.table}"
                f" FOR EACH ROW EXECUTE FUNCTION {rewind}()",
                f"CREATE TRIGGER {head.triggers}_no_truncate BEFORE TRUNCATE ON {head.table}"
                f" FOR EACH STATEMENT EXECUTE FUNCTION {truncate}()",
            ]
        return statements

    def _postgresql_remove(self) -> list[str]:
        statements = [
            f"DROP TRIGGER IF EXISTS {self.triggers}_append_only ON {self.table}",
            f"DROP TRIGGER IF EXISTS {self.triggers}_no_truncate ON {self.table}",
        ]
        if self.head is not None:
            statements += [
                f"DROP TRIGGER IF EXISTS {self.head.triggers}_{name} ON {self.head.table}"
                for name in ("no_delete", "forward_only", "no_truncate")
            ]
        functions = ["change", "truncate"] + (["rewind"] if self.head is not None else [])
        return statements + [
            f"DROP FUNCTION IF EXISTS {self.functions}_refuse_{name}()" for name in functions
        ]

    def _sqlite_install(self) -> list[str]:
        statements = [
            f"CREATE TRIGGER {self.triggers}_no_{op.lower()} BEFORE {op} ON {self.table}"
            f" BEGIN SELECT RAISE(ABORT, '{self.refusal}: {op} on {self.table} refused'); END"
            for op in ("UPDATE", "DELETE")
        ]
        head = self.head
        if head is not None:
            statements += [
                f"CREATE TRIGGER {head.triggers}_no_delete BEFORE DELETE ON {head.table}"
                f" BEGIN SELECT RAISE(ABORT, '{self.refusal}: DELETE on {head.table} refused');"
                " END",
                f"CREATE TRIGGER {head.triggers}_forward_only BEFORE UPDATE ON {head.table}"
                f" WHEN {' '.join(head.moved_back)}"
                f" BEGIN SELECT RAISE(ABORT, '{self.refusal}: {head.refusal}'); END",
            ]
        return statements

    def _sqlite_remove(self) -> list[str]:
        names = [f"{self.triggers}_no_update", f"{self.triggers}_no_delete"]
        if self.head is not None:
            names += [f"{self.head.triggers}_no_delete", f"{self.head.triggers}_forward_only"]
        return [f"DROP TRIGGER IF EXISTS {name}" for name in names]

    # --- Against a database -----------------------------------------------------------

    def install(self, connection: Any) -> None:
        """Create the triggers (a migration's forward step, and the test flush's)."""
        self._run(connection, self.statements(connection.vendor)[0])

    def remove(self, connection: Any) -> None:
        """Drop the triggers (a migration's backward step, and the test flush's)."""
        self._run(connection, self.statements(connection.vendor)[1])

    @staticmethod
    def _run(connection: Any, statements: list[str]) -> None:
        with connection.cursor() as cursor:
            for statement in statements:
                cursor.execute(statement)

    def missing_triggers(self, connection: Any) -> list[str]:
        """The triggers this database should have and has not, by name."""
        expected = self.trigger_names(connection.vendor)
        if not expected:
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
