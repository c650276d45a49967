"""The one builder of append-only triggers gives each app the statements it always had.

``append_only_statements.json`` holds the statements the three apps' own modules ran,
install and remove, on each database, as they stood before the builder replaced them
(commit f78bcaf): the migrations that made every existing database ran those. The builder
must give the same statements (a line break between words aside), and a database must end
with the same triggers and functions from either.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from django.db import connection

from dtto.audit.append_only import TRAIL
from dtto.events.append_only import FEED
from dtto.lib.append_only import AppendOnly, UnsupportedDatabase
from dtto.scheduling.append_only import RECORDED_DRAWS

BEFORE: dict[str, dict[str, dict[str, list[str]]]] = json.loads(
    (Path(__file__).parent / "append_only_statements.json").read_text()
)
BUILT = {"audit": TRAIL, "events": FEED, "scheduling": RECORDED_DRAWS}


def _words(statements: list[str]) -> list[str]:
    return [" ".join(statement.split()) for statement in statements]


@pytest.mark.parametrize("vendor", ["postgresql", "sqlite"])
@pytest.mark.parametrize("app", list(BUILT))
def test_the_builder_gives_each_app_the_statements_its_migration_ran(app: str, vendor: str):
    install, remove = BUILT[app].statements(vendor)
    assert _words(install) == _words(BEFORE[app][vendor]["install"])
    assert _words(remove) == _words(BEFORE[app][vendor]["remove"])


def _run(statements: list[str]) -> None:
    with connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)


def _catalogue(kept: AppendOnly) -> dict[str, Any]:
    """The triggers on the kept tables and, on PostgreSQL, the functions they call, as the
    database itself writes them out."""
    found: dict[str, Any] = {}
    with connection.cursor() as cursor:
        for table in kept.tables:
            if connection.vendor == "postgresql":
                cursor.execute(
                    "SELECT tgname, pg_get_triggerdef(oid) FROM pg_trigger"
                    " WHERE tgrelid = to_regclass(%s) AND NOT tgisinternal",
                    [table],
                )
            else:
                cursor.execute(
                    "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = %s",
                    [table],
                )
            found.update(cursor.fetchall())
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT proname, pg_get_functiondef(oid) FROM pg_proc WHERE proname LIKE %s",
                [f"{kept.functions}\\_refuse\\_%"],
            )
            found.update({f"function {name}": text for name, text in cursor.fetchall()})
    return found


@pytest.mark.django_db
@pytest.mark.parametrize("app", list(BUILT))
def test_a_database_has_the_same_triggers_and_functions_from_the_builder_as_before(app: str):
    kept, before = BUILT[app], BEFORE[app][connection.vendor]
    kept.remove(connection)  # the migration installed them: start from none
    _run(before["install"])
    made_before = _catalogue(kept)
    _run(before["remove"])
    assert _catalogue(kept) == {}
    kept.install(connection)
    made_now = _catalogue(kept)

    assert made_now == made_before
    triggers = {name for names in kept.trigger_names(connection.vendor).values() for name in names}
    assert triggers <= set(made_now)
    assert kept.missing_triggers(connection) == []


def test_another_database_is_refused_naming_what_cannot_be_kept():
    with pytest.raises(UnsupportedDatabase, match="cannot make the audit trail append-only on"):
        TRAIL.statements("mysql")
    assert RECORDED_DRAWS.trigger_names("mysql") == {}
