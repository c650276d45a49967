"""Evaluate 100,000 one-year cases of about 150 events each from one case file.

Generates the file with a small deterministic generator (not the simulator: just enough
variety to exercise every rule), then times parsing the file alone (``json.loads`` of each
case line, with the same number of processes, each reading its own byte ranges) beside
``dtto.standards.batch.evaluate_files``, the function behind ``dtto evaluate``, writing its
output to a file, and reports the peak memory of the largest process and the CPU time of
each (this process and its workers), which other work on a shared machine changes far less
than the wall-clock time. Environment variables:
``BENCH_CASES`` (default 100000), ``BENCH_WORKERS`` (default: every CPU), ``BENCH_DIR``.
"""

from __future__ import annotations

import json
import multiprocessing
import os
import platform
import random
import resource
import tempfile
import time
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from dtto.caseformat import line_ranges, write_document
from dtto.standards.batch import CHUNK_BYTES, available_cpus, evaluate_files

AS_OF = date(2006, 1, 1)
_APPOINTMENT_OUTCOMES = (
    ["attended"] * 85
    + ["acceptable_absence"] * 5
    + ["unacceptable_absence"] * 3
    + ["failed_to_comply"] * 1
    + ["not_recorded"] * 3
    + ["cancelled_by_service"] * 3
)
_TEST_OUTCOMES = ["sample"] * 86 + ["admission"] * 10 + ["refused"] * 4
_WITH = ["probation", "treatment", "treatment", "other"]


def generate_case(rng: random.Random, number: int) -> dict:
    made_on = date(2002, 1, 1) + timedelta(days=rng.randrange(3 * 365))
    intensity = "higher" if rng.random() < 0.8 else "lower"
    order = {"made_on": made_on.isoformat(), "length_months": 12, "intensity": intensity}
    events: list[dict] = []
    revoked_on = made_on + timedelta(days=rng.randrange(60, 365)) if rng.random() < 0.3 else None
    last_day = revoked_on or made_on + timedelta(days=364)
    for offset in range((last_day - made_on).days + 1):
        day = made_on + timedelta(days=offset)
        on = day.isoformat()
        if day.weekday() < 5 and rng.random() < 0.45:
            outcome = rng.choice(_APPOINTMENT_OUTCOMES)
            events.append(
                {
                    "type": "appointment",
                    "on": on,
                    "hours": rng.choice((1.0, 1.5, 2.0, 3.0, 4.0)),
                    "with": rng.choice(_WITH),
                    "outcome": outcome,
                }
            )
            if outcome in ("unacceptable_absence", "failed_to_comply") and rng.random() < 0.7:
                kind = "warning" if rng.random() < 0.7 else "breach"
                # Never after the Order ended: dtto evaluate refuses such a case.
                when = min(day + timedelta(days=rng.randrange(1, 10)), last_day).isoformat()
                event = {"type": kind, "on": when}
                if kind == "breach":
                    event.update(outcome="continued", decided_on=when)
                events.append(event)
        if day.weekday() < 5 and rng.random() < 0.16:
            outcome = rng.choice(_TEST_OUTCOMES)
            test: dict = {"type": "test", "on": on, "outcome": outcome}
            if outcome == "sample":
                test["results"] = {"opiates": rng.choice(("positive", "negative"))}
            events.append(test)
    for months in (1, 2, 3, 4, 7, 10):
        held = made_on + timedelta(days=30 * months + rng.randrange(-10, 20))
        if held < last_day:
            events.append({"type": "review", "on": held.isoformat(), "hearing": True})
    start = made_on + timedelta(days=rng.randrange(100, 300))
    if rng.random() < 0.05 and start <= last_day:
        events.append(
            {
                "type": "suspension",
                "from": start.isoformat(),
                "to": (start + timedelta(days=13)).isoformat(),
                "reason": "home detoxification",
            }
        )
    full_on = made_on + timedelta(days=rng.randrange(100, 300))
    if rng.random() < 0.1 and full_on <= last_day:
        events.append({"type": "contact_level", "on": full_on.isoformat(), "level": "full"})
    reason = "revoked_non_compliance" if revoked_on else "completed"
    events.append({"type": "termination", "on": last_day.isoformat(), "reason": reason})
    events.sort(key=lambda e: str(e.get("on") or e.get("from")))
    return {"reference": f"BENCH-{number:06d}", "order": order, "events": events}


