from __future__ import annotations

import csv
import io
import json

import pytest
from django.core.management import call_command

from dtto.reports.measures import COMPLIANCE_MEASURES
from dtto.reports.tests.factories import breach, case, ended, load


def _report(*args: str) -> str:
    out = io.StringIO()
    call_command("report", *args, stdout=out)
    return out.getvalue()


def _data() -> None:
    load(
        *[case(events=[ended("2004-02-02", "completed")]) for _ in range(6)],
        *[case(events=[breach("2003-05-01"), ended("2003-06-01", "other")]) for _ in range(9)],
    )


@pytest.mark.django_db
def test_json_contract_names_and_fractions(capsys):
    _data()
    data = json.loads(_report("--format", "json", "--no-suppress"))
    assert data["commencements"]["total"] == 15
    t = data["terminations"]
    assert t["total"] == 15
    assert t["by_reason"]["completed"] == 6
    assert t["successful"] == 6
    assert t["expired_in_breach"] == 0
    assert t["successful_rate"] == 0.4
    b = data["breaches"]
    assert b["instigated"] == 9
    assert b["per_100_commencements"] == 60.0
    assert b["revoked_share"] is None  # none decided
    for measure in COMPLIANCE_MEASURES:
        assert set(data["compliance"][measure]) >= {"numerator", "denominator", "rate"}


@pytest.mark.django_db
def test_published_reports_suppress_counts_under_five():
    load(*[case(events=[ended("2004-02-02", "completed")]) for _ in range(3)])
    data = json.loads(_report("--area", "dorset", "--format", "json"))
    assert data["commencements"]["total"] is None
    assert data["terminations"]["successful_rate"] is None  # 3 of 3 would give the count away
    assert data["terminations"]["successful_completion"]["suppressed"] is True


@pytest.mark.django_db
def test_csv_has_one_row_a_figure():
    _data()
    rows = dict(csv.reader(io.StringIO(_report("--format", "csv", "--no-suppress"))))
    assert rows["terminations.successful_rate"] == "0.4"
    assert rows["compliance.reviews.denominator"] != ""


@pytest.mark.django_db
def test_unknown_area_is_a_clear_error():
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="no area with code"):
        _report("--area", "atlantis")
