"""Server CPU per page on a large record (issue 12, item 5: at most 15 ms a page).

Renders the pages staff use all day through Django's test client, signed in as the demo's
users (``create_demo_users``, with the demo's live caseload for the case manager), on a
database loaded by the reports benchmark's loader (:func:`bench_reports.load`, through the
importer): the case page (the largest record in the demo area, and the demo's own running
case), the case manager's queue, the area manager's team queue and the national report page.
For each page it prints, over ``BENCH_PAGES_REQUESTS`` requests after two not counted (the
first in a process imports and caches): the CPU time of this process a request
(``time.process_time``: the whole Django side, from the request to the rendered page), median
and 95th percentile; on PostgreSQL the CPU time of the database's server process for this
connection, averaged over the requests (read from ``/proc``, so only when the server runs on
this machine; the kernel counts it in 10 ms ticks, hence the average); the wall time; and the
number of queries.

Environment: ``BENCH_PAGES_ORDERS`` (default 2000), ``BENCH_PAGES_REQUESTS`` (default 30),
``BENCH_DB`` (SQLite file, default ``dtto-bench-pages.db`` in the temporary directory,
replaced), ``DATABASE_URL`` for PostgreSQL (name a new, empty database), ``BENCH_SKIP_LOAD=1``
to use a database loaded before (e.g. by ``python -m benchmarks reports``).
"""

from __future__ import annotations

import os
import statistics
import tempfile
import time
from dataclasses import dataclass

from benchmarks.bench_reports import _setup, load, machine

TARGET_MS = 15.0  # issue 12: server CPU a page at 100,000 Orders


@dataclass(frozen=True)
class Page:
    label: str
    username: str
    path: str


def _backend_cpu_seconds(pid: int | None) -> float | None:
    """User and system CPU of the database server process ``pid``, or None if not readable."""
    if pid is None:
        return None
    try:
        with open(f"/proc/{pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
    except OSError:
        return None
    # After the command name: state is field 3, utime 14 and stime 15 (1-based, proc(5)).
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def main() -> None:
    os.environ.setdefault("BENCH_DB", os.path.join(tempfile.gettempdir(), "dtto-bench-pages.db"))
    _setup()
    from django.core.management import call_command
    from django.db import connection
    from django.db.models import Count
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from dtto.accounts.models import User
    from dtto.accounts.services import DEMO_AREA, create_demo_users
    from dtto.audit.services import Actor
    from dtto.cases.demo import create_current_caseload
    from dtto.cases.models import Case, Order

    requests = int(os.environ.get("BENCH_PAGES_REQUESTS", "30"))
    print(machine())
    print(f"database: {connection.vendor}", flush=True)
    call_command("migrate", verbosity=0)
    if not os.environ.get("BENCH_SKIP_LOAD"):
        orders = int(os.environ.get("BENCH_PAGES_ORDERS", "2000"))
        start = time.perf_counter()
        events = load(orders)
        print(f"load {orders} Orders ({events:,} events): {time.perf_counter() - start:.1f} s")
    actor = Actor.system("benchmark")
    create_demo_users(by=actor)
    manager = User.objects.get(username="demo-case-manager")
    caseload = create_current_caseload(manager, today=timezone.localdate(), by=actor)
    print(f"Orders in the database: {Order.objects.count():,}")
    largest = (
        Case.objects.filter(area__code=DEMO_AREA, order__isnull=False)
        .annotate(appointments=Count("order__appointments"))
        .order_by("-appointments", "reference")
        .values_list("reference", "appointments")
        .first()
    )
    assert largest is not None, "no Order in the demo area: load a larger record"
    running = sorted(c.reference for c in caseload)[1]
    pages = [
        Page(
            f"case page, largest record in the area ({largest[0]}, {largest[1]} appointments)",
            "demo-case-manager",
            f"/cases/{largest[0]}/",
        ),
        Page(f"case page, a running Order ({running})", "demo-case-manager", f"/cases/{running}/"),
        Page("case manager's queue (/)", "demo-case-manager", "/"),
        Page("area manager's team queue (/team/)", "demo-area-manager", "/team/"),
        Page("national report page (/reports/)", "demo-analyst", "/reports/"),
    ]
    backend = None
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_backend_pid()")
            backend = cursor.fetchone()[0]
    print(f"{requests} requests a page after 2 not counted; target {TARGET_MS:.0f} ms of CPU")
    for page in pages:
        client = Client()
        client.force_login(User.objects.get(username=page.username))
        for _ in range(2):
            response = client.get(page.path)
            assert response.status_code == 200, (page.path, response.status_code)
        cpu: list[float] = []
        wall: list[float] = []
        queries = set()
        server_before = _backend_cpu_seconds(backend)
        for _ in range(requests):
            with CaptureQueriesContext(connection) as captured:
                started_cpu = time.process_time()
                started = time.perf_counter()
                response = client.get(page.path)
                wall.append(time.perf_counter() - started)
                cpu.append(time.process_time() - started_cpu)
            assert response.status_code == 200, (page.path, response.status_code)
            queries.add(len(captured))
        server_after = _backend_cpu_seconds(backend)
        server = (
            f", database server {1000 * (server_after - server_before) / requests:.1f} ms"
            if server_before is not None and server_after is not None
            else ""
        )
        median = 1000 * statistics.median(cpu)
        p95 = 1000 * _percentile(cpu, 0.95)
        print(
            f"{page.label}: CPU median {median:.1f} ms, p95 {p95:.1f} ms{server} a request;"
            f" wall median {1000 * statistics.median(wall):.1f} ms;"
            f" queries {', '.join(str(q) for q in sorted(queries))};"
            f" load {os.getloadavg()[0]:.1f}",
            flush=True,
        )


if __name__ == "__main__":
    main()