def write_case_file(path: Path, cases: int, seed: int = 2004) -> int:
    """Write ``cases`` cases in the canonical one-case-a-line layout; return the number of events."""
    rng = random.Random(seed)
    events = 0

    def generated() -> Iterator[dict[str, Any]]:
        nonlocal events
        for i in range(cases):
            case = generate_case(rng, i)
            events += len(case["events"])
            yield case

    with path.open("w", encoding="utf-8") as f:
        write_document(generated(), f)
    return events


def _parse_range(task: tuple[str, int, int]) -> int:
    """Parse the case lines from byte ``start`` to ``end``; return how many there were."""
    path, start, end = task
    parsed = 0
    with open(path, "rb") as f:
        f.seek(start)
        for line in f.read(end - start).split(b"\n"):
            line = line.strip()
            if line:
                json.loads(line[:-1] if line.endswith(b",") else line)
                parsed += 1
    return parsed


def parse_file(path: Path, workers: int) -> int:
    """Parse every case line of ``path`` with ``workers`` processes, as ``dtto evaluate``
    would split it; return the number of cases (nothing else is done with them)."""
    size = path.stat().st_size
    ranges = line_ranges(path, max(workers * 8, size // CHUNK_BYTES))
    assert ranges is not None, "the benchmark writes the canonical layout"
    tasks = [(str(path), a, b) for a, b, _ in ranges]
    if workers == 1:
        return sum(_parse_range(task) for task in tasks)
    with multiprocessing.Pool(workers) as pool:
        return sum(pool.imap(_parse_range, tasks))


def cpu_seconds() -> float:
    """CPU time used so far by this process and its finished children (workers included
    once they have exited): beside the wall-clock time, the work done, which other work on
    the machine changes far less."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def peak_memory_mb() -> tuple[float, float]:
    """Peak resident memory of this process and of its largest finished child, in MB."""
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    child = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return own, child


def main() -> None:
    cases = int(os.environ.get("BENCH_CASES", "100000"))
    workers = int(os.environ.get("BENCH_WORKERS", str(available_cpus())))
    directory = Path(os.environ.get("BENCH_DIR") or tempfile.mkdtemp(prefix="dtto-bench-"))
    case_file = directory / f"cases-{cases}.json"
    out_file = directory / f"evaluation-{cases}.json"
    started = time.perf_counter()
    events = write_case_file(case_file, cases)
    generated = time.perf_counter() - started
    size = case_file.stat().st_size
    print(
        f"generated {cases:,} cases, {events:,} events ({events / cases:.0f} a case), "
        f"{size / 1e6:,.0f} MB in {generated:.1f} s"
    )
    before = peak_memory_mb()
    started, cpu = time.perf_counter(), cpu_seconds()
    parsed = parse_file(case_file, workers)
    parsing, parsing_cpu = time.perf_counter() - started, cpu_seconds() - cpu
    print(
        f"parsed {parsed:,} cases (json.loads a line) with {workers} process(es) in "
        f"{parsing:.1f} s ({parsing_cpu:.1f} CPU-s); peak memory so far {before[0]:,.0f} MB (this process), "
        f"{peak_memory_mb()[1]:,.0f} MB (largest child)"
    )
    started, cpu = time.perf_counter(), cpu_seconds()
    with out_file.open("w") as out:
        evaluated = evaluate_files([str(case_file)], AS_OF, out, workers=workers)
    elapsed, elapsed_cpu = time.perf_counter() - started, cpu_seconds() - cpu
    print(
        f"evaluated {evaluated:,} cases with {workers} worker(s) in {elapsed:.1f} s "
        f"({elapsed_cpu:.1f} CPU-s, {evaluated / elapsed:,.0f} cases/s); "
        f"output {out_file.stat().st_size / 1e6:,.0f} MB"
    )
    own, child = peak_memory_mb()
    print(
        f"evaluation / parsing: {elapsed / parsing:.2f}x ({elapsed_cpu / parsing_cpu:.2f}x in "
        f"CPU time); peak memory {own:,.0f} MB (this "
        f"process), {child:,.0f} MB (largest child); load average "
        + " ".join(f"{load:.2f}" for load in os.getloadavg())
    )
    print(f"python {platform.python_version()}, {available_cpus()} CPUs; files in {directory}")
    if not os.environ.get("BENCH_KEEP"):
        case_file.unlink()
        out_file.unlink()


if __name__ == "__main__":
    main()
