"""The plain path of reading events (dtto.standards.casefile) changes nothing but the time.

Every case here is read twice, through the plain path and with it switched off (every event
then goes through the shared checks), and must give the same timeline or the same refusal,
word for word: the refused cases of the reading tests and of the hostile-input corpus, and
events made of good and bad values mixed by hypothesis.
"""

from __future__ import annotations

import copy
import json
import math
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from unittest import mock

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dtto.caseformat import CaseFileError
from dtto.standards import casefile
from dtto.standards.casefile import timeline_from_case, timelines_from_document
from dtto.standards.tests.factories import d
from dtto.standards.tests.test_casefile import EXAMPLE, REFUSED
from dtto.standards.validation import OrderWindow

HOSTILE = Path(__file__).parents[2] / "caseformat" / "tests" / "hostile"
MISSING = object()  # the key is left out of the event


@contextmanager
def _checks_only() -> Iterator[None]:
    """Every event read through the shared checks, none through the plain path."""
    with mock.patch.dict(casefile._PLAIN_READERS, clear=True):
        yield


def _outcome(read: Any, *args: Any) -> Any:
    try:
        return ("read", read(*args))
    except CaseFileError as error:
        return ("refused", error.path, error.message)


def _both_ways(read: Any, *args: Any) -> tuple[Any, Any]:
    plain = _outcome(read, *copy.deepcopy(args))
    with _checks_only():
        checked = _outcome(read, *copy.deepcopy(args))
    return plain, checked


@pytest.mark.parametrize("index", range(len(REFUSED)))
def test_each_refused_document_of_the_reading_tests_is_refused_alike(index: int) -> None:
    document, message = REFUSED[index]
    plain, checked = _both_ways(timelines_from_document, document)
    assert plain == checked
    assert plain[0] == "refused" and f"{plain[1]}: {plain[2]}" == message


def _corpus_cases() -> list[tuple[str, int]]:
    found: list[tuple[str, int]] = []
    for path in sorted(HOSTILE.glob("*.json")):
        try:
            document = json.loads(path.read_text(encoding="utf-8"))
        except (ValueError, UnicodeDecodeError, RecursionError):
            continue  # refused before any case is read
        cases = document.get("cases") if isinstance(document, dict) else None
        if isinstance(cases, list):
            found.extend((path.name, i) for i in range(len(cases)))
    return found


CORPUS_CASES = _corpus_cases()


def test_the_corpus_gives_cases_to_compare() -> None:
    assert len(CORPUS_CASES) >= 50


@pytest.mark.parametrize(("name", "index"), CORPUS_CASES)
def test_each_case_of_the_hostile_corpus_reads_alike(name: str, index: int) -> None:
    case = json.loads((HOSTILE / name).read_text(encoding="utf-8"))["cases"][index]
    plain, checked = _both_ways(timeline_from_case, case, f"cases[{index}]")
    assert plain == checked


# Values good and bad for each key an appointment or a test is read from. The Order of the
# example runs from 3 February 2003; its termination on 2 February 2004 is its last day.
DAYS = [
    "2003-02-04",
    "2003-02-03",  # the day the Order was made
    "2004-02-02",  # the termination
    "2003-02-02",  # before the Order
    "2004-02-03",  # after the termination
    "2003-02-30",
    "03/02/2003",
    "2003-2-4",
    "2003-02-04T10:00",
    "2100-01-01",
    "1899-12-31",
    "",
    None,
    20030204,
    MISSING,
]
HOURS: list[Any] = [2.0, 1, 0.25, 12, 12.0, 0, -1, 12.01, 13, 0.001, 1.005, 0.29, 1e308]
HOURS += ["2", "", True, False, None, math.nan, math.inf, -math.inf, [2], MISSING]
TEXTS = ["", None, 1, ["x"], {"a": 1}, MISSING, "x\x00", " "]
SUBSTANCES = ["opiates", "cocaine", " opiates", "opiates ", "", " ", "x" * 40, "x" * 41]
SUBSTANCES += ["a\x00b", "a\x1bb", "\ud800"]

RESULTS: list[Any] = [None, {}, [], "opiates", 1, MISSING, {"opiates": "positive"}]
RESULTS += [{"cocaine": "negative", "opiates": "positive"}, {"opiates": "maybe"}]
RESULTS += [{"opiates": None}, {"opiates": ["positive"]}, {" opiates": "negative"}]
RESULTS += [{substance: "negative"} for substance in SUBSTANCES]
# Good events, then for each key the values it is given when a draw changes it.
GOOD: list[dict[str, Any]] = [
    {"type": "appointment", "on": "2003-02-04", "hours": 2.0, "with": "probation"},
    {"type": "appointment", "on": "2003-03-04", "hours": 1, "with": "treatment"},
    {"type": "test", "on": "2003-02-04", "outcome": "sample", "results": {"opiates": "positive"}},
    {"type": "test", "on": "2003-02-05", "outcome": "admission"},
    {"type": "test", "on": "2003-02-06", "outcome": "refused"},
]
GOOD[0]["outcome"], GOOD[1]["outcome"] = "attended", "not_recorded"
VALUES: dict[str, list[Any]] = {
    "on": DAYS,
    "hours": HOURS,
    "with": ["probation", "treatment", "other", "police", *TEXTS],
    "outcome": [
        *casefile.APPOINTMENT_OUTCOMES,
        *casefile.TEST_OUTCOMES,
        "spilt",
        "Attended",
        *TEXTS,
    ],
    "activity": [*casefile.CONTACT_ACTIVITIES, "knitting", *TEXTS],
    "results": RESULTS,
    "confirmed": [MISSING, None, {}, {"opiates": True}, {"opiates": "yes"}, {"cocaine": False}],
    "admitted": [MISSING, None, [], ["opiates"], ["", 1], ["x" * 41], "opiates"],
}


@st.composite
def events(draw: st.DrawFn) -> dict[str, Any]:
    """A good event with up to three of its keys given other values, good or bad: most
    events are wrong in one way only, the kind a plain path could let through unnoticed."""
    event = dict(draw(st.sampled_from(GOOD)))
    keys = [key for key in VALUES if key in event or key in ("activity", "confirmed", "admitted")]
    for key in draw(st.lists(st.sampled_from(keys), max_size=3, unique=True)):
        event[key] = draw(st.sampled_from(VALUES[key]))
    return {key: value for key, value in event.items() if value is not MISSING}


@settings(max_examples=1000, deadline=None)
@given(st.lists(events(), min_size=1, max_size=3))
def test_appointments_and_tests_of_any_values_read_alike(events: list[dict[str, Any]]) -> None:
    case = copy.deepcopy(EXAMPLE["cases"][0])
    case["events"] = events + case["events"]
    plain, checked = _both_ways(timeline_from_case, case, "cases[0]")
    assert plain == checked


def test_plainly_good_appointments_and_tests_take_the_plain_path() -> None:
    # Otherwise the comparisons above would compare the shared checks with themselves.
    window = OrderWindow(d("2003-02-03"), 12, None, None)
    appointment = {"on": "2003-02-04", "hours": 2.0, "with": "probation", "outcome": "attended"}
    test = {"on": "2003-02-04", "outcome": "sample", "results": {"opiates": "positive"}}
    assert casefile._plain_appointment(appointment, window, "events[0]") is not None
    assert casefile._plain_test(test, window, "events[1]") is not None
