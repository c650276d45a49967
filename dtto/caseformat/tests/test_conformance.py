"""The quick schema check accepts exactly the cases the schema, read by jsonschema, accepts.

The importer lets a case through on ``case_conforms`` alone, so any value it accepts that the
schema refuses would be imported unchecked, and any it refuses that the schema accepts would
be refused with no fault named. Every field of a case and of every event type is replaced in
turn by values of each JSON type (and left out), and the two must agree on each.
"""

from __future__ import annotations

import copy
from collections.abc import Iterator
from typing import Any

import jsonschema
import pytest

from dtto.caseformat import case_conforms, schema

EVENTS: dict[str, dict[str, Any]] = {
    "appointment": {
        "type": "appointment",
        "on": "2004-01-05",
        "hours": 2.5,
        "with": "treatment",
        "kind": "keywork",
        "outcome": "attended",
        "outcome_code": "ATTC",
        "activity": "treatment",
    },
    "test": {
        "type": "test",
        "on": "2004-01-06",
        "outcome": "sample",
        "results": {"opiates": "positive"},
        "confirmed": {"opiates": True},
        "admitted": ["cocaine"],
    },
    "warning": {"type": "warning", "on": "2004-01-07", "reason": "missed two appointments"},
    "breach": {
        "type": "breach",
        "on": "2004-01-08",
        "reason": "third failure",
        "outcome": "revoked",
        "outcome_code": "REV",
        "decided_on": "2004-02-01",
        "hearings": ["2004-01-20"],
        "warrant_issued_on": "2004-01-10",
        "warrant_executed_on": "2004-01-12",
    },
    "review": {
        "type": "review",
        "on": "2004-01-09",
        "hearing": True,
        "sat": ["HHJ Example"],
        "notes": "good progress",
    },
    "contact_level": {"type": "contact_level", "on": "2004-01-10", "level": "reduced"},
    "suspension": {
        "type": "suspension",
        "from": "2004-01-11",
        "to": "2004-01-20",
        "reason": "in hospital",
    },
    "termination": {
        "type": "termination",
        "on": "2004-03-01",
        "reason": "revoked",
        "onward_referral_on": "2004-03-02",
        "onward_referral_to": "community team",
        "custody_handover_on": "2004-03-03",
        "treatment_started_on": "2004-03-04",
        "treatment_setting": "prison",
        "treatment_intensity": "structured",
        "custody_handover_received_on": "2004-03-05",
    },
    "conviction": {
        "type": "conviction",
        "on": "2004-02-10",
        "offence_on": "2004-01-30",
        "offence": "theft",
        "seriousness": "either_way",
    },
    "review_report": {
        "type": "review_report",
        "review_due": "2004-02-02",
        "period_from": "2004-01-01",
        "period_to": "2004-01-31",
        "status": "sent",
        "tests_summary": "two positive",
        "attendance_summary": "all attended",
        "provider_view": "engaged",
        "assessment": "motivated",
        "proposal": "continue",
        "sent_on": "2004-01-30",
        "court_feedback": {"feedback": "useful", "on": "2004-02-03", "notes": "clear"},
    },
}

CASE: dict[str, Any] = {
    "reference": "CONF-1",
    "area": "AREA1",
    "person": {
        "name": "A Person",
        "date_of_birth": "1980-05-01",
        "sex": "M",
        "ethnicity": "W1",
        "accommodation": "settled",
        "main_drug": "opiates",
        "other_drugs": ["cocaine"],
        "mental_health_need": False,
    },
    "referral": {"on": "2003-12-01", "source": "court"},
    "assessment": {
        "started_on": "2003-12-02",
        "completed_on": "2003-12-03",
        "outcome": "suitable",
        "reason": None,
        "recommended_intensity": "higher",
        "psr_requested_on": "2003-12-01",
        "adjourned_on": "2003-12-01",
        "psr_delivered_on": "2003-12-20",
        "health_assessment_recommended": None,
    },
    "order": {
        "made_on": "2004-01-02",
        "length_months": 12,
        "intensity": "higher",
        "court": "C1",
        "team": "T1",
        "case_manager": "officer",
        "treatment_provider": "P1",
        "against_assessment_advice": False,
        "against_advice_reason": None,
    },
    "events": list(EVENTS.values()),
}

