"""Evaluate whole case files, in parallel when they are large.

A case file is any JSON document of the case format, read through :mod:`dtto.caseformat`.
Files in its canonical one-case-a-line layout (as ``dtto export`` and ``dtto simulate`` write
them) are also read in byte ranges by worker processes, each parsing, evaluating and
serialising its own cases, so that a file of 100,000 cases uses every core. The fast path only
takes a file if every line checks out; anything else goes the slow, general way, which also
gives the precise error.
"""

from __future__ import annotations

import gc
import json
import multiprocessing
import os
from collections.abc import Iterable, Sequence
from datetime import date
from typing import Any, Protocol

from dtto.caseformat import CaseFileError, iter_cases, line_ranges, read_line_range

from .casefile import IN_FILE, timeline_from_case
from .engine import EVALUATION_FORMAT, evaluate
from .errors import Checker
from .validation import check_reference

PARALLEL_MIN_BYTES = 4 * 1024 * 1024
_CASE_PREFIX = "@"  # stands for "cases[<global index>]" until the chunk's offset is known


def available_cpus() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not Linux
        return os.cpu_count() or 1


def _evaluate_cases(
    cases: Iterable[Any], as_of: date, evidence: bool
) -> tuple[int, list[str], tuple[int, str, str] | None, list[str]]:
    """Evaluate case objects; return (cases read, serialised evaluations, error if any,
    the references read, so that the caller can find one given twice across chunks)."""
    pieces: list[str] = []
    seen: set[str] = set()
    references: list[str] = []
    read = 0
    dumps = json.JSONEncoder(ensure_ascii=False).encode
    # Everything made here is acyclic: the cyclic collector would only walk the parsed cases
    # over and over (a third of the run time on 100,000 cases).
    collecting = gc.isenabled()
    gc.disable()
    try:
        for case in cases:
            try:
                timeline = timeline_from_case(case, _CASE_PREFIX, seen=seen)
            except CaseFileError as error:
                failure = (read, error.path[len(_CASE_PREFIX) :], error.message)
                return read, pieces, failure, references
            references.append(case["reference"])
            read += 1
            if timeline is not None:
                pieces.append(dumps(evaluate(timeline, as_of).to_json(evidence)))
    finally:
        if collecting:
            gc.enable()
    return read, pieces, None, references


def _work(task: tuple[str, int, int, bool, date, bool]) -> Any:
    path, start, end, last_chunk, as_of, evidence = task
    gc.disable()  # a worker process: parsing makes many acyclic objects
    cases = read_line_range(path, start, end, last_chunk)
    if cases is None:
        return None
    return _evaluate_cases(cases, as_of, evidence)


class _LazyPool:
    def __init__(self, workers: int) -> None:
        self.workers = workers
        self.pool: Any = None

    def imap(self, function: Any, tasks: list[Any]) -> Any:
        if self.pool is None:
            self.pool = multiprocessing.Pool(self.workers)
        return self.pool.imap(function, tasks)

    def close(self) -> None:
        if self.pool is not None:
            self.pool.terminate()


def _evaluate_file(path: str, as_of: date, evidence: bool, pool: _LazyPool) -> list[str]:
    ranges = None
    if pool.workers > 1 and os.path.getsize(path) >= PARALLEL_MIN_BYTES:
        ranges = line_ranges(path, pool.workers * 8)
    if ranges is not None:
        tasks = [(path, a, b, last, as_of, evidence) for a, b, last in ranges]
        pieces: list[str] = []
        read = 0
        seen: set[str] = set()
        for result in pool.imap(_work, tasks):
            if result is None:
                break  # not line layout after all
            count, chunk_pieces, error, references = result
            _check_unique(seen, references, read)
            if error is not None:
                index, rest, message = error
                raise CaseFileError(f"cases[{read + index}]{rest}", message)
            read += count
            pieces.extend(chunk_pieces)
        else:
            return pieces
    _, pieces, error, _ = _evaluate_cases(iter_cases(path), as_of, evidence)
    if error is not None:
        index, rest, message = error
        raise CaseFileError(f"cases[{index}]{rest}", message)
    return pieces


def _check_unique(seen: set[str], references: list[str], first_index: int) -> None:
    """Each worker checks its own chunk; a reference given again in a later chunk is found here."""
    for offset, reference in enumerate(references):
        check = Checker(f"cases[{first_index + offset}]")
        check_reference(check, "reference", reference, in_use=seen, in_use_by=IN_FILE)
        if check.errors:
            raise CaseFileError(check.errors[0].field, check.errors[0].message)
        seen.add(reference)


class Writer(Protocol):
    def write(self, text: str, /) -> Any: ...


class FileError(Exception):
    """A case file that could not be read, with the file's name."""

    def __init__(self, filename: str, message: str) -> None:
        super().__init__(f"{filename}: {message}")
        self.filename = filename


def evaluate_files(
    paths: Sequence[str],
    as_of: date,
    out: Writer,
    *,
    evidence: bool = False,
    workers: int | None = None,
) -> int:
    """Write one ``dtto-evaluation/1`` document for every case in ``paths``; return the count.

    The document has one case per line. Nothing is written if any file cannot be read.
    """
    workers = available_cpus() if workers is None else workers
    pieces: list[str] = []
    pool = _LazyPool(workers)
    try:
        for path in paths:
            try:
                pieces.extend(_evaluate_file(path, as_of, evidence, pool))
            except CaseFileError as error:
                raise FileError(path, str(error)) from None
            except OSError as error:
                raise FileError(path, f"cannot read: {error.strerror or error}") from None
    finally:
        pool.close()
    head = json.dumps({"format": EVALUATION_FORMAT, "as_of": as_of.isoformat()})[:-1]
    out.write(head + ', "cases": [\n')
    for i, piece in enumerate(pieces):
        out.write(piece)
        out.write(",\n" if i < len(pieces) - 1 else "\n")
    out.write("]}\n")
    return len(pieces)
