"""The format's name and its JSON Schema."""

from __future__ import annotations

import json
from functools import cache
from importlib import resources
from typing import Any

FORMAT = "dtto-case/1"


@cache
def schema() -> dict[str, Any]:
    """The JSON Schema of the format (``dtto-case-1.schema.json`` beside this module)."""
    text = resources.files("dtto.caseformat").joinpath("dtto-case-1.schema.json").read_text("utf-8")
    loaded: dict[str, Any] = json.loads(text)
    return loaded
