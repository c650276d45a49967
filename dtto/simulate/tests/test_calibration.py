from __future__ import annotations

import io
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from dtto.cases.models import Case
from dtto.simulate import calibration
from dtto.simulate.national import simulate_document
from dtto.simulate.parameters import load_parameters

# Small enough for CI (the records go through the real importer), large enough for the
# tolerances, which are set for sampling noise at the default 10,000 Orders: this seed passes.
CI_ORDERS = 3000
REPORT_FUNCTIONS = {
    "commencements",
    "referral_funnel",
    "terminations",
    "breaches",
    "reach",
    "compliance",
    "costs",
    "reconviction",
    "offending",
}


@pytest.mark.django_db
def test_seeded_run_measured_by_the_report_functions_reproduces_every_published_figure() -> None:
    params = load_parameters()
    document, sim = simulate_document(params, orders=CI_ORDERS, seed=1)
    calibration.load(document, sim)
    figures = calibration.calibration(document, params, sim.end)
    assert len(figures) >= 30
    by = {f.measured_by for f in figures}
    assert by == REPORT_FUNCTIONS | {calibration.SIMULATE}
    # Only the figures no report function measures are measured over the records.
    assert sum(f.measured_by == calibration.SIMULATE for f in figures) == 8
    failed = [f for f in figures if not f.passed]
    assert not failed, "\n" + calibration.format_table(figures)


@pytest.mark.django_db
def test_calibration_command_measures_in_a_throwaway_database_and_fails_on_any_figure() -> None:
    out = io.StringIO()
    # 30 Orders leave Dorset with none: its figure cannot be measured, so the run must fail.
    with pytest.raises(CommandError, match="calibration failed"):
        call_command("simulate", "--calibration", "--orders", "30", "--seed", "2", stdout=out)
    table = out.getvalue()
    assert "measured by" in table and "reconviction" in table and "FAIL" in table
    assert not Case.objects.exists()  # nothing was imported into this database


def test_calibration_refuses_to_load_into_any_database_but_its_throwaway_file(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("DTTO_SIMULATE_CALIBRATION_DATABASE", str(tmp_path / "other.sqlite3"))
    with pytest.raises(CommandError, match="refusing"):
        call_command("simulate", "--calibration", "--orders", "10")


def test_the_table_says_which_function_measured_each_figure_and_why_definitions_differ() -> None:
    figures = [
        calibration.Figure("A", "2.2", "1", 0.0, 1.0, 0.5, "%", "terminations", "a note"),
        calibration.Figure("B", "2.2", "1", 0.0, 1.0, 2.0, "%"),
    ]
    table = calibration.format_table(figures)
    assert "terminations [1]" in table and "simulate.measure" in table
    assert "[1] a note" in table
    assert "FAIL" in table
