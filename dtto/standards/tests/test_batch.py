"""Evaluating whole files: streamed through a temporary file, the same whatever the reading."""

from __future__ import annotations

import io
import json
from datetime import date
from pathlib import Path

import pytest

from dtto.standards import batch

EXAMPLE = Path(__file__).parent / "example-1.json"
AS_OF = date(2004, 3, 31)


def _cases(count: int) -> list[dict]:
    text = EXAMPLE.read_text()
    return [dict(json.loads(text)["cases"][0], reference=f"C-{i}") for i in range(count)]


def _write(path: Path, lines: list[str]) -> None:
    path.write_text('{"format": "dtto-case/1", "cases": [\n' + ",\n".join(lines) + "\n]}\n")


def _evaluate(path: Path, workers: int) -> str:
    out = io.StringIO()
    batch.evaluate_files([str(path)], AS_OF, out, workers=workers)
    return out.getvalue()


def test_a_late_line_with_two_cases_gives_the_serial_answer_not_the_chunks_already_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The last line holds two cases, so the file is not one case a line: the worker reading
    # that chunk says so after earlier chunks' evaluations were written, and those must be
    # dropped before the file is read whole (else the first cases would appear twice).
    monkeypatch.setattr(batch, "PARALLEL_MIN_BYTES", 0)
    cases = _cases(40)
    lines = [json.dumps(c) for c in cases[:38]] + [
        json.dumps(cases[38]) + ", " + json.dumps(cases[39])
    ]
    path = tmp_path / "mixed.json"
    _write(path, lines)
    parallel = _evaluate(path, workers=2)
    assert parallel == _evaluate(path, workers=1)
    references = [c["reference"] for c in json.loads(parallel)["cases"]]
    assert references == [f"C-{i}" for i in range(40)]


def test_a_refused_case_writes_nothing_even_after_many_evaluations(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(batch, "PARALLEL_MIN_BYTES", 0)
    cases = _cases(40)
    cases[39]["order"]["length_months"] = 5  # an Order is 6 months to 3 years
    path = tmp_path / "late-refusal.json"
    _write(path, [json.dumps(c) for c in cases])
    for workers in (1, 2):
        out = io.StringIO()
        with pytest.raises(batch.FileError, match=r"cases\[39\]\.order\.length_months"):
            batch.evaluate_files([str(path)], AS_OF, out, workers=workers)
        assert out.getvalue() == ""


def test_no_cases_gives_an_empty_list_and_one_case_no_separator(tmp_path: Path) -> None:
    path = tmp_path / "none.json"
    path.write_text('{"format": "dtto-case/1", "cases": []}\n')
    assert _evaluate(path, workers=1) == (
        '{"format": "dtto-evaluation/1", "as_of": "2004-03-31", "cases": [\n]}\n'
    )
    _write(path, [json.dumps(_cases(1)[0])])
    text = _evaluate(path, workers=1)
    assert text.count("\n") == 3  # header line, the one case, the footer
    assert text.endswith("}\n]}\n")
