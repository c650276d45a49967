"""`dtto serve` runs gunicorn on dtto.wsgi: probes, static files and JSON access logs."""

from __future__ import annotations

import http.client
import time
import urllib.parse
from pathlib import Path

from dtto.ops.tests.server import (
    CHECKOUT,
    dtto_command,
    get,
    json_lines,
    production_env,
    python_code,
    serving,
)


def _migrated(tmp_path: Path) -> dict[str, str]:
    env = production_env(tmp_path / "dtto.sqlite3")
    migrated = dtto_command("migrate", "--verbosity", "0", env=env)
    assert migrated.returncode == 0, migrated.stderr
    return env


def test_serve_answers_probes_and_static_files_and_logs_each_request_as_json(
    tmp_path: Path,
) -> None:
    env = _migrated(tmp_path)
    with serving(env, tmp_path) as server:
        health = get(f"{server.url}/healthz", {"X-Request-ID": "probe-1"})
        ready = get(f"{server.url}/readyz?name=Robin")
        stylesheet = get(f"{server.url}/static/dtto/dtto.css")
    assert (health.status, health.json()) == (200, {"status": "ok"})
    assert health.headers["Server"] == "gunicorn"
    assert (ready.status, ready.json()) == (200, {"status": "ok"})
    # WhiteNoise serves the file itself, byte for byte, with DEBUG off and no collectstatic.
    assert stylesheet.status == 200
    assert stylesheet.headers["Content-Type"].startswith("text/css")
    source = CHECKOUT / "dtto" / "accounts" / "static" / "dtto" / "dtto.css"
    assert stylesheet.body == source.read_bytes()

    access = [line for line in json_lines(server.stdout) if line["logger"] == "gunicorn.access"]
    by_path = {line["path"]: line for line in access}
    assert health.headers["X-Request-ID"] == "probe-1"
    assert by_path["/healthz"]["request_id"] == "probe-1"
    assert (by_path["/healthz"]["method"], by_path["/healthz"]["status"]) == ("GET", 200)
    # An id the server made is the one it sent back; the query string (names) is not logged.
    assert by_path["/readyz"]["request_id"] == ready.headers["X-Request-ID"]
    assert "Robin" not in server.stdout.read_text()
    # gunicorn's own messages (starting, booting a worker) have the same shape.
    errors = json_lines(server.stderr)
    assert any(line["message"] == "Starting gunicorn 27.0.1" for line in errors)
    assert all({"time", "level", "logger", "message"} <= line.keys() for line in errors)


def test_an_idle_connection_is_kept_open_longer_than_a_user_pauses_between_pages(
    tmp_path: Path,
) -> None:
    # Staff pause a few seconds between pages (the load test: 2-6 s); with gunicorn's usual
    # 5 s keep-alive the server closed connections just as the next request arrived.
    env = _migrated(tmp_path)
    with serving(env, tmp_path) as server:
        address = urllib.parse.urlsplit(server.url)
        connection = http.client.HTTPConnection(address.hostname or "", address.port, timeout=10)
        connection.request("GET", "/healthz")
        first = connection.getresponse()
        first.read()
        socket_used = connection.sock
        time.sleep(7)
        connection.request("GET", "/healthz")
        second = connection.getresponse()
        second.read()
        same_socket = connection.sock is socket_used
        connection.close()
    assert (first.status, second.status) == (200, 200)
    assert same_socket, "the server closed the idle connection within 7 seconds"


def test_readyz_is_503_when_the_database_cannot_be_opened(tmp_path: Path) -> None:
    # SQLite cannot create a file in a directory that does not exist.
    env = production_env(tmp_path / "no-such-directory" / "dtto.sqlite3")
    with serving(env, tmp_path) as server:
        health = get(f"{server.url}/healthz")
        ready = get(f"{server.url}/readyz")
    assert health.status == 200, "the process is up even when its database is not"
    assert ready.status == 503
    assert ready.json()["status"] == "unavailable"
    assert str(ready.json()["reason"]).startswith("database unreachable: ")


def test_readyz_is_503_while_a_migration_is_unapplied(tmp_path: Path) -> None:
    env = _migrated(tmp_path)
    # Nothing depends on Django's sessions table, so it alone can be rolled back.
    rolled_back = dtto_command("migrate", "sessions", "zero", "--verbosity", "0", env=env)
    assert rolled_back.returncode == 0, rolled_back.stderr
    with serving(env, tmp_path) as server:
        ready = get(f"{server.url}/readyz")
    assert ready.status == 503
    assert ready.json() == {
        "status": "unavailable",
        "reason": "1 unapplied migration(s): sessions.0001_initial",
    }


def test_serve_refuses_the_demo_key_in_production(tmp_path: Path) -> None:
    env = production_env(tmp_path / "dtto.sqlite3")
    del env["DTTO_SECRET_KEY"]
    refused = dtto_command("serve", "--bind", "127.0.0.1:1", env=env)
    assert refused.returncode != 0
    assert "DTTO_SECRET_KEY is not set" in refused.stderr
    # Any other WSGI server loading dtto.wsgi is refused the same way.
    imported = python_code("import dtto.wsgi", env)
    assert imported.returncode != 0
    assert "DTTO_SECRET_KEY is not set" in imported.stderr


def test_debug_and_the_demo_may_serve_with_the_demo_key(tmp_path: Path) -> None:
    env = production_env(tmp_path / "dtto.sqlite3")
    del env["DTTO_SECRET_KEY"]
    debug = python_code("import dtto.wsgi", {**env, "DTTO_DEBUG": "true"})
    assert debug.returncode == 0, debug.stderr
    # What `dtto demo` does after loading its data.
    demo = [
        "-c",
        "import sys, django; django.setup(); from django.core.management import call_command;"
        " call_command('serve', workers=1, bind=sys.argv[1], demo=True)",
    ]
    with serving(env, tmp_path, argv=demo) as server:
        assert get(f"{server.url}/healthz").status == 200
