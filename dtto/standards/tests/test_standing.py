"""The case page's enforcement standing and bench continuity, worked out by hand."""

from __future__ import annotations

from dtto.standards import evaluate
from dtto.standards.standing import bench_changes, standing
from dtto.standards.tests.factories import appt, breach, d, timeline, warning


def fail(on: str):
    return appt(d(on), outcome="unacceptable_absence")


def test_failures_in_the_twelve_months_ending_today_are_counted():
    # A two-year Order. Failures on 4 Feb 2003 and 1 Mar 2004: on 10 Mar 2004 the window runs
    # from 10 Mar 2003, so only the second counts, and the warning of 6 Feb 2003 has dropped out.
    t = timeline(
        length_months=24,
        appointments=[fail("2003-02-04"), fail("2004-03-01")],
        warnings=[warning(d("2003-02-06"))],
    )
    as_of = d("2004-03-10")
    found = standing(t, evaluate(t, as_of), as_of)
    assert (found.failures_in_window, found.warnings_in_window) == (1, 0)
    assert found.window_months == 12


def test_breach_action_restarts_the_count_and_is_open_until_decided():
    t = timeline(
        appointments=[fail("2003-02-04"), fail("2003-02-11"), fail("2003-03-04")],
        warnings=[warning(d("2003-02-06"))],
        breaches=[breach(d("2003-02-13"), "pending", None)],
    )
    as_of = d("2003-03-10")
    found = standing(t, evaluate(t, as_of), as_of)
    # Only 4 March is after the breach of 13 February; the warning of 6 February is in the window.
    assert (found.failures_in_window, found.warnings_in_window) == (1, 1)
    assert found.in_breach and found.breaches_open == (d("2003-02-13"),)


def test_a_decided_breach_is_not_open():
    t = timeline(breaches=[breach(d("2003-02-13"), "continued", d("2003-02-20"))])
    as_of = d("2003-03-10")
    assert not standing(t, evaluate(t, as_of), as_of).in_breach


def test_a_change_of_bench_between_hearings_is_named():
    changes = bench_changes(
        [
            (d("2003-03-03"), ["DJ Patel", "Ms Rowe"]),
            (d("2003-04-07"), ["dj  patel", "Ms Rowe"]),  # the same bench, typed differently
            (d("2003-05-05"), []),  # nobody named: says nothing
            (d("2003-06-02"), ["DJ Patel", "Mr Khan"]),
        ]
    )
    assert [(c.on, c.previous_on, c.left, c.joined) for c in changes] == [
        (d("2003-06-02"), d("2003-04-07"), ("Ms Rowe",), ("Mr Khan",))
    ]
