"""Writing a ``dtto-case/1`` document in its canonical text, one case a line, as a stream.

The layout: a header line ``{"format":"dtto-case/1","cases":[`` (with ``exported_at`` before
``cases`` when given), each case as compact JSON on its own line (every line but the last
ending in a comma), and ``]}`` last. It is valid JSON, can be written and read as a stream,
and :func:`dtto.caseformat.reading.line_ranges` splits it across processes.
"""

from __future__ import annotations

import io
import json
from collections.abc import Iterable, Mapping
from typing import IO, Any

from .format import FORMAT

# Key order is the case's own (export and the simulator build every case in the order of
# docs/case-format.md), so the same case always encodes to the same bytes.
encode_case = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode


def write_document(
    cases: Iterable[Mapping[str, Any]], out: IO[str], *, exported_at: str | None = None
) -> int:
    """Write the document to ``out`` as the cases arrive; returns how many were written."""
    header = {"format": FORMAT}
    if exported_at is not None:
        header["exported_at"] = exported_at
    out.write(encode_case(header)[:-1] + ',"cases":[\n')
    count = 0
    for case in cases:
        if count:
            out.write(",\n")
        out.write(encode_case(case))
        count += 1
    out.write("\n]}\n" if count else "]}\n")
    return count


def dump_document(document: Mapping[str, Any]) -> str:
    """The canonical text of a whole document held in memory."""
    out = io.StringIO()
    write_document(document["cases"], out, exported_at=document.get("exported_at"))
    return out.getvalue()
