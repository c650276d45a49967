"""The shipped code lists speak the Standard's vocabulary (``dtto.standards.timeline``):
every code's meaning is a word the engine knows, and every word has a code."""

from __future__ import annotations

import pytest

from dtto.cases.codelists import CODE_LISTS
from dtto.standards.timeline import APPOINTMENT_OUTCOMES, BREACH_OUTCOMES, TERMINATION_REASONS


@pytest.mark.parametrize(
    ("code_list", "vocabulary"),
    [
        ("attendance_outcome", APPOINTMENT_OUTCOMES),
        ("breach_outcome", BREACH_OUTCOMES),
        ("termination_reason", TERMINATION_REASONS),
    ],
)
def test_each_code_means_a_word_of_the_standard_and_each_word_has_a_code(code_list, vocabulary):
    meanings = {c.meaning for c in CODE_LISTS[code_list]}
    assert meanings == set(vocabulary)
