"""docs/case-format.md stays true to the schema: every field it defines is described."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from dtto.caseformat import schema

DOC = Path(__file__).resolve().parents[3] / "docs" / "case-format.md"


def property_names(node: Any) -> set[str]:
    names: set[str] = set()
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "properties" and isinstance(value, dict):
                names.update(value)
            names |= property_names(value)
    elif isinstance(node, list):
        for item in node:
            names |= property_names(item)
    return names


def test_every_schema_field_is_described_in_the_docs() -> None:
    text = DOC.read_text(encoding="utf-8")
    missing = sorted(name for name in property_names(schema()) if f"`{name}`" not in text)
    assert missing == []


def test_every_event_type_has_a_section_in_the_docs() -> None:
    text = DOC.read_text(encoding="utf-8")
    event_types = schema()["$defs"]["event"]["properties"]["type"]["enum"]
    assert [t for t in event_types if f"### `{t}`" not in text] == []
