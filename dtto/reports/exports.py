"""Report documents in the formats ``dtto report`` writes: JSON, CSV, HTML and PDF.

Each takes a published result (``statistics.publish``), never a measure's own.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from typing import Any

from dtto.lib.spreadsheet import neutralise
from dtto.reports.results import PublishedProvider, PublishedReport, PublishedSummary
from dtto.reports.sections import Section

FORMATS = ("json", "csv", "html", "pdf")
# Long lists that belong in JSON and on charts, not in a flat table.
CSV_SKIP = frozenset({"curve", "order_ids", "funnel_limits"})


def to_json(data: PublishedReport | PublishedSummary | PublishedProvider) -> str:
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


def to_csv(data: PublishedReport | PublishedSummary | PublishedProvider) -> str:
    """One row a figure: the measure's path (``terminations.successful_rate``) and its value."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["measure", "value"])
    for path, value in _flatten(data, ""):
        # A name in the report (an area's, a court's) may be typed to look like a formula;
        # figures are written as they are (a negative change must stay a number).
        shown = neutralise(value) if isinstance(value, str) else value
        writer.writerow([neutralise(path), "" if value is None else shown])
    return out.getvalue()


# --- One tidy table a section, for the pages' downloads --------------------------------------

BOM = "\ufeff"  # so a spreadsheet opens the file as UTF-8 ("Ynys Môn", "£")
# Columns every section's table starts with: which unit and period a row is about.
SCOPE_COLUMNS = ["scope", "scope_code", "scope_name", "period_from", "period_to", "as_of"]


def _cell(value: object) -> str:
    """A yes/no for a boolean; anything else as a spreadsheet will show it and not run it
    (``dtto.lib.spreadsheet``: a name typed as a formula in the reference data opens as text)."""
    if isinstance(value, bool):
        return "yes" if value else "no"
    return neutralise(value)


def section_csv(data: PublishedReport, section: Section) -> str:
    """One section as a tidy table: one row per unit (area, group, reason ...) and period,
    the scope and period in the first columns, raw numbers (an empty cell is a figure
    withheld or with nothing to divide by; ``withheld`` says which for rates). Columns are
    documented in docs/reports.md, "Downloads"."""
    scope, period = data["scope"], data["period"]
    prefix = [
        scope.get("kind"),
        scope.get("code"),
        scope.get("label"),
        period.get("from"),
        period.get("to"),
        data["as_of"],
    ]
    if section.records:
        columns = list(section.records[0])
        rows = [[record.get(c) for c in columns] for record in section.records]
    else:
        columns = [_column_name(c) for c in section.columns]
        rows = [list(row) for row in section.rows]
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(SCOPE_COLUMNS + columns)
    for row in rows:
        writer.writerow([_cell(c) for c in prefix + row])
    return BOM + out.getvalue()


def _column_name(heading: str) -> str:
    return "_".join(heading.lower().replace("%", "pct").split()) or "item"
