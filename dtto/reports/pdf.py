"""The report as a PDF (reportlab): the same sections as the HTML, as tables.

Charts are drawn in the HTML only; every figure a chart shows is in its table here.
A court's summary for sentencers fits one page.
"""

from __future__ import annotations

import io
from typing import Any

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from dtto.reports.sections import Section, report_sections, sentencer_sections


def _table(section: Section, style: Any) -> Table:
    cell = style["BodyText"].clone("cell", fontSize=7.5, leading=9)
    head = style["BodyText"].clone("head", fontSize=7.5, leading=9, fontName="Helvetica-Bold")
    rows = [[Paragraph(c, head) for c in section.columns]]
    rows += [[Paragraph(str(c), cell) for c in row] for row in section.rows]
    table = Table(rows, repeatRows=1, hAlign="LEFT")
    table.setStyle(
        TableStyle(
            [
                ("LINEBELOW", (0, 0), (-1, -1), 0.25, colors.HexColor("#b1b4b6")),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ]
        )
    )
    return table


def to_pdf(data: dict[str, Any], title: str) -> bytes:
    style = getSampleStyleSheet()
    sections = sentencer_sections(data) if "court" in data else report_sections(data)
    out = io.BytesIO()
    doc = SimpleDocTemplate(
        out, pagesize=A4, leftMargin=15 * mm, rightMargin=15 * mm, title=title, author="dtto"
    )
    period = data.get("period") or {}
    story: list[Any] = [
        Paragraph(title, style["Title"]),
        Paragraph(
            f"Period: {period.get('from') or 'the start'} to {period.get('to') or 'today'}. "
            "Counts under 5 are not published.",
            style["BodyText"],
        ),
    ]
    for section in sections:
        story += [Spacer(1, 4 * mm), Paragraph(section.heading, style["Heading2"])]
        if section.rows:
            story.append(_table(section, style))
        story += [Paragraph(note, style["BodyText"]) for note in section.notes]
    doc.build(story)
    return out.getvalue()
