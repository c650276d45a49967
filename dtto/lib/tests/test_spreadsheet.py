"""CSV cells that would start a formula are written as text."""

from __future__ import annotations

import pytest

from dtto.lib.spreadsheet import neutralise, neutralise_row


@pytest.mark.parametrize(
    ("cell", "written"),
    [
        ('=HYPERLINK("http://x")', '\'=HYPERLINK("http://x")'),
        ("+44 1234", "'+44 1234"),
        ("-1+2", "'-1+2"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=1", "'\t=1"),
        ("\r=1", "'\r=1"),
    ],
)
def test_a_cell_that_would_start_a_formula_gets_a_leading_apostrophe(cell, written):
    assert neutralise(cell) == written


@pytest.mark.parametrize("cell", ["LEI-0001", "15/11/2026", "Sam = test", "", "Heroin"])
def test_an_ordinary_cell_is_written_as_it_is(cell):
    assert neutralise(cell) == cell


def test_none_and_numbers_become_text_and_a_row_is_neutralised_cell_by_cell():
    assert neutralise_row([None, 2, "=2"]) == ["", "2", "'=2"]


def test_a_number_is_written_as_itself_even_when_negative():
    # A spreadsheet reads -1 as the number minus one, not as a formula; text "-1" is quoted.
    assert neutralise_row([-1, 0.25, 0, "-1"]) == ["-1", "0.25", "0", "'-1"]
