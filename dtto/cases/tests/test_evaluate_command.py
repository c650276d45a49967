"""``dtto evaluate``: the management command over the case-file reader and the engine."""

from __future__ import annotations

import io
import json
import shutil
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from dtto.standards import batch

# The issue's example case file, kept with the engine's own tests.
EXAMPLE = Path(__file__).parents[2] / "standards" / "tests" / "example-1.json"


def run(*args: str) -> dict:
    out = io.StringIO()
    call_command("evaluate", *args, stdout=out)
    return json.loads(out.getvalue())


def test_example_case_file_evaluates_as_the_issue_describes(tmp_path):
    path = tmp_path / "cases.json"
    shutil.copy(EXAMPLE, path)
    document = run(str(path), "--as-of", "2004-03-31")
    assert (document["format"], document["as_of"]) == ("dtto-evaluation/1", "2004-03-31")
    (case,) = document["cases"]
    assert case["reference"] == "EXAMPLE-1"
    assert case["rule_set"] == "higher-2001"
    assert case["first_probation_appointment"] == {
        "due_by": "2003-02-04",
        "on": "2003-02-04",
        "met": True,
    }
    assert case["first_treatment_appointment"] == {"due_by": "2003-02-05", "on": None, "met": False}
    week1 = case["weeks"][0]
    assert {
        k: week1[k]
        for k in ("week", "starts_on", "phase", "excluded", "tests", "tests_required", "tests_met")
    } == {
        "week": 1,
        "starts_on": "2003-02-03",
        "phase": 1,
        "excluded": False,
        "tests": 2,
        "tests_required": 2,
        "tests_met": True,
    }
    assert (week1["hours"], week1["hours_required"], week1["contact_met"]) == (2.0, 15.0, False)
    assert isinstance(week1["hours"], float)
    assert len(case["weeks"]) == 52
    assert [w["week"] for w in case["weeks"] if w["excluded"]] == [22, 23, 24]
    assert case["testing_met"] == {"phase1": False, "phase2": False}
    assert case["contact_met"] == {"phase1": False, "phase2": False}
    assert case["reviews"][0] == {"due": "2003-03-03", "held_on": "2003-03-03", "met": True}
    assert case["failures"] == [
        {
            "on": "2003-02-07",
            "number": 1,
            "required": "warning_or_breach",
            "taken": "warning",
            "taken_on": "2003-02-10",
            "deadline": "2003-02-21",
            "met": True,
        }
    ]
    assert case["termination"] == {
        "on": "2004-02-02",
        "reason": "completed",
        "successful": True,
        "in_breach": False,
    }


def test_as_of_during_the_order_leaves_later_findings_unknown(tmp_path):
    (case,) = run(str(EXAMPLE), "--as-of", "2003-02-12")["cases"]
    assert [w["week"] for w in case["weeks"]] == [1]
    assert case["testing_met"] == {"phase1": True, "phase2": None}
    assert case["reviews"][0]["met"] is None
    assert case["termination"] is None


def test_evidence_is_included_on_request():
    (case,) = run(str(EXAMPLE), "--as-of", "2004-03-31", "--evidence")["cases"]
    assert case["failures"][0]["evidence"] == ["events[3]", "events[4]"]
    assert case["weeks"][0]["evidence"] == ["events[0]", "events[1]", "events[2]"]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("{not json", "(document): not valid JSON at line 1 column 2"),
        (
            '{"format": "other", "cases": []}',
            "format: not 'dtto-case/1' or 'dtto-case/1.1': 'other'",
        ),
        (
            EXAMPLE.read_text().replace(
                '"2003-02-07", "outcome": "refused"', '"2003-02-30", "outcome": "refused"'
            ),
            "cases[0].events[3].on: must be a real date, got '2003-02-30'",
        ),
    ],
)
def test_bad_input_names_the_file_and_field(tmp_path, content, message):
    path = tmp_path / "bad.json"
    path.write_text(content)
    with pytest.raises(CommandError) as raised:
        run(str(path), "--as-of", "2004-03-31")
    assert str(raised.value).startswith(f"{path}: ")
    assert message in str(raised.value)


def test_missing_file_and_bad_as_of_are_errors(tmp_path):
    with pytest.raises(CommandError, match=r"nope\.json: cannot read"):
        run(str(tmp_path / "nope.json"))
    with pytest.raises(CommandError, match="--as-of: not a date"):
        run(str(EXAMPLE), "--as-of", "2004-02-30")


def _line_file(path: Path, cases: list[dict]) -> None:
    lines = [json.dumps(c) for c in cases]
    path.write_text('{"format": "dtto-case/1", "cases": [\n' + ",\n".join(lines) + "\n]}\n")


def test_parallel_reading_gives_the_same_answer_and_global_error_paths(tmp_path, monkeypatch):
    example = json.loads(EXAMPLE.read_text())["cases"][0]
    cases = [dict(example, reference=f"C-{i}") for i in range(40)]
    path = tmp_path / "lines.json"
    _line_file(path, cases)
    monkeypatch.setattr(batch, "PARALLEL_MIN_BYTES", 0)
    parallel = run(str(path), "--as-of", "2004-03-31", "--workers", "2")
    serial = run(str(path), "--as-of", "2004-03-31", "--workers", "1")
    assert parallel == serial
    assert [c["reference"] for c in parallel["cases"]] == [f"C-{i}" for i in range(40)]

    broken = json.loads(json.dumps(cases))
    broken[33]["events"][5]["on"] = "2003-13-01"
    _line_file(path, broken)
    with pytest.raises(
        CommandError, match=r"cases\[33\]\.events\[5\]\.on: must be a real date, got '2003-13-01'"
    ):
        run(str(path), "--as-of", "2004-03-31", "--workers", "2")
