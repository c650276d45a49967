"""Reading case files: the header check, whole documents, streaming, and the byte-range split."""

from __future__ import annotations

import io
import itertools
import json
from pathlib import Path
from typing import Any

import pytest

from dtto.caseformat import (
    CaseFileError,
    check_header,
    iter_cases,
    line_ranges,
    load_document,
    read_cases,
    read_line_range,
    write_document,
)


def cases(count: int) -> list[dict[str, Any]]:
    return [
        {"reference": f"R-{i:03d}", "events": [{"type": "warning", "on": "2003-02-04"}]}
        for i in range(count)
    ]


def canonical(path: Path, written: list[dict[str, Any]]) -> Path:
    out = io.StringIO()
    write_document(written, out, exported_at="2004-03-31")
    path.write_text(out.getvalue(), encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("document", "message"),
    [
        ([], "(document): not a JSON object: list"),
        (
            {"format": "dtto-case/2", "cases": []},
            "format: not 'dtto-case/1' or 'dtto-case/1.1': 'dtto-case/2'",
        ),
        ({"cases": []}, "format: not 'dtto-case/1' or 'dtto-case/1.1': None"),
        ({"format": "dtto-case/1"}, "cases: missing"),
        ({"format": "dtto-case/1", "cases": {}}, "cases: not a list"),
    ],
)
def test_the_header_check_names_the_field_at_fault(document: Any, message: str) -> None:
    with pytest.raises(CaseFileError) as raised:
        check_header(document)
    assert str(raised.value) == message


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b'{"format": "dtto-case/1",\n "cases": [', "(document): not valid JSON at line 2 column"),
        (b'{"format": "dtto-case/1", "cases": []} \xff', "(document): not UTF-8 text"),
        (b"[1, 2]", "(document): not a JSON object: list"),
    ],
)
def test_a_file_that_is_not_a_json_object_is_refused_with_the_place(
    tmp_path: Path, content: bytes, message: str
) -> None:
    path = tmp_path / "bad.json"
    path.write_bytes(content)
    with pytest.raises(CaseFileError) as raised:
        load_document(path)
    assert str(raised.value).startswith(message)


def test_a_missing_file_is_an_os_error_for_the_caller_to_word(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError):
        load_document(tmp_path / "nope.json")


def test_streaming_the_canonical_layout_gives_every_case_in_order(tmp_path: Path) -> None:
    written = cases(5)
    path = canonical(tmp_path / "cases.json", written)
    assert list(iter_cases(path)) == written
    assert read_cases(path) == written


def test_streaming_an_empty_canonical_document_gives_nothing(tmp_path: Path) -> None:
    path = canonical(tmp_path / "empty.json", [])
    assert list(iter_cases(path)) == []


def test_other_json_layouts_stream_the_same_cases(tmp_path: Path) -> None:
    written = cases(3)
    document = {"format": "dtto-case/1", "cases": written}
    pretty = tmp_path / "pretty.json"
    pretty.write_text(json.dumps(document, indent=2))
    one_line = tmp_path / "one-line.json"
    one_line.write_text(json.dumps(document))
    # A canonical header line whose cases then spread over several lines each.
    spread = tmp_path / "spread.json"
    spread.write_text(
        '{"format":"dtto-case/1","cases":[\n'
        + json.dumps(written[0])
        + ",\n"
        + json.dumps(written[1], indent=1)
        + ",\n"
        + json.dumps(written[2])
        + "\n]}\n"
    )
    assert list(iter_cases(pretty)) == written
    assert list(iter_cases(one_line)) == written
    assert list(iter_cases(spread)) == written


def test_streaming_a_broken_file_names_the_place(tmp_path: Path) -> None:
    path = tmp_path / "broken.json"
    path.write_text('{"format":"dtto-case/1","cases":[\n{"reference": "R-1"},\n{"reference"\n]}\n')
    # The third case line lacks its ':'; the parser finds that out at the footer, line 4.
    with pytest.raises(CaseFileError, match=r"^\(document\): not valid JSON at line 4 column 1"):
        list(iter_cases(path))


def test_byte_ranges_hold_whole_case_lines_and_together_every_case(tmp_path: Path) -> None:
    written = cases(50)
    path = canonical(tmp_path / "cases.json", written)
    ranges = line_ranges(path, 4)
    assert ranges is not None
    assert len(ranges) >= 4
    assert [last for _, _, last in ranges] == [False] * (len(ranges) - 1) + [True]
    # Adjacent: each range starts where the one before ended, so no line is read twice.
    assert all(a[1] == b[0] for a, b in itertools.pairwise(ranges))
    read: list[Any] = []
    for start, end, last in ranges:
        chunk = read_line_range(path, start, end, last)
        assert chunk is not None
        read += chunk
    assert read == written


def test_files_in_other_layouts_are_not_split(tmp_path: Path) -> None:
    document = {"format": "dtto-case/1", "cases": cases(3)}
    pretty = tmp_path / "pretty.json"
    pretty.write_text(json.dumps(document, indent=2))
    other_format = tmp_path / "other.json"
    other_format.write_text('{"format":"dtto-case/2","cases":[\n{"reference":"R-1"}\n]}\n')
    assert line_ranges(pretty, 4) is None
    assert line_ranges(other_format, 4) is None


def test_a_range_whose_lines_are_not_one_case_each_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "spread.json"
    path.write_text('{"format":"dtto-case/1","cases":[\n{"reference":\n"R-1"}\n]}\n')
    ranges = line_ranges(path, 1)
    assert ranges is not None
    ((start, end, last),) = ranges
    assert read_line_range(path, start, end, last) is None
