"""Export and the simulator put one day's events in the same order: the one dtto.caseformat
defines. Each is run again with that order reversed, so a test fails if either sorts by an
order of its own."""

from __future__ import annotations

import copy
import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest

from dtto.audit.services import Actor
from dtto.caseformat import SAME_DAY_ORDER, event_day, events
from dtto.cases.export import export_case_document
from dtto.cases.importing import import_case_document
from dtto.cases.models import Case
from dtto.simulate.model import Simulation
from dtto.simulate.parameters import load_parameters

FIXTURE = Path(__file__).parent / "fixtures" / "two-cases.json"
DAY = "2003-03-03"
# One event of every type, all on one day, listed in no particular order.
ONE_DAY = [
    {"type": "review", "on": DAY, "hearing": True, "sat": ["District Judge Example"]},
    {"type": "conviction", "on": DAY, "offence_on": "2003-02-20", "offence": "theft"},
    {"type": "appointment", "on": DAY, "hours": 2.0, "with": "probation", "outcome": "attended"},
    {"type": "termination", "on": DAY, "reason": "revoked_conviction"},
    {"type": "warning", "on": DAY, "reason": "missed keywork"},
    {"type": "suspension", "from": DAY, "to": DAY, "reason": "home detoxification"},
    {"type": "test", "on": DAY, "outcome": "refused"},
    {"type": "contact_level", "on": DAY, "level": "reduced"},
    {
        "type": "review_report",
        "review_due": DAY,
        "period_from": "2003-02-03",
        "period_to": "2003-02-28",
        "status": "sent",
        "assessment": "Engaging",
        "sent_on": "2003-02-28",
    },
    {
        "type": "breach",
        "on": DAY,
        "outcome": "revoked",
        "decided_on": DAY,
        "hearings": [DAY],
    },
]


def one_day_case() -> dict[str, Any]:
    case: dict[str, Any] = copy.deepcopy(json.loads(FIXTURE.read_text())["cases"][0])
    case["events"] = copy.deepcopy(ONE_DAY)
    return case


def exported_types() -> list[str]:
    (case,) = export_case_document(Case.objects.all())["cases"]
    return [event["type"] for event in case["events"]]


def simulated_same_day_pairs() -> list[tuple[str, str]]:
    """Each two events of different types that the simulator wrote one after the other on
    one day, as (first type, second type)."""
    sim = Simulation(load_parameters(), orders=40, seed=3)
    pairs = []
    for case in sim.cases():
        for before, after in zip(case["events"], case["events"][1:], strict=False):
            if event_day(before) == event_day(after) and before["type"] != after["type"]:
                pairs.append((before["type"], after["type"]))
    return pairs


@pytest.mark.django_db
def test_export_writes_one_days_events_in_the_formats_order(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import_case_document(
        {"format": "dtto-case/1", "cases": [one_day_case()]},
        by=Actor.system("test"),
        today=dt.date(2026, 1, 1),
    )
    # By hand from docs/case-format.md: the state of the Order, the contact, the review's
    # report, the review and enforcement, the conviction, and the ending last.
    assert exported_types() == [
        "contact_level",
        "suspension",
        "appointment",
        "test",
        "review_report",
        "review",
        "warning",
        "breach",
        "conviction",
        "termination",
    ]
    monkeypatch.setattr(events, "SAME_DAY_ORDER", SAME_DAY_ORDER[::-1])
    assert exported_types() == list(SAME_DAY_ORDER[::-1])


def test_the_simulator_writes_one_days_events_in_the_formats_order(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    rank = {kind: i for i, kind in enumerate(SAME_DAY_ORDER)}
    pairs = simulated_same_day_pairs()
    assert len(set(pairs)) >= 2  # e.g. an appointment and its test, a contact level change
    assert [p for p in pairs if rank[p[0]] > rank[p[1]]] == []
    monkeypatch.setattr(events, "SAME_DAY_ORDER", SAME_DAY_ORDER[::-1])
    assert sorted(simulated_same_day_pairs()) == sorted((b, a) for a, b in pairs)
