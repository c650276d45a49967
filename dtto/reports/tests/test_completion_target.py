"""The 35% completion target took effect on 1 April 2004 (3.2): a report for a period before
it says there is no target, in JSON and in words."""

from __future__ import annotations

import json

import pytest
from django.core.management import call_command

from dtto.reports.tests.factories import case, ended, load


def _report(tmp_path, fmt: str, start: str, end: str) -> str:
    out = tmp_path / f"r.{fmt}"
    call_command("report", "--format", fmt, "--from", start, "--to", end, "--out", str(out))
    return out.read_text()


@pytest.fixture
def ended_in_2002_03_and_2004_05(db):
    early, late = "2002-05-01", "2003-06-02"
    # At least 5 of each, so that no count is suppressed (docs/reports.md, small numbers).
    load(
        *[
            case(referred=early, made=early, events=[ended("2003-01-15", r)])
            for r in ["completed"] * 5 + ["other"] * 5
        ],
        *[
            case(referred=late, made=late, events=[ended("2004-06-01", r)])
            for r in ["completed"] * 6 + ["other"] * 5
        ],
    )


def test_the_2002_03_report_has_no_completion_target(tmp_path, ended_in_2002_03_and_2004_05):
    t = json.loads(_report(tmp_path, "json", "2002-04-01", "2003-03-31"))["terminations"]
    assert (t["total"], t["successful"]) == (10, 5)
    assert t["target_rate"] is None
    assert t["meets_target"] is None
    html = _report(tmp_path, "html", "2002-04-01", "2003-03-31")
    assert "target 35.0%" not in html
    assert "no target in force for the whole period" in html


def test_the_2004_05_report_is_judged_against_35_percent(tmp_path, ended_in_2002_03_and_2004_05):
    t = json.loads(_report(tmp_path, "json", "2004-04-01", "2005-03-31"))["terminations"]
    assert (t["total"], t["successful"]) == (11, 6)  # 54.5%: at least 35%
    assert t["target_rate"] == 0.35
    assert t["meets_target"] is True
    assert "target 35.0%" in _report(tmp_path, "html", "2004-04-01", "2005-03-31")
