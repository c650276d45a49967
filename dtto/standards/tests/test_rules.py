from __future__ import annotations

import pytest

from dtto.standards import RULE_SETS, rule_set_for
from dtto.standards.tests.factories import d


@pytest.mark.parametrize(
    ("intensity", "made_on", "expected"),
    [
        ("higher", "2001-06-01", "higher-2001"),
        ("higher", "2004-06-01", "higher-2001"),
        ("lower", "2003-12-01", "lower-2003-12"),
        ("lower", "2005-01-01", "lower-2003-12"),
        ("lower", "2003-06-01", "lower-2003-12"),  # before the supplement: its first rule set
    ],
)
def test_rule_set_is_chosen_by_intensity_and_date(intensity, made_on, expected):
    assert rule_set_for(intensity, d(made_on)).id == expected


def test_unknown_intensity_is_refused():
    with pytest.raises(ValueError, match="intensity"):
        rule_set_for("medium", d("2004-01-01"))


def test_rule_set_ids_are_unique_and_parameters_are_data():
    assert len({r.id for r in RULE_SETS}) == len(RULE_SETS)
    lower = rule_set_for("lower", d("2004-06-01"))
    assert (lower.contact_phase1.hours, lower.contact_phase1.days) == (12.0, 2)
    assert (lower.tests_phase1, lower.tests_phase2) == (2, 1)


@pytest.mark.parametrize(
    ("intensity", "months", "expected"),
    [
        ("higher", 12, [1, 2, 3, 4, 7, 10]),
        ("higher", 24, [1, 2, 3, 4, 7, 10, 13, 16, 19, 22]),
        ("lower", 12, [1, 4, 7, 10]),
        ("lower", 6, [1, 4]),
    ],
)
def test_review_offsets_follow_the_standard(intensity, months, expected):
    assert rule_set_for(intensity, d("2004-06-01")).review_offsets(months) == expected
