"""``dtto report --as-of D`` on an imported set of cases agrees with ``dtto evaluate --as-of D``.

A simulated case file is imported with ``dtto import`` and nothing else; then, for days before
any Order, through the span and long after every Order has ended, each compliance measure,
each count by week, review and failure, and the commencements and terminations of the report
are compared with the same figures added up by hand, following docs/reports.md, from what the
National Standard engine says of the same file as of the same day.
"""

from __future__ import annotations

import datetime as dt
import io
import json
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command

START = dt.date(2002, 1, 1)
END = dt.date(2004, 12, 31)  # the data end: Orders run on past it, unrecorded
DAYS = (
    START - dt.timedelta(days=30),  # before any Order
    dt.date(2002, 3, 15),
    dt.date(2002, 9, 30),
    dt.date(2003, 4, 1),
    dt.date(2004, 1, 20),
    dt.date(2004, 9, 30),
    END,
    dt.date(2008, 1, 1),  # after every Order has ended
)
PER_CASE = {
    "first_probation_1wd": lambda c: c["first_probation_appointment"]["met"],
    "first_treatment_2wd": lambda c: c["first_treatment_appointment"]["met"],
    "contact_phase1": lambda c: c["contact_met"]["phase1"],
    "contact_phase2": lambda c: c["contact_met"]["phase2"],
    "tests_phase1": lambda c: c["testing_met"]["phase1"],
    "tests_phase2": lambda c: c["testing_met"]["phase2"],
    "reviews": lambda c: _all_met(r["met"] for r in c["reviews"]),
    "enforcement": lambda c: _all_met(f["met"] for f in c["failures"]),
}


def _all_met(findings: Any) -> bool | None:
    """docs/reports.md, section 5: every finding judged so far met; None if none judged."""
    judged = [f for f in findings if f is not None]
    return all(judged) if judged else None


def _count(values: list[bool | None]) -> tuple[int, int]:
    """(met, judged) over findings: judged when not null."""
    return sum(v is True for v in values), sum(v is not None for v in values)


def _by_hand(cases: list[dict[str, Any]], day: dt.date) -> dict[str, Any]:
    """The report's figures as of ``day`` from the engine's evaluation as of ``day``."""
    made = [c for c in cases if dt.date.fromisoformat(c["made_on"]) <= day]
    ended = [c for c in made if c["termination"] is not None]
    expected: dict[str, Any] = {
        "commencements": len(made),
        "by_intensity": dict(Counter(c["intensity"] for c in made)),
        "terminations": len(ended),
        "successful": sum(c["termination"]["successful"] for c in ended),
        "by_reason": dict(Counter(c["termination"]["reason"] for c in ended)),
    }
    for measure, finding in PER_CASE.items():
        expected[measure] = _count([finding(c) for c in made])
    weeks = [w for c in made for w in c["weeks"] if not w["excluded"]]
    for phase in (1, 2):
        in_phase = [w for w in weeks if w["phase"] == phase]
        expected[f"contact_weeks_phase{phase}"] = _count([w["contact_met"] for w in in_phase])
        expected[f"test_weeks_phase{phase}"] = _count([w["tests_met"] for w in in_phase])
    expected["reviews_held"] = _count([r["met"] for c in made for r in c["reviews"]])
    expected["failures_actioned"] = _count([f["met"] for c in made for f in c["failures"]])
    return expected


def _from_report(report: dict[str, Any]) -> dict[str, Any]:
    def pair(rate: dict[str, Any]) -> tuple[int, int]:
        return rate["numerator"], rate["denominator"]

    c, t = report["compliance"], report["terminations"]
    found: dict[str, Any] = {
        "commencements": report["commencements"]["total"],
        "by_intensity": {k: v for k, v in report["commencements"]["by_intensity"].items() if v},
        "terminations": t["total"],
        "successful": t["successful"],
        "by_reason": {k: v for k, v in t["by_reason"].items() if v},
    }
    for measure in PER_CASE:
        found[measure] = pair(c[measure])
    for name, rate in c["by_event"].items():
        found[name] = pair(rate)
    return found


@pytest.mark.django_db
def test_report_as_of_a_day_agrees_with_the_engine_judging_the_same_cases_that_day(
    tmp_path: Path,
) -> None:
    cases_file = tmp_path / "cases.json"
    call_command(
        "simulate",
        "--orders=150",
        "--seed=9",
        f"--start={START}",
        f"--end={END}",
        f"--out={cases_file}",
        stdout=io.StringIO(),
    )
    call_command("import", str(cases_file), stdout=io.StringIO())
    checked = 0
    for day in DAYS:
        evaluation = io.StringIO()
        call_command("evaluate", str(cases_file), f"--as-of={day}", stdout=evaluation)
        cases = json.loads(evaluation.getvalue())["cases"]
        assert len(cases) >= 140  # the simulator makes about the Orders asked for
        report = io.StringIO()
        call_command("report", "--format=json", f"--as-of={day}", "--no-suppress", stdout=report)
        expected = _by_hand(cases, day)
        found = _from_report(json.loads(report.getvalue()))
        assert found == expected, day
        checked += expected["first_probation_1wd"][1] + expected["contact_weeks_phase2"][1]
    # The comparison was not vacuous: findings were judged on the days checked.
    assert checked > 1000
