"""Writing a case document as a stream, one case at a time, so memory stays flat at any size."""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from typing import IO, Any

from .model import CASE_FORMAT


@dataclass
class Written:
    cases: int = 0
    orders: int = 0
    events: int = 0


def write_document(cases: Iterable[dict[str, Any]], out: IO[str], exported_at: str) -> Written:
    """Write ``{"format": "dtto-case/1", ..., "cases": [...]}`` to ``out``, one case a line."""
    encode = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode
    written = Written()
    out.write(f'{{"format":"{CASE_FORMAT}","exported_at":{encode(exported_at)},"cases":[\n')
    for case in cases:
        if written.cases:
            out.write(",\n")
        out.write(encode(case))
        written.cases += 1
        if case.get("order"):
            written.orders += 1
            written.events += len(case["events"])
    out.write("\n]}\n")
    return written
