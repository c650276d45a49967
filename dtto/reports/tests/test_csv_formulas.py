"""The report's measure-by-measure CSV: a name that looks like a formula opens as text.

dtto/lib/spreadsheet.py is the rule (a leading apostrophe); figures, negative ones too,
stay numbers.
"""

from __future__ import annotations

from dtto.reports.exports import to_csv


def test_a_name_that_looks_like_a_formula_is_neutralised_and_figures_are_not() -> None:
    data = {
        "scope": {"name": '=HYPERLINK("http://evil.example","Leicestershire")'},
        "change": -3,
        "rate": -0.25,
        "note": "-1 as text",
        "@area": 1,
    }

    written = to_csv(data)  # type: ignore[arg-type]

    assert written.splitlines() == [
        "measure,value",
        'scope.name,"\'=HYPERLINK(""http://evil.example"",""Leicestershire"")"',
        "change,-3",
        "rate,-0.25",
        "note,'-1 as text",
        "'@area,1",
    ]
