"""Report documents in the formats ``dtto report`` writes: JSON, CSV, HTML and PDF.

Each takes a published result (``statistics.publish``), never a measure's own.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from typing import Any

from dtto.reports.results import PublishedReport, PublishedSummary

FORMATS = ("json", "csv", "html", "pdf")
# Long lists that belong in JSON and on charts, not in a flat table.
CSV_SKIP = frozenset({"curve", "order_ids", "funnel_limits"})


def to_json(data: PublishedReport | PublishedSummary) -> str:
    return json.dumps(data, indent=2, default=str) + "\n"


def _flatten(data: Any, path: str) -> Iterator[tuple[str, Any]]:
    if isinstance(data, dict):
        for key, value in data.items():
            if key in CSV_SKIP:
                continue
            yield from _flatten(value, f"{path}.{key}" if path else str(key))
    elif isinstance(data, list):
        for i, value in enumerate(data):
            label = _row_label(value, i)
            yield from _flatten(value, f"{path}[{label}]")
    else:
        yield path, data


def _row_label(value: Any, index: int) -> str:
    """Rows of a list are named by what they are about, so the CSV reads without the JSON."""
    if isinstance(value, dict):
        for key in ("area", "month", "financial_year"):
            if key in value:
                parts = [str(value[key])]
                if "intensity" in value:
                    parts.append(str(value["intensity"]))
                if key == "area" and "financial_year" in value:
                    parts.append(str(value["financial_year"]))
                return "/".join(parts)
    return str(index)


def to_csv(data: PublishedReport | PublishedSummary) -> str:
    """One row a figure: the measure's path (``terminations.successful_rate``) and its value."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["measure", "value"])
    for path, value in _flatten(data, ""):
        writer.writerow([path, "" if value is None else value])
    return out.getvalue()
