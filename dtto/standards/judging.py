"""Judging many Orders at once from plain rows, in worker processes when there are many.

The database adapter (``dtto.cases.timeline``) reads an Order's stored records as plain
tuples, an :class:`OrderRecord`, with a few queries for a whole batch of Orders;
:func:`timeline_of` turns one into the engine's ``CaseTimeline``. Both halves are used by
every reader of the database (the case page, the queues, the summaries), so an Order judged in
a worker process and one judged in a request are judged from the same timeline.

:func:`judge` is what a worker runs: records in, each Order's dated findings out, as plain
tuples (cheap to send between processes). :class:`Judge` hands batches to a
``ProcessPoolExecutor`` when there are enough Orders to pay for starting one, and judges in
the caller's process otherwise (one Order re-judged after a change never leaves its request:
docs/decisions/0015-bulk-load-and-rejudge.md).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from datetime import date
from types import TracebackType
from typing import NamedTuple

from . import timeline as tl
from .engine import evaluate
from .findings import findings_of, horizon
from .processes import process_pool


class OrderRecord(NamedTuple):
    """One Order's stored records as plain values, in the order the engine reads them (by day,
    then by id). Each event starts with its row id, which becomes the evidence's ``ref``."""

    pk: int
    reference: str
    made_on: date
    length_months: int
    intensity: str
    appointments: list[tuple[int, date, float, str, str]]  # id, on, hours, with, outcome
    tests: list[tuple[int, date, str, tuple[tuple[str, str], ...]]]  # id, on, outcome, results
    warnings: list[tuple[int, date]]
    breaches: list[tuple[int, date, str, date | None]]  # id, on, outcome, decided on
    reviews: list[tuple[int, date, bool]]  # id, on, hearing
    contact_levels: list[tuple[int, date, str]]  # id, on, level
    suspensions: list[tuple[int, date, date, str]]  # id, from, to, reason
    termination: tuple[int, date, str] | None  # id, on, reason


# A dated finding as sent back from a worker: kind, phase, number, met, final on.
FindingRow = tuple[str, int, int, bool, date]


class Judged(NamedTuple):
    pk: int
    successful: bool | None  # None while the Order runs
    in_breach: bool | None
    findings: list[FindingRow]  # every dated finding, the termination's included


def timeline_of(record: OrderRecord) -> tl.CaseTimeline:
    """The engine's view of one Order's stored records."""
    termination = record.termination
    return tl.CaseTimeline(
        reference=record.reference,
        order=tl.OrderTerms(record.made_on, record.length_months, record.intensity),
        appointments=tuple(
            tl.Appointment(on, float(hours), with_, outcome, f"appointment:{pk}")
            for pk, on, hours, with_, outcome in record.appointments
        ),
        tests=tuple(
            tl.DrugTest(on, outcome, results, f"test:{pk}")
            for pk, on, outcome, results in record.tests
        ),
        warnings=tuple(tl.FormalWarning(on, f"warning:{pk}") for pk, on in record.warnings),
        breaches=tuple(
            tl.Breach(on, outcome, decided_on, f"breach:{pk}")
            for pk, on, outcome, decided_on in record.breaches
        ),
        reviews=tuple(tl.Review(on, hearing, f"review:{pk}") for pk, on, hearing in record.reviews),
        contact_levels=tuple(
            tl.ContactLevel(on, level, f"contact_level:{pk}")
            for pk, on, level in record.contact_levels
        ),
        suspensions=tuple(
            tl.Suspension(starts, ends, reason, f"suspension:{pk}")
            for pk, starts, ends, reason in record.suspensions
        ),
        termination=None
        if termination is None
        else tl.Termination(termination[1], termination[2], f"termination:{termination[0]}"),
    )


def judge(records: Sequence[OrderRecord]) -> list[Judged]:
    """Every dated finding of each Order: the whole record judged once, past everything it
    can still change (:func:`dtto.standards.findings.horizon`)."""
    judged: list[Judged] = []
    for record in records:
        timeline = timeline_of(record)
        evaluation = evaluate(timeline, horizon(timeline))
        termination = evaluation.termination
        judged.append(
            Judged(
                record.pk,
                None if termination is None else termination.successful,
                None if termination is None else termination.in_breach,
                [(f.kind, f.phase, f.number, f.met, f.final_on) for f in findings_of(evaluation)],
            )
        )
    return judged


class Judge:
    """Judges batches of records, in worker processes when ``workers`` is above one.

    ``submit`` returns at once with a callable that gives the batch's results, so that the
    caller can read the next batch from the database while the workers judge this one.
    Workers are started with ``spawn`` (:func:`dtto.standards.processes.process_pool`): a
    fresh interpreter that imports only the engine, never a copy of the caller's database
    connection or of a web server's threads.
    """

    def __init__(self, workers: int) -> None:
        self.workers = workers
        self.pool: ProcessPoolExecutor | None = None
        if workers > 1:
            self.pool = process_pool(workers)

    @classmethod
    def for_orders(cls, workers: int | None = None) -> Judge:
        """Judged in the caller's process unless ``workers`` asks for worker processes.

        Workers are asked for, not the default: measured on the 2-core machine, two workers
        were no faster than one process (docs/performance.md), and spawned workers re-import
        the main module, which a caller must guard (decision 0015).
        """
        if workers is None:
            workers = 1
        return cls(max(1, workers))

    def submit(self, records: Sequence[OrderRecord]) -> Callable[[], list[Judged]]:
        if self.pool is None or not records:
            done = judge(records)
            return lambda: done
        size = -(-len(records) // self.workers)
        futures: list[Future[list[Judged]]] = [
            self.pool.submit(judge, records[start : start + size])
            for start in range(0, len(records), size)
        ]
        return lambda: [judged for future in futures for judged in future.result()]

    def __enter__(self) -> Judge:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        if self.pool is not None:
            self.pool.shutdown(wait=True, cancel_futures=True)
