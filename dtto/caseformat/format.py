"""The format's name and its JSON Schema."""

from __future__ import annotations

import json
from functools import cache
from importlib import resources
from typing import Any

# The version written. 1.1 (issue 14) added optional fields only: the pre-sentence report and
# health assessment on the assessment, an appointment's activity, treatment after the Order
# and the handover's receipt on the termination, a conviction's seriousness, and whether the
# Order was made against the assessment's advice (with the reason, issue 11); and review
# reports with the court's feedback, an event type of their own (review_report). Every file
# of an earlier minor version is read by the same rules (its cases simply lack those fields).
FORMAT = "dtto-case/1.1"
# Every version read: the major version 1 and its minor versions, oldest first.
READ_FORMATS: tuple[str, ...] = ("dtto-case/1", "dtto-case/1.1")

# The largest file read whole (any layout but the canonical one, and every import): its JSON
# takes several times its size in memory. Larger files are evaluated in the canonical layout,
# a case a line, and imported in parts.
MAX_DOCUMENT_BYTES = 1024 * 1024 * 1024
# The longest line of the canonical layout, one case: a three-year Order with an appointment
# every day is about 150 KB.
MAX_CASE_BYTES = 4 * 1024 * 1024


@cache
def schema() -> dict[str, Any]:
    """The JSON Schema of the format (``dtto-case-1.schema.json`` beside this module)."""
    text = resources.files("dtto.caseformat").joinpath("dtto-case-1.schema.json").read_text("utf-8")
    loaded: dict[str, Any] = json.loads(text)
    return loaded
