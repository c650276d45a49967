from __future__ import annotations

import pytest

from dtto.accounts.areas import PROBATION_AREAS
from dtto.simulate.parameters import PARAMETERS_FILE, load_parameters


def test_the_parameter_file_is_versioned_and_covers_every_area() -> None:
    params = load_parameters()
    assert params.version
    assert [a.code for a in params.areas] == [code for code, _, _ in PROBATION_AREAS]


def test_every_parameter_line_is_documented() -> None:
    # Each section opens with a comment naming its source (paragraph or figure).
    lines = PARAMETERS_FILE.read_text(encoding="utf-8").splitlines()
    for i, line in enumerate(lines):
        if line.startswith("[") and line != "[areas]":
            assert lines[i + 1].startswith("#"), f"[{line}] has no source comment"


def test_an_override_changes_only_its_key() -> None:
    base = load_parameters()
    changed = load_parameters({"enforcement": {"breach_on_second": 1.0}})
    assert changed.enforcement.breach_on_second == 1.0
    assert changed.enforcement.breach_on_first == base.enforcement.breach_on_first
    assert changed.engagement == base.engagement


def test_a_misspelt_override_is_an_error() -> None:
    with pytest.raises(ValueError, match=r"enforcement\.breach_on_secnd"):
        load_parameters({"enforcement": {"breach_on_secnd": 1.0}})
