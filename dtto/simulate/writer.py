"""Writing a case document as a stream, one case at a time, so memory stays flat at any size."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import IO, Any

from dtto.caseformat import write_document as write_case_document


@dataclass
class Written:
    cases: int = 0
    orders: int = 0
    events: int = 0


def write_document(cases: Iterable[dict[str, Any]], out: IO[str], exported_at: str) -> Written:
    """Write the document to ``out`` in the canonical one-case-a-line layout, counting as it goes."""
    written = Written()

    def counted() -> Iterator[dict[str, Any]]:
        for case in cases:
            if case.get("order"):
                written.orders += 1
                written.events += len(case["events"])
            yield case

    written.cases = write_case_document(counted(), out, exported_at=exported_at)
    return written
