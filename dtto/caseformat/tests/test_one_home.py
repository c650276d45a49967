"""The format's tag and its same-day event order are written down only in dtto/caseformat.

Anything else that needs them imports them, so they cannot drift apart again (issue 9: four
copies of the format, with two different same-day orders). Tests and docs may spell them
out, to check them against the one home.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

from dtto.caseformat import READ_FORMATS, SAME_DAY_ORDER, schema

ROOT = Path(__file__).resolve().parents[3]
HOME = ROOT / "dtto" / "caseformat"
EVENT_TYPES = frozenset(schema()["$defs"]["event"]["properties"]["type"]["enum"])


def python_files() -> Iterator[Path]:
    for top in ("dtto", "benchmarks"):
        for path in sorted((ROOT / top).rglob("*.py")):
            parts = path.relative_to(ROOT).parts
            if path.is_relative_to(HOME) or "tests" in parts or "migrations" in parts:
                continue
            yield path


def docstrings(tree: ast.AST) -> set[int]:
    """The ids of the string nodes that are docstrings (they describe, and may name the tag)."""
    found = set()
    for node in ast.walk(tree):
        body = getattr(node, "body", None)
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef):
            first = body[0] if body else None
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant):
                found.add(id(first.value))
    return found


def strings_naming_the_tag(tree: ast.AST) -> list[int]:
    skip = docstrings(tree)
    return [
        node.lineno
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant)
        and isinstance(node.value, str)
        and any(tag in node.value for tag in READ_FORMATS)
        and id(node) not in skip
    ]


def event_type_names(nodes: list[ast.expr | None]) -> list[str]:
    return [
        n.value
        for n in nodes
        if isinstance(n, ast.Constant) and isinstance(n.value, str) and n.value in EVENT_TYPES
    ]


def order_tables(tree: ast.AST) -> list[int]:
    """Dicts ranking event types by number, and lists or tuples made only of event types."""
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Dict):
            ranked = len(event_type_names(node.keys)) >= 3 and all(
                isinstance(v, ast.Constant) and isinstance(v.value, int) for v in node.values
            )
            if ranked:
                found.append(node.lineno)
        elif (
            isinstance(node, ast.List | ast.Tuple)
            and len(node.elts) >= 3
            and len(event_type_names(list(node.elts))) == len(node.elts)
        ):
            found.append(node.lineno)
    return found


def test_only_dtto_caseformat_spells_out_the_format_tag() -> None:
    offenders = []
    for path in python_files():
        tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
        offenders += [f"{path.relative_to(ROOT)}:{line}" for line in strings_naming_the_tag(tree)]
    assert offenders == []


def test_only_dtto_caseformat_has_a_same_day_order_table() -> None:
    offenders = []
    for path in python_files():
        tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
        offenders += [f"{path.relative_to(ROOT)}:{line}" for line in order_tables(tree)]
    assert offenders == []


def test_the_scan_finds_the_kinds_of_copy_it_looks_for() -> None:
    # The two copies issue 9 found, as they were written, so the scan is known to catch them.
    copies = ast.parse(
        'CASE_FORMAT = "dtto-case/1"\n'
        'EVENT_RANK = {"appointment": 0, "test": 1, "warning": 2, "breach": 3}\n'
        'ORDER = ("contact_level", "suspension", "appointment")\n'
        'f.write(\'{"format": "dtto-case/1", "cases": [\\n\')\n'
    )
    assert strings_naming_the_tag(copies) == [1, 4]
    assert order_tables(copies) == [2, 3]
    assert order_tables(ast.parse(repr(SAME_DAY_ORDER))) == [1]
