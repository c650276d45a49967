"""Small hand-made case files for report tests, imported through the ordinary importer."""

from __future__ import annotations

import datetime as dt
import itertools
from typing import Any

from dtto.audit.services import Actor
from dtto.cases.importing import import_case_document

TODAY = dt.date(2006, 6, 30)
_numbers = itertools.count(1)


def case(
    *,
    area: str = "dorset",
    sex: str = "M",
    ethnicity: str = "W1",
    born: str = "1970-01-01",
    referred: str = "2003-01-02",
    assessment: str | None = "suitable",
    reason: str | None = None,
    made: str | None = "2003-02-03",
    length: int = 12,
    intensity: str = "higher",
    court: str | None = None,
    events: list[dict[str, Any]] | None = None,
) -> dict[str, Any]:
    """One case; ``made=None`` for a referral that never reached an Order."""
    number = next(_numbers)
    out: dict[str, Any] = {
        "reference": f"T-{number}",
        "area": area,
        "person": {
            "name": f"Person {number}",
            "date_of_birth": born,
            "sex": sex,
            "ethnicity": ethnicity,
        },
        "referral": {"on": referred, "source": "court"},
        "assessment": None if assessment is None else {"outcome": assessment, "reason": reason},
        "order": None,
        "events": events or [],
    }
    if made is not None:
        out["order"] = {"made_on": made, "length_months": length, "intensity": intensity}
        if court is not None:
            out["order"]["court"] = court
    return out


def ended(on: str, reason: str) -> dict[str, Any]:
    return {"type": "termination", "on": on, "reason": reason}


def breach(on: str, outcome: str = "pending", decided: str | None = None) -> dict[str, Any]:
    event: dict[str, Any] = {"type": "breach", "on": on, "outcome": outcome}
    if decided is not None:
        event["decided_on"] = decided
    return event


def drug_test(on: str, **results: str) -> dict[str, Any]:
    return {"type": "test", "on": on, "outcome": "sample", "results": results}


def load(*cases: dict[str, Any]) -> None:
    import_case_document(
        {"format": "dtto-case/1", "cases": list(cases)}, by=Actor.system("test"), today=TODAY
    )
