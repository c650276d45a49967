"""Test set-up shared by every app."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest


def _is_transactional(request: pytest.FixtureRequest) -> bool:
    # The same reading of the test as pytest-django's own (its _django_db_helper fixture).
    marker = request.node.get_closest_marker("django_db")
    by_marker = bool(
        marker and (marker.kwargs.get("transaction") or marker.kwargs.get("reset_sequences"))
    )
    return by_marker or bool({"transactional_db", "live_server"} & set(request.fixturenames))


@pytest.fixture(autouse=True)
def _reference_data_as_migrated(request: pytest.FixtureRequest) -> None:
    """Give a transactional test the reference data its migrations wrote.

    Django empties every table after a transactional test, the areas and code lists that
    migrations `accounts/0002` and `cases/0002` wrote included; the next transactional test
    would find no areas. The same loaders the migrations run put them back (they update or
    create, so a database that still has them is unchanged).
    """
    if not _is_transactional(request):
        return
    request.getfixturevalue("transactional_db")
    from django.apps import apps

    from dtto.accounts.reference import load_areas
    from dtto.cases.codelists import load_code_lists

    load_areas(apps)
    load_code_lists(apps)


@pytest.fixture(autouse=True)
def _audit_trail_emptied_before_flush(request: pytest.FixtureRequest) -> Iterator[None]:
    """Empty the audit trail, the event feed and the test draws after a transactional test.

    The database refuses to delete their rows or truncate a table that has any
    (dtto/lib/append_only.py); Django's flush deletes (SQLite) or truncates (PostgreSQL)
    every table. So, exactly as an owner of the database could and no application code
    does, drop the triggers, empty the tables and put the triggers back: the flush
    then finds the trail empty, and the next test finds the triggers in place.
    """
    if not _is_transactional(request):
        yield
        return
    # Requested here so that this fixture's teardown runs before the flush in its teardown.
    request.getfixturevalue("transactional_db")
    yield
    from django.db import connection, transaction

    from dtto.audit.append_only import TRAIL
    from dtto.events.append_only import FEED
    from dtto.scheduling.append_only import RECORDED_DRAWS

    with transaction.atomic():
        for kept in (TRAIL, FEED, RECORDED_DRAWS):
            kept.remove(connection)
            with connection.cursor() as cursor:
                for table in kept.tables:
                    cursor.execute(f"DELETE FROM {connection.ops.quote_name(table)}")
            kept.install(connection)


@pytest.fixture
def admin_client(db: None, admin_user: Any) -> Any:
    """pytest-django's superuser client, signed in as an administrator must be: with a
    verified second factor (dtto/accounts/second_factor.py), or every admin page would send
    it to set one up."""
    from django.test import Client

    from dtto.accounts.tests.signing_in import sign_in_as

    return sign_in_as(Client(), admin_user)
