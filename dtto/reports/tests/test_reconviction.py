from __future__ import annotations

import pytest

from dtto.reports.measures import reconviction
from dtto.reports.queries import Period, Scope
from dtto.reports.tests.factories import case, ended, load


def convicted(on: str) -> dict:
    return {"type": "conviction", "on": on}


@pytest.mark.django_db
def test_only_people_followed_up_for_the_whole_window_count():
    # Today is 30 June 2006.
    load(
        # A completer reconvicted after 16 months.
        case(events=[ended("2004-02-02", "completed"), convicted("2004-06-01")]),
        # Reconvicted within 3 months.
        case(events=[convicted("2003-05-01")]),
        case(),  # never reconvicted
        # Made January 2005: followed up 1 year, not 2.
        case(referred="2005-01-03", made="2005-01-03", events=[convicted("2005-06-01")]),
        # Made January 2006: followed up for neither window.
        case(referred="2006-01-02", made="2006-01-02", events=[convicted("2006-03-01")]),
    )
    windows = reconviction(Scope.national(), Period())["windows"]
    one, two = windows["1_year"], windows["2_years"]
    assert (one["all_starters"]["numerator"], one["all_starters"]["denominator"]) == (2, 4)
    assert (two["all_starters"]["numerator"], two["all_starters"]["denominator"]) == (2, 3)
    assert (one["completers"]["numerator"], one["completers"]["denominator"]) == (0, 1)
    assert two["completers"]["rate"] == 1.0
