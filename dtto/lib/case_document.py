"""The canonical text of a ``dtto-case/1`` document, shared by the exporter and the simulator.

One case a line: a header line ``{"format":"dtto-case/1","cases":[``, each case as compact
JSON on its own line (every line but the last ending in a comma), and ``]}`` last. It is
valid JSON, can be written and read as a stream, and ``dtto evaluate`` splits a large file
of this layout across processors. No Django here: the simulator writes it without a database.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import IO, Any

CASE_FORMAT = "dtto-case/1"

_encode = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode


def write_case_document(
    cases: Iterable[dict[str, Any]], out: IO[str], *, exported_at: str | None = None
) -> int:
    """Write the document to ``out`` as the cases arrive; returns how many were written."""
    header = {"format": CASE_FORMAT}
    if exported_at is not None:
        header["exported_at"] = exported_at
    out.write(_encode(header)[:-1] + ',"cases":[\n')
    count = 0
    for case in cases:
        if count:
            out.write(",\n")
        out.write(_encode(case))
        count += 1
    out.write("\n]}\n" if count else "]}\n")
    return count
