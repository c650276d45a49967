from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.core.cache import cache
from django.db import transaction

from dtto.api.tests.clients import World, make_world


@pytest.fixture(scope="module")
def _module_world(
    django_db_setup: None, django_db_blocker: pytest.FixtureRequest
) -> Iterator[World]:
    """The clients and the running case, made once per test module and undone at its end.

    Each test runs inside this transaction in a savepoint of its own (pytest-django's ``db``),
    so what a test records is undone before the next, and the world is made only once.
    """
    with django_db_blocker.unblock(), transaction.atomic():  # type: ignore[attr-defined]
        yield make_world()
        transaction.set_rollback(True)


@pytest.fixture
def world(_module_world: World, db: None) -> World:
    # Rate-limit counts live in the cache; each test starts with none.
    cache.clear()
    return _module_world
