from __future__ import annotations

from dtto.simulate.measure import calibration, format_table
from dtto.simulate.national import simulate_document
from dtto.simulate.parameters import load_parameters


def test_seeded_run_reproduces_every_published_figure_within_tolerance() -> None:
    params = load_parameters()
    document, sim = simulate_document(params, orders=10_000, seed=1)
    figures = calibration(document, params, sim.end)
    assert len(figures) >= 25
    failed = [f for f in figures if not f.passed]
    assert not failed, "\n" + format_table(figures)
