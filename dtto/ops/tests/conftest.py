"""Fixtures of the tests that run dtto in child processes on a real database file or server."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

import psycopg
import pytest
from django.db import connection
from psycopg import sql

from dtto.ops.tests.server import dtto_command, production_env


def _migrated(tmp_path: Path) -> dict[str, str]:
    env = production_env(tmp_path / "dtto.sqlite3")
    migrated = dtto_command("migrate", "--verbosity", "0", env=env)
    assert migrated.returncode == 0, migrated.stderr
    return env


@pytest.fixture
def suite_database(tmp_path: Path) -> Iterator[dict[str, str]]:
    """The environment of a child process on a new, migrated database of the suite's kind.

    On SQLite a temporary file; on PostgreSQL a database of its own beside the test
    database (the test database's reference data may have been flushed by then), dropped
    after.
    """
    if connection.vendor != "postgresql":
        yield _migrated(tmp_path)
        return
    settings = connection.settings_dict
    name = f"{settings['NAME']}_writers"[:63]
    server = {
        "host": settings["HOST"] or "127.0.0.1",
        "port": int(settings["PORT"] or 5432),
        "user": settings["USER"],
        "password": settings["PASSWORD"] or None,
    }
    password = f":{quote(settings['PASSWORD'])}" if settings["PASSWORD"] else ""
    url = f"postgres://{quote(server['user'])}{password}@{server['host']}:{server['port']}/{name}"
    with psycopg.connect(dbname="postgres", autocommit=True, **server) as admin:
        admin.execute(sql.SQL("DROP DATABASE IF EXISTS {}").format(sql.Identifier(name)))
        admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
        try:
            env = production_env(tmp_path / "unused.sqlite3", DATABASE_URL=url)
            migrated = dtto_command("migrate", "--verbosity", "0", env=env)
            assert migrated.returncode == 0, migrated.stderr
            yield env
        finally:
            admin.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
            )
