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
import os
import tempfile
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from datetime import date
from typing import Any, Protocol

from dtto.caseformat import CaseFileError, iter_cases, line_ranges, read_line_range
from dtto.lib.memory import cyclic_gc_paused

from .casefile import IN_FILE, timeline_from_case
from .engine import EVALUATION_FORMAT, evaluate
from .errors import Checker
from .processes import process_pool
from .validation import check_reference

PARALLEL_MIN_BYTES = 4 * 1024 * 1024
# Input a worker reads at a time: its parsed cases take about ten times as much memory.
CHUNK_BYTES = 4 * 1024 * 1024
_COPY_CHARS = 1024 * 1024
_CASE_PREFIX = "@"  # stands for "cases[<global index>]" until the chunk's offset is known


def available_cpus() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not Linux
        return os.cpu_count() or 1


def _evaluate_cases(
    cases: Iterable[Any], as_of: date, evidence: bool, emit: Callable[[str], Any]
) -> tuple[int, tuple[int, str, str] | None, list[str]]:
    """Evaluate case objects, giving each serialised evaluation to ``emit`` as soon as it is
    made; return (cases read, error if any, the references read, so that the caller can find
    one given twice across chunks)."""
    seen: set[str] = set()
    references: list[str] = []
    read = 0
    # An evaluation holds no cycles, so the encoder need not look for them (the same text).
    dumps = json.JSONEncoder(ensure_ascii=False, check_circular=False).encode
    # Everything made here is acyclic: the cyclic collector would only walk the parsed cases
    # over and over (a third of the run time on 100,000 cases).
    with cyclic_gc_paused():
        for case in cases:
            try:
                timeline = timeline_from_case(case, _CASE_PREFIX, seen=seen)
            except CaseFileError as error:
                failure = (read, error.path[len(_CASE_PREFIX) :], error.message)
                return read, failure, references
            references.append(case["reference"])
            read += 1
            if timeline is not None:
                emit(dumps(evaluate(timeline, as_of).to_json(evidence)))
    return read, None, references


_ChunkResult = tuple[int, list[str], tuple[int, str, str] | None, list[str]]
_Task = tuple[str, int, int, bool, date, bool]  # path, start, end, last chunk, as of, evidence


def _work(task: _Task) -> _ChunkResult | None:
    """One byte range's cases, evaluated: (cases read, evaluations, error, references)."""
    path, start, end, last_chunk, as_of, evidence = task
    gc.disable()  # a worker process: parsing makes many acyclic objects
    cases = read_line_range(path, start, end, last_chunk)
    if cases is None:
        return None
    pieces: list[str] = []
    read, error, references = _evaluate_cases(cases, as_of, evidence, pieces.append)
    return read, pieces, error, references


class _Output:
    """The evaluations written so far, one a line with the separators the document needs.

    They go to an anonymous temporary file, not to the caller's writer, so that a case
    refused late in the input still means nothing at all is written; the file is copied to
    the writer once every case was read. Memory stays flat whatever the output's size.
    """

    def __init__(self) -> None:
        # Closed by close(), which evaluate_files calls in its finally.
        self.file = tempfile.TemporaryFile("w+", encoding="utf-8", newline="")  # noqa: SIM115
        self.count = 0

    def add(self, piece: str) -> None:
        if self.count:
            self.file.write(",\n")
        self.file.write(piece)
        self.count += 1

    def mark(self) -> tuple[int, int]:
        return self.file.tell(), self.count

    def back_to(self, mark: tuple[int, int]) -> None:
        """Forget what was added since ``mark`` (a file found not to be one case a line)."""
        self.file.seek(mark[0])
        self.file.truncate()
        self.count = mark[1]

    def copy_to(self, out: Writer, head: str) -> None:
        out.write(head + ', "cases": [\n')
        self.file.seek(0)
        while block := self.file.read(_COPY_CHARS):
            out.write(block)
        out.write("\n]}\n" if self.count else "]}\n")

    def close(self) -> None:
        self.file.close()


class _Pool:
    """Worker processes (:func:`dtto.standards.processes.process_pool`), started only for a
    file large enough to need them."""

    def __init__(self, workers: int) -> None:
        self.workers = workers
        self.pool: ProcessPoolExecutor | None = None

    def results(self, tasks: Iterable[_Task]) -> Iterator[_ChunkResult | None]:
        """``_work`` over ``tasks``, in order, with at most a few chunks in flight: the parent
        writes each chunk's text as it arrives and never holds more than those."""
        if self.pool is None:
            self.pool = process_pool(self.workers)
        pending: deque[Future[_ChunkResult | None]] = deque()
        for task in tasks:
            pending.append(self.pool.submit(_work, task))
            if len(pending) >= 2 * self.workers:
                yield pending.popleft().result()
        while pending:
            yield pending.popleft().result()

    def close(self) -> None:
        """Stop the workers: chunks not started are dropped, those running are waited for
        (at most a few, each a few MB of input), so no worker outlives the call."""
        if self.pool is not None:
            self.pool.shutdown(wait=True, cancel_futures=True)
            self.pool = None


def _evaluate_file(path: str, as_of: date, evidence: bool, pool: _Pool, output: _Output) -> None:
    ranges = None
    size = os.path.getsize(path)
    if pool.workers > 1 and size >= PARALLEL_MIN_BYTES:
        # Enough chunks to share the work evenly, each small enough that its parsed cases
        # stay well within the memory bound.
        ranges = line_ranges(path, max(pool.workers * 8, size // CHUNK_BYTES))
    if ranges is not None:
        tasks = ((path, a, b, last, as_of, evidence) for a, b, last in ranges)
        mark = output.mark()
        read = 0
        seen: set[str] = set()
        for result in pool.results(tasks):
            if result is None:
                output.back_to(mark)
                break  # not line layout after all
            count, chunk_pieces, error, references = result
            _check_unique(seen, references, read)
            if error is not None:
                index, rest, message = error
                raise CaseFileError(f"cases[{read + index}]{rest}", message)
            read += count
            for piece in chunk_pieces:
                output.add(piece)
        else:
            return
    _, error, _ = _evaluate_cases(iter_cases(path), as_of, evidence, output.add)
    if error is not None:
        index, rest, message = error
        raise CaseFileError(f"cases[{index}]{rest}", message)


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

    The document has one case per line. Nothing is written if any file cannot be read or any
    case is refused: the evaluations are kept in a temporary file until every case was read,
    so memory stays flat whatever the size of the files.
    """
    workers = available_cpus() if workers is None else workers
    pool = _Pool(workers)
    output = _Output()
    try:
        for path in paths:
            try:
                _evaluate_file(path, as_of, evidence, pool, output)
            except CaseFileError as error:
                raise FileError(path, str(error)) from None
            except OSError as error:
                raise FileError(path, f"cannot read: {error.strerror or error}") from None
        pool.close()
        head = json.dumps({"format": EVALUATION_FORMAT, "as_of": as_of.isoformat()})[:-1]
        output.copy_to(out, head)
        return output.count
    finally:
        pool.close()
        output.close()