# A value of every JSON type, and of each kind the schema tells apart: an empty string, a date,
# a date-shaped string that is no date's pattern, over-long strings, a repeated list item, an
# object given where a value is expected (and the reverse).
PROBES: tuple[object, ...] = (
    None,
    True,
    False,
    0,
    7,
    2.5,
    "",
    "x",
    "2004-01-05",
    "2004-1-5",
    "a" * 41,
    "a" * 201,
    "a" * 4001,
    "positive",
    "treatment",
    "useful",
    [],
    ["x"],
    ["x", "x"],
    ["2004-01-05"],
    {},
    {"x": "positive"},
    {"x": True},
    {"feedback": "useful", "on": "2004-02-03"},
)

VALIDATOR = jsonschema.Draft202012Validator({"$ref": "#/$defs/case", "$defs": schema()["$defs"]})


def variants(value: Any, path: tuple[Any, ...] = ()) -> Iterator[tuple[tuple[Any, ...], Any]]:
    """(where, the case) with one place changed: each field of each object left out, given
    as each probe, and an unknown field added; each list item given as each probe."""
    if isinstance(value, dict):
        yield (*path, "(unknown field)"), {**value, "unknown": 1}
        for key, item in value.items():
            yield (*path, key, "(left out)"), {k: v for k, v in value.items() if k != key}
            for probe in PROBES:
                yield (*path, key, probe), {**value, key: copy.deepcopy(probe)}
            for where, changed in variants(item, (*path, key)):
                yield where, {**value, key: changed}
    elif isinstance(value, list):
        for index, item in enumerate(value):
            for probe in PROBES:
                yield (*path, index, probe), [*value[:index], probe, *value[index + 1 :]]
            for where, changed in variants(item, (*path, index)):
                yield where, [*value[:index], changed, *value[index + 1 :]]


def test_the_whole_case_conforms() -> None:
    assert VALIDATOR.is_valid(CASE)
    assert case_conforms(CASE)


def test_every_event_type_is_in_the_case() -> None:
    assert sorted(EVENTS) == sorted(schema()["$defs"]["event"]["properties"]["type"]["enum"])


@pytest.mark.parametrize("part", ["person", "referral", "assessment", "order", *EVENTS])
def test_the_quick_check_agrees_with_the_schema_on_every_change(part: str) -> None:
    if part in EVENTS:
        base = {**CASE, "events": [EVENTS[part]]}
        changes = (
            (where, {**base, "events": events})
            for where, events in variants(base["events"], ("events",))
        )
    else:
        changes = ((where, {**CASE, part: v}) for where, v in variants(CASE[part], (part,)))
    disagreements = [
        (where, VALIDATOR.is_valid(case))
        for where, case in changes
        if case_conforms(case) != VALIDATOR.is_valid(case)
    ]
    assert disagreements == []


def test_the_quick_check_agrees_with_the_schema_on_the_case_itself() -> None:
    changes = [
        (where, case)
        for where, case in variants(CASE)
        if len(where) <= 2  # the case's own fields; deeper changes are tested part by part
    ]
    disagreements = [
        (where, VALIDATOR.is_valid(case))
        for where, case in changes
        if case_conforms(case) != VALIDATOR.is_valid(case)
    ]
    assert disagreements == []


@pytest.mark.parametrize(
    "event",
    [
        "an appointment",
        None,
        [],
        {},
        {"type": "unknown"},
        {"type": ["appointment"]},
        {"type": None, "on": "2004-01-05"},
        {**EVENTS["warning"], "type": "appointment"},
    ],
)
def test_an_event_of_no_known_type_or_the_wrong_fields_does_not_conform(event: object) -> None:
    case = {**CASE, "events": [event]}
    assert not VALIDATOR.is_valid(case)
    assert not case_conforms(case)
