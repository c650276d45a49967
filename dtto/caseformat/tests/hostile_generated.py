"""The hostile case files too large to keep in the repository, built at test time.

Each is written into a directory the test gives and comes with its expected outcome, as the
stored files in ``hostile/`` do in ``hostile/expected.json``: refused, naming a field. They
start from the corpus's valid base case (``hostile/01-valid-base-case.json``).
"""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from dtto.caseformat.format import FORMAT, MAX_CASE_BYTES, MAX_DOCUMENT_BYTES

HOSTILE = Path(__file__).parent / "hostile"
BASE_FILE = HOSTILE / "01-valid-base-case.json"
DEPTH = 100_000
_HEAD = b'{"format":"' + FORMAT.encode() + b'","cases":['


@dataclass(frozen=True)
class Generated:
    name: str
    write: Callable[[Path], None]
    field: str
    # Import reads every file whole; evaluate reads the canonical layout a line at a time,
    # so a file can be refused by each for a different reason, naming a different place.
    evaluate_field: str | None = None


def base_case() -> dict[str, Any]:
    case: dict[str, Any] = json.loads(BASE_FILE.read_text())["cases"][0]
    return case


def _canonical(path: Path, cases: list[bytes]) -> None:
    """The canonical layout: a header line, one case a line, the footer."""
    body = b",\n".join(cases)
    path.write_bytes(b'{"format":"' + FORMAT.encode() + b'","cases":[\n' + body + b"\n]}\n")


def _deep_in_case(path: Path) -> None:
    # 100,000 nested lists where a name belongs, in an otherwise whole document.
    case = json.dumps(base_case()).encode()
    nested = b"[" * DEPTH + b"]" * DEPTH
    path.write_bytes(_HEAD + case.replace(b'"Jane Example"', nested, 1) + b"]}")


def _deep_line(path: Path) -> None:
    # The same nesting as one line of the canonical layout, which evaluate reads line by line.
    _canonical(path, [b"[" * DEPTH + b"]" * DEPTH])


def _deep_object(path: Path) -> None:
    path.write_bytes(_HEAD + b'],"x":' + b'{"a":' * DEPTH + b"1" + b"}" * DEPTH + b"}")


def _oversized(path: Path) -> None:
    # Sparse: one byte more than dtto reads whole, without writing a gigabyte to the disk.
    with path.open("wb") as f:
        f.truncate(MAX_DOCUMENT_BYTES + 1)


def _long_line(path: Path) -> None:
    case = base_case()
    case["events"][5]["reason"] = "x" * (MAX_CASE_BYTES + 1)
    _canonical(path, [json.dumps(case).encode()])


def _megabyte_name(path: Path) -> None:
    case = base_case()
    case["person"]["name"] = "Jane Example " * 80_000  # about a megabyte, starting with a name
    path.write_text(json.dumps({"format": FORMAT, "cases": [case]}))


def _huge_number(path: Path) -> None:
    case = json.dumps(base_case()).encode()
    path.write_bytes(
        _HEAD
        + case.replace(b'"length_months": 12', b'"length_months": ' + b"7" * 100_000, 1)
        + b"]}"
    )


def _many_references(path: Path) -> None:
    # Two thousand cases, the last repeating the first's reference.
    cases = []
    for index in range(2_000):
        case = copy.deepcopy(base_case())
        case["reference"] = f"BULK-{index}"
        cases.append(case)
    cases[-1]["reference"] = "BULK-0"
    _canonical(path, [json.dumps(c).encode() for c in cases])


GENERATED = [
    Generated("nested-100000-deep-in-a-case", _deep_in_case, "(document)"),
    Generated("nested-100000-deep-as-a-case-line", _deep_line, "(document)"),
    Generated("objects-nested-100000-deep", _deep_object, "(document)"),
    Generated("one-byte-over-the-file-limit", _oversized, "(document)"),
    Generated("case-line-over-the-line-limit", _long_line, "cases[0].events[5].reason", "cases"),
    Generated("megabyte-name", _megabyte_name, "cases[0].person.name"),
    Generated("hundred-thousand-digit-length", _huge_number, "(document)"),
    Generated(
        "two-thousand-cases-last-reference-repeated", _many_references, "cases[1999].reference"
    ),
]
