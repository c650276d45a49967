"""Time a full re-judge: ``refresh_summaries`` over every Order of the database (issue 12).

Imports a simulated case record with the reports benchmark's loader (:func:`bench_reports.load`,
through the importer) into a fresh database, then re-judges every Order: once to be sure every
summary exists, then twice more side by side, in this process alone (``workers=1``, what a
small re-judge does) and in worker processes (one per core, what a large one does), as a
nightly re-judge of an unchanged record does (nothing is written); then once with every
stored finding made to differ first (untimed), as after a rule change (every finding is
written again); then one Order alone, unchanged and with its findings made to differ (what a
recorded appointment costs within its request). It prints Orders/s, the CPU time of its own
process (on SQLite the database's work too; not PostgreSQL's, nor the workers') and the load
average.

Environment: ``BENCH_REJUDGE_ORDERS`` (default 2000), ``BENCH_DB`` (SQLite file, default
``dtto-bench-rejudge.db`` in the temporary directory, replaced), ``DATABASE_URL`` for
PostgreSQL (name a new, empty database), ``BENCH_SKIP_LOAD=1`` to re-judge a database loaded
before, ``BENCH_PROFILE=1`` to print the 25 costliest functions of the one-process pass
(``cProfile``, by own time).
"""

from __future__ import annotations

import cProfile
import os
import pstats
import tempfile
import time
from collections.abc import Callable

from benchmarks.bench_reports import _setup, load, machine


def main() -> None:
    os.environ.setdefault("BENCH_DB", os.path.join(tempfile.gettempdir(), "dtto-bench-rejudge.db"))
    _setup()
    from django.core.management import call_command
    from django.db import connection
    from django.db.models import F

    from dtto.cases.models import Order
    from dtto.reports.models import OrderFinding
    from dtto.reports.summaries import refresh_summaries
    from dtto.standards.batch import available_cpus

    orders = int(os.environ.get("BENCH_REJUDGE_ORDERS", "2000"))
    print(machine())
    print(f"database: {connection.vendor}", flush=True)
    call_command("migrate", verbosity=0)
    if not os.environ.get("BENCH_SKIP_LOAD"):
        start = time.perf_counter()
        events = load(orders)
        print(
            f"load {orders} Orders ({events:,} events) through the importer:"
            f" {time.perf_counter() - start:.1f} s, load {os.getloadavg()[0]:.1f}",
            flush=True,
        )
    ids = list(Order.objects.values_list("pk", flat=True))
    print(f"Orders: {len(ids):,}")
    cpus = available_cpus()
    passes: list[tuple[str, int]] = [
        ("re-judge, summaries first written or replaced", 1),
        ("full re-judge in this process (workers=1)", 1),
        (f"full re-judge in worker processes (workers={cpus})", cpus),
        ("every finding changed, re-judged in this process (workers=1)", 1),
    ]
    for label, workers in passes:
        if label.startswith("every finding"):
            # Untimed: every stored finding a day off, as if a rule had moved them all.
            OrderFinding.objects.update(final_day=F("final_day") + 1)
        profile = cProfile.Profile() if os.environ.get("BENCH_PROFILE") else None
        profiled = profile is not None and label.startswith("full") and workers == 1
        start, cpu = time.perf_counter(), time.process_time()
        if profiled:
            assert profile is not None
            profile.runcall(refresh_summaries, ids, workers=workers)
        else:
            refresh_summaries(ids, workers=workers)
        seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
        print(
            f"{label}: {seconds:.2f} s, {len(ids) / seconds:,.0f} Orders/s,"
            f" CPU of this process {cpu:.2f} s, load {os.getloadavg()[0]:.1f}",
            flush=True,
        )
        if profiled:
            assert profile is not None
            pstats.Stats(profile).sort_stats("tottime").print_stats(25)
    one = ids[len(ids) // 2]
    best = min(_timed(lambda: refresh_summaries([one])) for _ in range(5))
    print(f"one Order re-judged (best of 5): {best * 1000:.1f} ms, load {os.getloadavg()[0]:.1f}")
    findings = OrderFinding.objects.filter(summary_id=one)
    times = []
    for _ in range(5):
        findings.update(final_day=F("final_day") + 1)  # untimed, as a recorded event would
        times.append(_timed(lambda: refresh_summaries([one])))
    print(
        f"one Order re-judged, its findings changed (best of 5): {min(times) * 1000:.1f} ms,"
        f" load {os.getloadavg()[0]:.1f}"
    )


def _timed(function: Callable[[], object]) -> float:
    start = time.perf_counter()
    function()
    return time.perf_counter() - start


if __name__ == "__main__":
    main()
