"""The load test in one command: the demo's data, ``dtto serve``, and Locust (issue 12, item 5).

``python -m benchmarks load`` prepares the demo's database (``dtto demo --no-serve``: reused if
already loaded), starts ``dtto serve`` (gunicorn, workers sized to the machine) on a free
port, waits for ``/readyz``, runs ``benchmarks/locustfile.py`` headless against it, stops the
server, and prints for each page and for all of them the requests, failures, median and 95th
percentile, with the load average sampled every 10 seconds while Locust ran.

By default, 200 simulated staff (``LOCUST_USERS``) start at ``LOCUST_SPAWN_RATE`` (default 2)
a second (each signs in first, a deliberately slow password hash, so they are started
gently), and the figures count only the requests after the last one started (Locust's
``--reset-stats``), for ``LOCUST_RUN_TIME`` in all (default 5m). With ``LOCUST_STEPS=1`` the
locustfile adds 20 users a minute up to ``LOCUST_USERS`` instead, and this prints, for each
step, the request rate and the 95th percentile of Locust's last 10 seconds (medians over
the step), and the first step at which that percentile passed 100 ms.

Environment: ``DATABASE_URL`` (default: a SQLite file ``dtto-bench-load.db`` in the
temporary directory; give a PostgreSQL database to measure what production runs),
``LOCUST_USERS``, ``LOCUST_SPAWN_RATE``, ``LOCUST_RUN_TIME``, ``LOCUST_STEPS``,
``LOCUST_CSV`` (prefix of Locust's CSV files, default ``dtto-load`` in the temporary
directory). ``DTTO_SECRET_KEY`` and ``DTTO_TEST_DRAW_KEY`` are made up for the run if not set
(``dtto serve`` refuses the demo's keys).
"""

from __future__ import annotations

import csv
import os
import secrets
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

from benchmarks.bench_reports import machine

TARGET_MS = 100.0  # issue 12: p95 at 200 staff
STEP_USERS = 20  # benchmarks/locustfile.py's Steps.step_users


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _wait_ready(url: str, seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while True:
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                if response.status == 200:
                    return
        except OSError:
            pass
        if time.monotonic() > deadline:
            raise SystemExit(f"the server did not answer {url} within {seconds:.0f} s")
        time.sleep(1)


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(newline="") as f:
        return list(csv.DictReader(f))


def _number(text: str) -> float:
    return float(text) if text not in ("", "N/A") else float("nan")


def _summary(stats: Path) -> None:
    print(f"{'page':32} {'requests':>9} {'failures':>9} {'median':>8} {'p95':>8} {'req/s':>7}")
    for row in _rows(stats):
        print(
            f"{row['Name'][:32]:32} {row['Request Count']:>9} {row['Failure Count']:>9}"
            f" {row['Median Response Time']:>6}ms {row['95%']:>6}ms"
            f" {_number(row['Requests/s']):7.1f}"
        )


def _steps(history: Path) -> None:
    """Per number of users: median request rate and 95th percentile of the last 10 s."""
    by_users: dict[int, list[tuple[float, float]]] = {}
    for row in _rows(history):
        if row["Name"] != "Aggregated":
            continue
        rate, p95 = _number(row["Requests/s"]), _number(row["95%"])
        if rate == rate and p95 == p95:  # not NaN: Locust writes N/A before the first request
            by_users.setdefault(int(row["User Count"]), []).append((rate, p95))
    passed = None
    print(f"{'users':>6} {'req/s':>7} {'p95':>8}")
    for users in sorted(by_users):
        if users % STEP_USERS:
            continue  # a row written while a step was still starting its users
        rate = statistics.median(r for r, _ in by_users[users])
        p95 = statistics.median(p for _, p in by_users[users])
        print(f"{users:6} {rate:7.1f} {p95:6.0f}ms")
        if passed is None and p95 > TARGET_MS:
            passed = (users, rate, p95)
    if passed:
        print(
            f"p95 passed {TARGET_MS:.0f} ms at {passed[0]} users,"
            f" {passed[1]:.1f} requests/s (p95 {passed[2]:.0f} ms)"
        )
    else:
        print(f"p95 stayed at or under {TARGET_MS:.0f} ms at every step")


def main() -> None:
    root = Path(__file__).resolve().parent.parent
    env = dict(os.environ)
    env.setdefault(
        "DATABASE_URL", f"sqlite:///{os.path.join(tempfile.gettempdir(), 'dtto-bench-load.db')}"
    )
    env.setdefault("DTTO_SECRET_KEY", secrets.token_urlsafe(50))
    env.setdefault("DTTO_TEST_DRAW_KEY", secrets.token_urlsafe(50))
    users = env.get("LOCUST_USERS", "200")
    prefix = env.get("LOCUST_CSV", os.path.join(tempfile.gettempdir(), "dtto-load"))
    print(machine())
    print(f"database: {env['DATABASE_URL'].split(':', 1)[0]}", flush=True)
    dtto = [sys.executable, "-m", "dtto.cli"]
    start = time.perf_counter()
    subprocess.run([*dtto, "demo", "--no-serve"], env=env, check=True, stdout=subprocess.DEVNULL)
    print(f"demo data ready: {time.perf_counter() - start:.0f} s", flush=True)
    port = _free_port()
    log = open(f"{prefix}-server.log", "w")  # noqa: SIM115 (open for the server's life)
    server = subprocess.Popen(
        [*dtto, "serve", "--bind", f"127.0.0.1:{port}"], env=env, stdout=log, stderr=log
    )
    loads: list[float] = []
    done = threading.Event()

    def sample() -> None:
        while not done.wait(10):
            loads.append(os.getloadavg()[0])

    try:
        _wait_ready(f"http://127.0.0.1:{port}/readyz", 120)
        command = [
            sys.executable,
            "-m",
            "locust",
            "-f",
            str(root / "benchmarks" / "locustfile.py"),
            "--host",
            f"http://127.0.0.1:{port}",
            "--headless",
            "--users",
            users,
            "--spawn-rate",
            env.get("LOCUST_SPAWN_RATE", "2"),
            "--csv",
            prefix,
            "--only-summary",
            "--loglevel",
            "WARNING",
        ]
        if not env.get("LOCUST_STEPS"):
            command += ["--run-time", env.get("LOCUST_RUN_TIME", "5m"), "--reset-stats"]
        print(" ".join(command[2:]), flush=True)
        threading.Thread(target=sample, daemon=True).start()
        # Locust exits 1 when any request failed; the failures are in its figures below.
        subprocess.run(command, env=env, check=False, stdout=subprocess.DEVNULL)
    finally:
        done.set()
        server.send_signal(signal.SIGTERM)
        server.wait(60)
        log.close()
    if loads:
        print(
            f"load average while Locust ran: {min(loads):.1f}-{max(loads):.1f}"
            f" (mean {statistics.fmean(loads):.1f})"
        )
    _summary(Path(f"{prefix}_stats.csv"))
    if env.get("LOCUST_STEPS"):
        _steps(Path(f"{prefix}_stats_history.csv"))
    print(f"Locust's CSV files: {prefix}_*.csv; the server's log: {prefix}-server.log")


if __name__ == "__main__":
    main()
