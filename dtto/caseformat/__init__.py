"""The case file format ``dtto-case/1``: its name, schema, same-day event order, encoding and
reading, in one place (docs/case-format.md).

Export, import, ``dtto evaluate`` and the simulator all read and write case files through
this package. Nothing here imports Django (a test enforces it), so the simulator and the
National Standard engine use it without a database.
"""

from __future__ import annotations

from .conformance import case_conforms
from .encoding import dump_document, encode_case, write_document
from .events import SAME_DAY_ORDER, event_day, sort_events
from .format import FORMAT, READ_FORMATS, schema
from .reading import (
    CaseFileError,
    check_header,
    iter_cases,
    line_ranges,
    load_document,
    read_cases,
    read_line_range,
)

__all__ = [
    "FORMAT",
    "READ_FORMATS",
    "SAME_DAY_ORDER",
    "CaseFileError",
    "case_conforms",
    "check_header",
    "dump_document",
    "encode_case",
    "event_day",
    "iter_cases",
    "line_ranges",
    "load_document",
    "read_cases",
    "read_line_range",
    "schema",
    "sort_events",
    "write_document",
]
