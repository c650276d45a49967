from __future__ import annotations

import math

import pytest

from dtto.reports import statistics as st


@pytest.mark.parametrize(
    ("k", "n", "low", "high"),
    [
        # Published values (Newcombe 1998, Table I; Brown, Cai and DasGupta 2001).
        (81, 263, 0.2553, 0.3662),
        (15, 148, 0.0624, 0.1605),
        (0, 20, 0.0, 0.1611),
        (1, 29, 0.0061, 0.1718),
        (28, 100, 0.2014, 0.3749),
    ],
)
def test_wilson_interval_matches_published_values(k, n, low, high):
    got_low, got_high = st.wilson(k, n)
    assert got_low == pytest.approx(low, abs=5e-5)
    assert got_high == pytest.approx(high, abs=5e-5)


def test_wilson_is_exact_at_the_ends_and_undefined_without_trials():
    assert st.wilson(10, 10)[1] == 1.0
    assert st.wilson(0, 10)[0] == 0.0
    assert st.wilson(0, 0) == (None, None)


def test_rate_is_a_fraction_and_null_when_the_denominator_is_zero():
    assert st.rate(7, 20)["rate"] == 0.35
    assert st.rate(0, 0)["rate"] is None


def test_funnel_limits_narrow_as_areas_grow():
    small, large = st.funnel_limits(0.3, [10, 1000])
    assert small["lower_95"] < large["lower_95"] < 0.3 < large["upper_95"] < small["upper_95"]
    assert large["upper_95"] == pytest.approx(0.3 + 1.959964 * math.sqrt(0.21 / 1000))
    assert large["upper_99.8"] == pytest.approx(0.3 + 3.090232 * math.sqrt(0.21 / 1000))


def test_funnel_position_flags_areas_beyond_the_limits():
    # Dorset's 71% and Kent's 8% against 28% nationally (3.10 of the source), on 100 each.
    assert st.funnel_position(71, 100, 0.28) == "above_99.8"
    assert st.funnel_position(8, 100, 0.28) == "below_99.8"
    assert st.funnel_position(30, 100, 0.28) == "within"


def test_relative_rate_with_log_interval():
    rr = st.relative_rate(20, 100, 10, 100)
    assert rr["ratio"] == pytest.approx(2.0)
    se = math.sqrt(1 / 20 - 1 / 100 + 1 / 10 - 1 / 100)
    assert rr["ci_low"] == pytest.approx(2 * math.exp(-1.959964 * se), rel=1e-5)
    assert st.relative_rate(0, 10, 5, 10)["ratio"] is None


def test_kaplan_meier_censors_without_counting_an_event():
    # Days 10 (ended), 20 (ended), 20 (running), 30 (running): S = 3/4 then 3/4 * 1/2.
    km = st.kaplan_meier([10, 20, 20, 30], [True, True, False, False], [1, 1, 1, 1], [15, 25, 40])
    assert km["events"] == 2
    assert km["survival_at"]["15"] == pytest.approx(0.75)
    assert km["survival_at"]["25"] == pytest.approx(0.5)
    assert km["survival_at"]["40"] is None  # beyond the longest follow-up
    assert km["median_days"] == 20


def test_quantiles_from_counted_values():
    assert st.quantiles_from_counts([(5, 1), (10, 2), (40, 1)], (0.25, 0.5, 0.75)) == [5, 10, 10]
