"""docs/events.md describes every event type in the catalogue, and every payload field."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from dtto.events.catalogue import CATALOGUE, EventType

DOC = Path(__file__).parents[3] / "docs" / "events.md"


def sections() -> dict[str, str]:
    text = DOC.read_text()
    parts = re.split(r"^### `([^`]+)`$", text, flags=re.MULTILINE)
    return dict(zip(parts[1::2], parts[2::2], strict=True))


@pytest.mark.parametrize("event", CATALOGUE, ids=lambda e: e.code)
def test_each_event_type_has_a_section_naming_its_payload_fields(event: EventType) -> None:
    section = sections()[event.code]
    fields = set(re.findall(r"^\| `([a-z_]+)` \|", section, flags=re.MULTILINE))
    assert fields == event.field_names


def test_the_doc_describes_no_type_the_catalogue_does_not_have() -> None:
    assert set(sections()) == {event.code for event in CATALOGUE}
