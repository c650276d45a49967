"""Running ``dtto`` in a child process, as an operator would, for the server tests."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path

import dtto

CHECKOUT = Path(dtto.__file__).resolve().parent.parent
# Long and random-looking enough for Django's own secret-key check.
PRODUCTION_KEY = "test-only-3mQ8vZ1pK7rX2wN9cT4yB6hJ0dF5gL8sA1eU7iO3qW2zR9xV4nM6bC0"
PRODUCTION_DRAW_KEY = "test-only-draw-Yt5Lq2Wm8Rz1Kc7Pv4Nx9Bd3Hg6Sf0Ja2Ue5Io8"
START_SECONDS = 60
STOP_SECONDS = 15


def production_env(sqlite_path: Path, **overrides: str) -> dict[str, str]:
    """The environment of a production server on a SQLite file, this checkout first."""
    env = {
        key: value
        for key, value in os.environ.items()
        # The browser tests allow Django's async-unsafe calls in this process; a production
        # server must not inherit that (check --deploy says async.E001).
        if not key.startswith("DTTO_") and key not in ("DATABASE_URL", "DJANGO_ALLOW_ASYNC_UNSAFE")
    }
    env.update(
        PYTHONPATH=str(CHECKOUT),
        DJANGO_SETTINGS_MODULE="dtto.settings",
        DTTO_SQLITE_PATH=str(sqlite_path),
        DTTO_SECRET_KEY=PRODUCTION_KEY,
        DTTO_TEST_DRAW_KEY=PRODUCTION_DRAW_KEY,
        DTTO_DEBUG="false",
    )
    env.update(overrides)
    return env


def dtto_command(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "dtto.cli", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def python_code(code: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", code],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass(frozen=True)
class Answer:
    status: int
    headers: dict[str, str]
    body: bytes

    def json(self) -> dict[str, object]:
        parsed: dict[str, object] = json.loads(self.body)
        return parsed


def get(url: str, headers: dict[str, str] | None = None) -> Answer:
    request = urllib.request.Request(url, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return Answer(response.status, dict(response.headers.items()), response.read())
    except urllib.error.HTTPError as error:
        return Answer(error.code, dict(error.headers.items()), error.read())


@dataclass(frozen=True)
class Server:
    url: str
    stdout: Path
    stderr: Path


@contextmanager
def serving(env: dict[str, str], tmp_path: Path, argv: list[str] | None = None) -> Iterator[Server]:
    """Start ``dtto serve`` (or ``argv``, which must take the port), wait for /healthz, stop it.

    The server runs in a session of its own so that, whatever happens, its whole process
    group (gunicorn's master and workers) is killed at the end.
    """
    port = free_port()
    command = argv or ["-m", "dtto.cli", "serve", "--workers", "1", "--bind"]
    server = Server(f"http://127.0.0.1:{port}", tmp_path / "out.log", tmp_path / "err.log")
    with server.stdout.open("wb") as out, server.stderr.open("wb") as err:
        process = subprocess.Popen(
            [sys.executable, *command, f"127.0.0.1:{port}"],
            env=env,
            stdout=out,
            stderr=err,
            start_new_session=True,
        )
        try:
            _wait_until_answering(process, server)
            yield server
        finally:
            process.terminate()
            with suppress(subprocess.TimeoutExpired):
                process.wait(timeout=STOP_SECONDS)
            with suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=STOP_SECONDS)


def _wait_until_answering(process: subprocess.Popen[bytes], server: Server) -> None:
    deadline = time.monotonic() + START_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(
                f"the server stopped (exit {process.returncode}): {server.stderr.read_text()}"
            )
        try:
            get(f"{server.url}/healthz")
            return
        except OSError:
            time.sleep(0.2)
    raise AssertionError(f"the server did not answer within {START_SECONDS} s")


def json_lines(path: Path) -> list[dict[str, object]]:
    """Every line of a log file, each of which must be one JSON object."""
    return [json.loads(line) for line in path.read_text().splitlines() if line]
