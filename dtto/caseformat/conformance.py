"""A quick yes or no: does one case meet the format's JSON Schema?

Importing a file of thousands of Orders checks hundreds of thousands of events against the
schema (``dtto-case-1.schema.json``). ``fastjsonschema`` compiles the schema to Python, but
compiled whole it pays for an exception at every branch it tries: each of an event's ten
``if`` branches (one a type) and both sides of every "a value or null" ``oneOf``, about
forty microseconds an event (docs/performance.md). Here the same schema is compiled in
pieces that raise only on a real fault:

- an event is checked against the sub-schema of its own ``type``, looked up in a dict, which
  is what the event schema's ``allOf`` of ``if``/``then`` branches says;
- "a value or null" (``oneOf`` of a schema and ``{"type": "null"}``) becomes the same schema
  with ``null`` added to its ``type`` or ``enum``, where that accepts exactly the same values.

It answers only yes or no, and accepts exactly the cases the schema accepts (a test checks it
against ``jsonschema`` over every field of every event type); the importer names the faults
of a case it refuses with ``jsonschema``, from the schema as written.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from functools import cache
from typing import Any

import fastjsonschema

from .format import schema

# The keywords that constrain only a value of their own JSON type (a string's pattern, an
# object's properties): adding null to a schema's ``type`` leaves them as they were.
_TYPED_KEYWORDS = frozenset(
    {
        "type",
        "pattern",
        "minLength",
        "maxLength",
        "required",
        "additionalProperties",
        "properties",
        "items",
        "uniqueItems",
        "description",
    }
)
_NULL = {"type": "null"}


def case_conforms(case: object) -> bool:
    """Whether the case meets the schema's ``case`` definition, events and all."""
    check_case, check_event = _compiled()
    try:
        check_case(case)
        # The case's own check has found ``events``, if given, to be a list.
        for event in case.get("events", ()):  # type: ignore[attr-defined]
            kind = event.get("type") if isinstance(event, dict) else None
            check = check_event.get(kind) if isinstance(kind, str) else None
            if check is None:
                return False
            check(event)
    except fastjsonschema.JsonSchemaException:
        return False
    return True


@cache
def _compiled() -> tuple[Callable[[Any], Any], dict[str, Callable[[Any], Any]]]:
    defs = schema()["$defs"]
    event = defs["event"]
    kinds: list[str] = event["properties"]["type"]["enum"]
    # The event schema as _event_branches reads it: each type's sub-schema under an if/then.
    branches = _event_branches(event)
    if sorted(branches) != sorted(kinds):
        raise AssertionError("the event schema's branches are not one a type")
    case = _simplified(defs["case"], defs)
    case["properties"]["events"] = {"type": "array"}
    return (
        fastjsonschema.compile(case),
        {kind: fastjsonschema.compile(_simplified(branches[kind], defs)) for kind in kinds},
    )


def _event_branches(event: Mapping[str, Any]) -> dict[str, Any]:
    """The event schema's ``then`` for each type, refusing any shape this module cannot read
    the same way as the schema (a change to the schema then fails loudly, not quietly)."""
    if set(event) - {"type", "required", "properties", "allOf", "description"}:
        raise AssertionError(f"unexpected keywords in the event schema: {sorted(event)}")
    branches: dict[str, Any] = {}
    for branch in event["allOf"]:
        kind = branch["if"]["properties"]["type"]["const"]
        if set(branch) != {"if", "then"} or branch["if"] != {
            "properties": {"type": {"const": kind}}
        }:
            raise AssertionError(f"unexpected event branch: {branch}")
        then = branch["then"]
        if set(then) != {"$ref"}:
            raise AssertionError(f"unexpected event branch: {branch}")
        branches[kind] = then
    return branches


def _simplified(node: Any, defs: Mapping[str, Any]) -> Any:
    """``node`` with every ``$ref`` written out and every "a value or null" ``oneOf`` as one
    schema that accepts null too (a copy: the schema itself is left alone)."""
    if isinstance(node, list):
        return [_simplified(item, defs) for item in node]
    if not isinstance(node, dict):
        return node
    if "$ref" in node:
        if set(node) != {"$ref"}:
            raise AssertionError(f"a $ref beside other keywords: {node}")
        return _simplified(defs[node["$ref"].removeprefix("#/$defs/")], defs)
    if set(node) == {"oneOf"} and len(node["oneOf"]) == 2 and node["oneOf"][1] == _NULL:
        value = _simplified(node["oneOf"][0], defs)
        kind = value.get("type")
        if set(value) <= _TYPED_KEYWORDS and isinstance(kind, str) and kind != "null":
            return {**value, "type": [kind, "null"]}
        if "enum" in value and set(value) <= {"enum", "description"} and None not in value["enum"]:
            return {**value, "enum": [*value["enum"], None]}
        return {"oneOf": [value, _NULL]}
    return {
        key: (
            # A property's name is data, not a keyword: never read it as one.
            {name: _simplified(sub, defs) for name, sub in value.items()}
            if key == "properties"
            else _simplified(value, defs)
        )
        for key, value in node.items()
    }
