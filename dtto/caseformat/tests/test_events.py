"""Events are sorted by day, then in the one same-day order docs/case-format.md states."""

from __future__ import annotations

import re
from pathlib import Path

from dtto.caseformat import SAME_DAY_ORDER, event_day, schema, sort_events

DOC = Path(__file__).resolve().parents[3] / "docs" / "case-format.md"


def test_the_same_day_order_ranks_every_event_type_once() -> None:
    event_types = schema()["$defs"]["event"]["properties"]["type"]["enum"]
    assert sorted(SAME_DAY_ORDER) == sorted(event_types)
    assert len(set(SAME_DAY_ORDER)) == len(SAME_DAY_ORDER)


def test_the_docs_state_the_same_order() -> None:
    text = DOC.read_text(encoding="utf-8")
    stated = re.search(r"Within one day, events come in this\s+order:\s+(.*?);", text, re.S)
    assert stated is not None
    assert re.findall(r"`(\w+)`", stated.group(1)) == list(SAME_DAY_ORDER)


def test_events_are_sorted_by_day_then_by_type_in_the_same_day_order() -> None:
    events = [
        {"type": "termination", "on": "2003-03-03"},
        {"type": "appointment", "on": "2003-03-04"},
        {"type": "conviction", "on": "2003-03-03"},
        {"type": "test", "on": "2003-03-03"},
        {"type": "suspension", "from": "2003-03-03", "to": "2003-03-10"},
        {"type": "contact_level", "on": "2003-03-03"},
        {"type": "warning", "on": "2003-03-02"},
    ]
    # By hand: the 2nd, then the 3rd in the order contact level, suspension, test, conviction,
    # termination (the suspension dated by its first day), then the 4th.
    assert [(event_day(e), e["type"]) for e in sort_events(events)] == [
        ("2003-03-02", "warning"),
        ("2003-03-03", "contact_level"),
        ("2003-03-03", "suspension"),
        ("2003-03-03", "test"),
        ("2003-03-03", "conviction"),
        ("2003-03-03", "termination"),
        ("2003-03-04", "appointment"),
    ]


def test_events_of_one_type_on_one_day_keep_the_order_they_came_in() -> None:
    first = {"type": "appointment", "on": "2003-03-03", "hours": 2.5}
    second = {"type": "appointment", "on": "2003-03-03", "hours": 1.0}
    test = {"type": "test", "on": "2003-03-03"}
    assert sort_events([test, first, second]) == [first, second, test]
    assert sort_events([second, test, first]) == [second, first, test]
