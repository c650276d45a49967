"""The canonical text of a case file: a header line, one case a line, ``]}`` last."""

from __future__ import annotations

import io
import json
from typing import Any

from dtto.caseformat import dump_document, write_document


def test_each_case_is_compact_json_on_its_own_line_between_header_and_footer() -> None:
    out = io.StringIO()
    cases: list[dict[str, Any]] = [
        {"reference": "A-1", "order": None},
        {"reference": "Zoë-2", "events": []},
    ]
    count = write_document(iter(cases), out, exported_at="2004-03-31")
    assert count == 2
    # Written out by hand from docs/case-format.md: no spaces, UTF-8 kept as it is, every case
    # line but the last ending in a comma, exported_at between format and cases.
    assert out.getvalue() == (
        '{"format":"dtto-case/1.1","exported_at":"2004-03-31","cases":[\n'
        '{"reference":"A-1","order":null},\n'
        '{"reference":"Zoë-2","events":[]}\n'
        "]}\n"
    )


def test_an_empty_document_is_the_header_and_the_footer() -> None:
    out = io.StringIO()
    assert write_document([], out) == 0
    assert out.getvalue() == '{"format":"dtto-case/1.1","cases":[\n]}\n'
    assert json.loads(out.getvalue()) == {"format": "dtto-case/1.1", "cases": []}


def test_a_case_keeps_its_own_key_order() -> None:
    text = dump_document({"cases": [{"type": "b", "a": 1.5, "c": [True, None]}]})
    assert text.splitlines()[1] == '{"type":"b","a":1.5,"c":[true,null]}'


def test_the_text_is_the_json_of_the_document() -> None:
    document = {
        "format": "dtto-case/1.1",
        "exported_at": "2004-03-31",
        "cases": [{"reference": f"R-{i}", "events": [{"on": "2003-02-04"}]} for i in range(3)],
    }
    assert json.loads(dump_document(document)) == document
