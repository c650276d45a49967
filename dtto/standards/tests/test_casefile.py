from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest

from dtto.standards import CaseFileError, timelines_from_document
from dtto.standards.tests.factories import d

EXAMPLE = json.loads((Path(__file__).parent / "example-1.json").read_text())


def with_event(event, index=3):
    document = copy.deepcopy(EXAMPLE)
    document["cases"][0]["events"][index] = event
    return document


def test_example_reads_into_a_timeline():
    (t,) = timelines_from_document(EXAMPLE)
    assert t.reference == "EXAMPLE-1"
    assert (t.order.made_on, t.order.length_months, t.order.intensity) == (
        d("2003-02-03"),
        12,
        "higher",
    )
    assert len(t.appointments) == 1 and t.appointments[0].with_ == "probation"
    assert [x.outcome for x in t.tests] == ["sample", "admission", "refused"]
    assert t.tests[0].result_map == {"cocaine": "negative", "opiates": "positive"}
    assert t.tests[0].ref == "events[1]"
    assert t.breaches[0].decided_on == d("2003-03-20")
    assert (t.suspensions[0].starts_on, t.suspensions[0].ends_on) == (
        d("2003-07-01"),
        d("2003-07-14"),
    )
    assert t.termination is not None and t.termination.reason == "completed"


def test_keys_the_engine_does_not_need_and_convictions_are_read_past():
    document = copy.deepcopy(EXAMPLE)
    case = document["cases"][0]
    document["exported_at"] = "2004-04-01T00:00:00"
    case["person"] = {"name": "A", "date_of_birth": "1970-01-01", "sex": "M", "ethnicity": "W1"}
    case["referral"] = {"on": "2003-01-01", "source": "court"}
    case["order"]["court"] = "X"
    case["events"][0]["outcome_code"] = "ATT"
    case["events"].append({"type": "conviction", "on": "2003-05-01", "offence": "theft"})
    assert timelines_from_document(document) == timelines_from_document(EXAMPLE)


def test_an_event_type_the_format_does_not_have_is_refused():
    document = copy.deepcopy(EXAMPLE)
    document["cases"][0]["events"].append({"type": "warrant", "on": "2003-05-02"})
    # events[10]: the example has ten events (0-9), so the appended one is the eleventh.
    with pytest.raises(CaseFileError, match=r"^cases\[0\]\.events\[10\]\.type: must be one of "):
        timelines_from_document(document)


def test_cases_without_an_order_are_skipped():
    document = {
        "format": "dtto-case/1",
        "cases": [{"reference": "R-1", "order": None}, {"reference": "R-2"}],
    }
    assert timelines_from_document(document) == []


# Documents every reader refuses, each with the error it gives (also read by
# test_casefile_plain_path.py, which runs them through the plain path and without it).
REFUSED = [
    ([], "(document): not a JSON object: list"),
    (
        {"format": "dtto-case/2", "cases": []},
        "format: not 'dtto-case/1' or 'dtto-case/1.1': 'dtto-case/2'",
    ),
    ({"format": "dtto-case/1"}, "cases: missing"),
    (
        with_event({"type": "test", "on": "2003-02-30", "outcome": "sample"}),
        "cases[0].events[3].on: must be a real date, got '2003-02-30'",
    ),
    (with_event({"type": "test", "outcome": "sample"}), "cases[0].events[3].on: is required"),
    (
        with_event({"type": "test", "on": "03/02/2003", "outcome": "sample"}),
        "cases[0].events[3].on: must be a date in the form YYYY-MM-DD, got '03/02/2003'",
    ),
    (
        with_event({"type": "test", "on": "2003-02-07", "outcome": "spilt"}),
        "cases[0].events[3].outcome: must be one of sample, admission, refused, got 'spilt'",
    ),
    (
        with_event(
            {
                "type": "test",
                "on": "2003-02-07",
                "outcome": "sample",
                "results": {"opiates": "maybe"},
            }
        ),
        "cases[0].events[3].results.opiates: must be positive or negative, got 'maybe'",
    ),
    (
        with_event(
            {
                "type": "appointment",
                "on": "2003-02-07",
                "hours": "2",
                "with": "probation",
                "outcome": "attended",
            }
        ),
        "cases[0].events[3].hours: Enter the hours as a number, like 2.5",
    ),
    (
        with_event(
            {
                "type": "appointment",
                "on": "2003-02-07",
                "hours": 2,
                "with": "police",
                "outcome": "attended",
            }
        ),
        "cases[0].events[3].with: must be one of probation, treatment, other, got 'police'",
    ),
    (
        with_event(
            {
                "type": "breach",
                "on": "2003-02-07",
                "outcome": "pending",
                "decided_on": "2003-02-08",
            }
        ),
        "cases[0].events[3].decided_on: a pending breach has no decision date",
    ),
    (
        with_event({"type": "review", "on": "2003-02-07", "hearing": "yes"}),
        "cases[0].events[3].hearing: must be yes or no (true or false), got 'yes'",
    ),
    (
        with_event({"type": "suspension", "from": "2003-02-07", "to": "2003-02-01", "reason": "x"}),
        "cases[0].events[3].to: must be on or after 7 February 2003, when the suspension starts",
    ),
    (
        with_event({"on": "2003-02-07"}),
        # The types in the format's same-day order (docs/case-format.md).
        "cases[0].events[3].type: is required: one of contact_level, suspension,"
        " appointment, test, review_report, review, warning, breach, conviction, termination",
    ),
    (
        # The example's own termination (events[9]) is the second; the first, on
        # 2003-02-07, also ends the Order before the events after it.
        with_event({"type": "termination", "on": "2003-02-07", "reason": "completed"}),
        "cases[0].events[9]: a second termination: an Order is terminated once"
        " (and 5 more problem(s) in this case)",
    ),
    (
        {
            "format": "dtto-case/1",
            "cases": [
                {
                    "reference": "R",
                    "order": {
                        "made_on": "2003-01-01",
                        "length_months": "12",
                        "intensity": "higher",
                    },
                }
            ],
        },
        "cases[0].order.length_months: Enter the length as a whole number of months, like 12",
    ),
    (
        {
            "format": "dtto-case/1",
            "cases": [
                {
                    "reference": "R",
                    "order": {
                        "made_on": "2003-01-01",
                        "length_months": 12,
                        "intensity": "high",
                    },
                }
            ],
        },
        "cases[0].order.intensity: must be one of higher, lower, got 'high'",
    ),
    ({"format": "dtto-case/1", "cases": [{"order": None}]}, "cases[0].reference: is required"),
    # Once a KeyError, not a refusal (found by test_casefile_plain_path.py).
    (
        with_event({"type": "appointment", "on": "2003-02-07", "hours": 2, "outcome": "attended"}),
        "cases[0].events[3].with: is required: one of probation, treatment, other",
    ),
    (
        with_event({"type": "test", "on": "2003-02-07"}),
        "cases[0].events[3].outcome: is required: one of sample, admission, refused",
    ),
]


@pytest.mark.parametrize(("document", "message"), REFUSED)
def test_unreadable_input_names_the_field(document, message):
    with pytest.raises(CaseFileError) as raised:
        timelines_from_document(document)
    assert str(raised.value) == message
