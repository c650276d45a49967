from __future__ import annotations

from pathlib import Path

import pytest

from dtto.simulate.scenarios import SCENARIOS_DIR, compare, load_scenario


def test_every_shipped_scenario_loads() -> None:
    files = sorted(SCENARIOS_DIR.glob("*.toml"))
    assert len(files) >= 4
    for path in files:
        assert load_scenario(path).name


def test_a_scenario_with_an_unknown_parameter_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "bad.toml"
    path.write_text('name = "bad"\n[parameters.enforcement]\nbreach_always = 1.0\n')
    with pytest.raises(ValueError, match="breach_always"):
        load_scenario(path)


def test_doubled_targets_double_commencements_and_treatment_places() -> None:
    scenario = load_scenario(SCENARIOS_DIR / "targets-doubled.toml")
    rows = {r.measure: r for r in compare(scenario, orders=300, seed=3, repeats=2)}
    assert rows["commencements"].scenario == 2 * rows["commencements"].baseline
    places = rows["treatment places needed"]
    assert 1.6 < places.scenario / places.baseline < 2.4


def test_stricter_enforcement_means_more_breach_hearings() -> None:
    scenario = load_scenario(SCENARIOS_DIR / "stricter-enforcement.toml")
    rows = {r.measure: r for r in compare(scenario, orders=400, seed=3, repeats=3)}
    hearings = rows["breach hearings"]
    assert hearings.low > 0  # the whole 95% interval is an increase
    assert rows["commencements"].difference == 0
