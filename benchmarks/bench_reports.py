"""Time the national report over a large case record (issue 5: 100,000 Orders, ~15M events).

Builds a fresh database (SQLite file, or the PostgreSQL database named by ``DATABASE_URL``),
imports a simulated national case record (``dtto.simulate``, seed 2004) through the importer
(:func:`load`: the same checks and bulk writes as any import), then times:

1. ``refresh_summaries`` over every Order (what ``orders_changed`` does on an import, here
   for the whole record at once: every finding with the day it becomes final), and the
   referral summaries of every case (what ``referrals_changed`` does);
2. ``measures.report`` for England and Wales (the national dashboard), cold and warm (with
   the CPU time of this process, which is all of SQLite's work, and the load average), the
   dashboard page's work around it (suppression, sections, template), one financial year,
   and one area.

Environment: ``BENCH_ORDERS`` (default 10000; 100000 for the issue's scale),
``BENCH_DB`` (SQLite file, default a temporary one, replaced), ``DATABASE_URL`` for PostgreSQL
(name a new, empty database), ``BENCH_SKIP_LOAD=1`` to reuse a loaded database (migrated
first: the migration to dated findings rebuilds the summaries),
``BENCH_COMMAND=1`` to also time ``dtto report`` in a new process.
"""

from __future__ import annotations

import datetime as dt
import os
import platform
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from typing import Any

SEED = 2004
AS_OF = dt.date(2006, 6, 30)


def _setup() -> None:
    if "DATABASE_URL" not in os.environ:
        path = os.environ.get("BENCH_DB") or os.path.join(tempfile.gettempdir(), "dtto-bench.db")
        os.environ["DATABASE_URL"] = f"sqlite:///{path}"
        if not os.environ.get("BENCH_SKIP_LOAD") and os.path.exists(path):
            os.remove(path)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dtto.settings")
    import django

    django.setup()


def machine() -> str:
    cpu = "unknown"
    try:
        with open("/proc/cpuinfo") as f:
            cpu = next(line.split(":", 1)[1].strip() for line in f if "model name" in line)
    except (OSError, StopIteration):
        pass
    ram = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    load = os.getloadavg()[0]
    return (
        f"nproc {os.cpu_count()}, CPU {cpu}, RAM {ram:.1f} GiB, Python {platform.python_version()},"
        f" load average {load:.1f}"
    )


IMPORT_CASES = 5000  # cases a document: about 1,900 Orders and 300,000 events


def load(orders: int) -> int:
    """Simulate ``orders`` Orders (seed 2004, with the referrals that never became one) and
    import them through the importer, a document of ``IMPORT_CASES`` cases at a time, as a
    national extract would come in; return the events imported. Each import also builds the
    summaries of the Orders it wrote, as every import does (``orders_changed``)."""
    from django.db import connection

    from dtto.audit.services import Actor
    from dtto.caseformat import FORMAT
    from dtto.cases.importing import import_case_document
    from dtto.simulate.model import Simulation
    from dtto.simulate.parameters import load_parameters

    simulation = Simulation(load_parameters(), orders=orders, seed=SEED)
    events = 0
    chunk: list[dict[str, Any]] = []

    def flush() -> None:
        document = {"format": FORMAT, "exported_at": simulation.records_end.isoformat()}
        import_case_document({**document, "cases": chunk}, by=Actor.system("benchmark"))
        chunk.clear()

    for case in simulation.cases():
        chunk.append(case)
        events += len(case.get("events", []))
        if len(chunk) == IMPORT_CASES:
            flush()
    if chunk:
        flush()
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return events


def timed(label: str, function: Callable[[], Any]) -> tuple[float, Any]:
    start = time.perf_counter()
    result = function()
    seconds = time.perf_counter() - start
    print(f"{label}: {seconds:.2f} s", flush=True)
    return seconds, result


def _page() -> None:
    """What ``/reports/`` does for a national analyst, without the HTTP round trip."""
    from django.template.loader import render_to_string

    from dtto.reports import measures
    from dtto.reports.queries import Period, Scope
    from dtto.reports.sections import report_sections
    from dtto.reports.statistics import publish

    data = publish(measures.report(Scope.national(), Period(), as_of=AS_OF))
    render_to_string(
        "reports/document.html",
        {"title": "England and Wales", "data": data, "sections": report_sections(data)},
    )


def main() -> None:
    _setup()
    from django.core.management import call_command
    from django.db import connection

    from dtto.accounts.models import Area
    from dtto.cases.models import Case, Order
    from dtto.reports import measures
    from dtto.reports.queries import Period, Scope
    from dtto.reports.summaries import refresh_referrals, refresh_summaries

    orders = int(os.environ.get("BENCH_ORDERS", "10000"))
    print(machine())
    print(f"database: {connection.vendor}", flush=True)
    if not os.environ.get("BENCH_SKIP_LOAD"):
        call_command("migrate", verbosity=0)
        seconds, events = timed(f"load {orders} Orders", lambda: load(orders))
        print(f"events written: {events:,}")
        ids = list(Order.objects.values_list("pk", flat=True))
        seconds, _ = timed("refresh_summaries over every Order", lambda: refresh_summaries(ids))
        print(f"refresh: {len(ids) / seconds:,.0f} Orders/s")
        cases = list(Case.objects.values_list("pk", flat=True))
        timed("summarise every referral", lambda: refresh_referrals(cases))
        if connection.vendor == "sqlite":
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
        else:
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
    else:
        # A database loaded by an earlier version: bring the summary tables up to date.
        timed("migrate (reusing the loaded database)", lambda: call_command("migrate", verbosity=0))
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    national = lambda: measures.report(Scope.national(), Period(), as_of=AS_OF)  # noqa: E731
    timed("national report, cold (first call: imports lifelines and scipy)", national)
    timings = []
    for _ in range(3):
        cpu = time.process_time()
        seconds, _ = timed("national report, warm", national)
        # SQLite runs in this process, so CPU time is what the report costs on an idle
        # machine; on PostgreSQL most of the work is in the server process.
        print(
            f"  cpu in this process {time.process_time() - cpu:.2f} s, load {os.getloadavg()[0]:.1f}"
        )
        timings.append(seconds)
    print(f"national report, warm, best of 3: {min(timings):.2f} s")
    timed("national dashboard page (report, suppression, sections, template)", _page)
    year = Period(dt.date(2003, 4, 1), dt.date(2004, 3, 31))
    timed(
        "national report, one financial year",
        lambda: measures.report(Scope.national(), year, as_of=AS_OF),
    )
    area = Area.objects.order_by("pk").first()
    assert area is not None
    timed("area report", lambda: measures.report(Scope.area(area.code), Period(), as_of=AS_OF))
    if os.environ.get("BENCH_COMMAND"):
        start = time.perf_counter()
        subprocess.run(
            [
                sys.executable,
                "-m",
                "dtto.cli",
                "report",
                "--format",
                "json",
                "--as-of",
                AS_OF.isoformat(),
                "--out",
                os.devnull,
            ],
            check=True,
        )
        print(f"dtto report --format json (new process): {time.perf_counter() - start:.2f} s")


if __name__ == "__main__":
    main()
