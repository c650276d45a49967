"""Reading a ``dtto-case/1`` document: the header check, the whole document, or its cases.

A document in the canonical layout (:mod:`.encoding`) is also read a line at a time, and split
into byte ranges of whole case lines so that several processes each read their own share.
Any other JSON layout is read whole. Errors are :class:`CaseFileError`, naming the place in
the document (``(document)``, ``format``, ``cases[12]``); a file that cannot be opened raises
:class:`OSError` for the caller to word.
"""

from __future__ import annotations

import itertools
import json
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from .format import MAX_CASE_BYTES, MAX_DOCUMENT_BYTES, READ_FORMATS

# The footer is searched for in this many bytes at the end of the file.
_TAIL_BYTES = 65536


class CaseFileError(ValueError):
    """A case file that cannot be read; ``path`` locates the field (``cases[0].events[3].on``)."""

    def __init__(self, path: str, message: str) -> None:
        super().__init__(f"{path}: {message}")
        self.path = path
        self.message = message

    def __reduce__(self) -> tuple[Any, ...]:  # survive multiprocessing
        return (CaseFileError, (self.path, self.message))


def check_header(document: Any) -> list[Any]:
    """The document's list of cases, after checking that it is a ``dtto-case/1`` document (of
    any minor version, :data:`~.format.READ_FORMATS`)."""
    if not isinstance(document, dict):
        raise CaseFileError("(document)", f"not a JSON object: {type(document).__name__}")
    if document.get("format") not in READ_FORMATS:
        raise CaseFileError(
            "format", f"not {' or '.join(map(repr, READ_FORMATS))}: {document.get('format')!r}"
        )
    cases = document.get("cases")
    if not isinstance(cases, list):
        raise CaseFileError("cases", "missing" if "cases" not in document else "not a list")
    return cases


def load_document(path: str | Path) -> dict[str, Any]:
    """The JSON object a file holds, without judging its fields (the importer does that).

    A file larger than ``MAX_DOCUMENT_BYTES`` is refused before any of it is read.
    """
    size = os.path.getsize(path)
    if size > MAX_DOCUMENT_BYTES:
        raise CaseFileError(
            "(document)",
            f"the file is {size:,} bytes, more than the {MAX_DOCUMENT_BYTES:,} dtto reads at "
            "once: split it into smaller files (dtto export --area or --reference)",
        )
    raw = Path(path).read_bytes()
    try:
        document = json.loads(raw.decode("utf-8"))
    except UnicodeDecodeError:
        raise CaseFileError("(document)", "not UTF-8 text") from None
    except json.JSONDecodeError as error:
        raise CaseFileError(
            "(document)",
            f"not valid JSON at line {error.lineno} column {error.colno}: {error.msg}",
        ) from None
    except RecursionError:
        raise CaseFileError("(document)", "not JSON dtto can read: nested too deeply") from None
    except ValueError as error:  # a number of thousands of digits
        raise CaseFileError("(document)", f"not JSON dtto can read: {str(error)[:200]}") from None
    if not isinstance(document, dict):
        raise CaseFileError("(document)", f"not a JSON object: {type(document).__name__}")
    return document


def read_cases(path: str | Path) -> list[Any]:
    """Every case of a ``dtto-case/1`` file, read whole, after the header check."""
    return check_header(load_document(path))


def iter_cases(path: str | Path) -> Iterator[Any]:
    """The cases of a ``dtto-case/1`` file one at a time.

    In the canonical layout a line at a time, so memory stays flat at any size; any other
    layout (or a body whose lines turn out not to be one case each) is read whole, carrying
    on after the cases already given.
    """
    ranges = line_ranges(path, 1)
    given = 0
    if ranges is not None:
        try:
            for case in _line_cases(path, ranges[0][0], ranges[-1][1]):
                yield case
                given += 1
            return
        except _NotLineLayout:
            pass
    yield from read_cases(path)[given:]


def _line_cases(path: str | Path, start: int, end: int) -> Iterator[Any]:
    with open(path, "rb") as f:
        f.seek(start)
        pending = None
        while f.tell() < end:
            line = _case_line(f.readline(MAX_CASE_BYTES + 1)).strip()
            if not line:
                continue
            if pending is not None:
                yield _parse_case_line(pending, final=False)
            pending = line
        if pending is not None:
            yield _parse_case_line(pending, final=True)


class _NotLineLayout(Exception):
    """A line that is not one whole case."""


def _case_line(line: bytes) -> bytes:
    """A line of the canonical layout, refused if it is longer than any one case can be."""
    if len(line) > MAX_CASE_BYTES:
        raise CaseFileError(
            "cases",
            f"a line of more than {MAX_CASE_BYTES:,} bytes: no one case is that large",
        )
    return line


def _parse_case_line(line: bytes, final: bool) -> Any:
    if final == line.endswith(b","):
        raise _NotLineLayout
    try:
        case = json.loads(line if final else line[:-1])
    except (ValueError, RecursionError):
        raise _NotLineLayout from None
    if not isinstance(case, dict):
        raise _NotLineLayout
    return case


def read_line_range(path: str | Path, start: int, end: int, last: bool) -> list[Any] | None:
    """The cases on the lines from byte ``start`` to ``end`` (a range of :func:`line_ranges`),
    or None if they are not one whole case a line (the caller then reads the file whole)."""
    with open(path, "rb") as f:
        f.seek(start)
        block = f.read(end - start)
    lines = [line for line in (_case_line(raw).strip() for raw in block.split(b"\n")) if line]
    try:
        return [
            _parse_case_line(line, last and i == len(lines) - 1) for i, line in enumerate(lines)
        ]
    except _NotLineLayout:
        return None


def line_ranges(path: str | Path, chunks: int) -> list[tuple[int, int, bool]] | None:
    """About ``chunks`` byte ranges ``(start, end, last)`` of whole case lines, or None if the
    header and footer are not those of the canonical layout. The lines themselves are checked
    only as they are read."""
    size = os.path.getsize(path)
    with open(path, "rb") as f:
        # A header line longer than a case is not the canonical layout's (nor read whole).
        header = f.readline(MAX_CASE_BYTES + 1)
        if len(header) > MAX_CASE_BYTES:
            return None
        body_start = f.tell()
        try:
            head = json.loads(header.strip() + b"]}")
        except (ValueError, RecursionError):
            return None
        if not isinstance(head, dict) or head.get("format") not in READ_FORMATS or head["cases"]:
            return None
        f.seek(max(body_start, size - _TAIL_BYTES))
        tail_start = f.tell()
        tail = f.read().rstrip()
        newline = tail.rfind(b"\n")
        if newline < 0:
            # Header and footer on one line each with nothing between: no cases.
            footer, body_end = tail.strip(), body_start
        else:
            footer, body_end = tail[newline + 1 :].strip(), tail_start + newline + 1
        try:
            foot = json.loads(b'{"cases": [' + footer)
        except (ValueError, RecursionError):
            return None
        if not isinstance(foot, dict) or set(foot) & {"format"} or foot["cases"]:
            return None
        step = max(1, (body_end - body_start) // max(1, chunks))
        bounds = [body_start]
        while bounds[-1] + step < body_end:
            f.seek(bounds[-1] + step)
            f.readline(MAX_CASE_BYTES + 1)
            position = f.tell()
            if position >= body_end:
                break
            bounds.append(position)
        bounds.append(body_end)
    return [(a, b, i == len(bounds) - 2) for i, (a, b) in enumerate(itertools.pairwise(bounds))]
