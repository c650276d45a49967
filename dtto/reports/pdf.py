"""The report as a PDF (reportlab): the same sections as the HTML, each chart above its table.

Bar and line charts are drawn with reportlab's own charts from the numbers the HTML's SVG
charts draw (``Section.figure``); a missing figure (withheld, or nothing to divide by) is
drawn as an empty bar or a gap in the line, and its table says which. The funnel plot of areas is
given as its table only. A court's summary for sentencers fits one page.
"""

from __future__ import annotations

import datetime as dt
import io
from typing import Any
from xml.sax.saxutils import escape

from reportlab.graphics.charts.barcharts import HorizontalBarChart
from reportlab.graphics.charts.lineplots import LinePlot
from reportlab.graphics.shapes import Drawing, Line, String
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from dtto.reports.charts import COLOURS, wrap_label
from dtto.reports.results import PublishedProvider, PublishedReport, PublishedSummary
from dtto.reports.sections import DISCLOSURE_NOTE, Figure, Section, document_sections

WIDTH = 175 * mm
DASHES: tuple[tuple[int, ...] | None, ...] = (None, (6, 3), (2, 2), (8, 2, 2, 2), (1, 3), (4, 4))


def _bars(figure: Figure) -> Drawing | None:
    if not any(v is not None for _, v in figure.bars):
        return None
    scale = 100 if figure.percent else 1
    # reportlab draws the first category at the bottom: reverse to read top-down as the table.
    bars = list(reversed(figure.bars))
    height = 20 * len(bars) + 24
    chart = HorizontalBarChart()
    chart.x, chart.y, chart.width, chart.height = 62 * mm, 16, WIDTH - 66 * mm, height - 22
    chart.data = [[0 if v is None else v * scale for _, v in bars]]
    # Two short lines a label; the table below has it whole.
    chart.categoryAxis.categoryNames = ["\n".join(wrap_label(label, 38, 2)) for label, _ in bars]
    chart.categoryAxis.labels.fontSize = 7
    chart.categoryAxis.labels.boxAnchor = "e"
    chart.valueAxis.labels.fontSize = 7
    chart.valueAxis.valueMin = 0
    if figure.percent:
        chart.valueAxis.valueMax = 100
        chart.valueAxis.labelTextFormat = "%d%%"
    chart.bars[0].fillColor = colors.HexColor(COLOURS[0])
    chart.bars[0].strokeColor = None
    drawing = Drawing(WIDTH, height)
    drawing.add(chart)
    return drawing


def _lines(figure: Figure) -> Drawing | None:
    series = [
        (name, [(float(x), y * 100) for x, y in points if y is not None])
        for name, points in figure.series.items()
    ]
    series = [(name, points) for name, points in series if points]
    if not series:
        return None
    height = 62 * mm
    plot = LinePlot()
    plot.x, plot.y, plot.width, plot.height = 12 * mm, 12 * mm, WIDTH - 50 * mm, height - 16 * mm
    plot.data = [points for _, points in series]
    plot.yValueAxis.valueMin, plot.yValueAxis.valueMax = 0, 100
    plot.yValueAxis.labelTextFormat = "%d%%"
    plot.xValueAxis.valueMin = 0
    for axis in (plot.xValueAxis, plot.yValueAxis):
        axis.labels.fontSize = 7
    drawing = Drawing(WIDTH, height)
    drawing.add(plot)
    for i, (name, _) in enumerate(series):
        colour = colors.HexColor(COLOURS[i % len(COLOURS)])
        plot.lines[i].strokeColor = colour
        plot.lines[i].strokeWidth = 1.5
        plot.lines[i].strokeDashArray = DASHES[i % len(DASHES)]
        y = height - 10 * mm - 10 * i
        legend_x = plot.x + plot.width + 4 * mm
        drawing.add(
            Line(
                legend_x,
                y + 2,
                legend_x + 8 * mm,
                y + 2,
                strokeColor=colour,
                strokeWidth=1.5,
                strokeDashArray=DASHES[i % len(DASHES)],
            )
        )
        drawing.add(String(legend_x + 10 * mm, y, name[:24], fontSize=7))
    drawing.add(String(plot.x + plot.width / 2, 2, figure.x_label, fontSize=7, textAnchor="middle"))
    return drawing


def chart_drawing(figure: Figure | None) -> Drawing | None:
    """A section's chart as a reportlab drawing; None when there is nothing to draw."""
    if figure is None:
        return None
    return _bars(figure) if figure.kind == "bar" else _lines(figure)


def _table(section: Section, style: Any) -> Table:
    cell = style["BodyText"].clone("cell", fontSize=7.5, leading=9)
    head = style["BodyText"].clone("head", fontSize=7.5, leading=9, fontName="Helvetica-Bold")
    # Paragraph reads its text as markup: a name with "<" or "&" (reference data an
    # administrator typed) must print as itself, not break the PDF.
    rows = [[Paragraph(escape(c), head) for c in section.columns]]
    rows += [[Paragraph(escape(str(c)), cell) for c in row] for row in section.rows]
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


def _day(iso: str | None, otherwise: str) -> str:
    return otherwise if not iso else f"{dt.date.fromisoformat(iso):%-d %B %Y}"


def to_pdf(
    data: PublishedReport | PublishedSummary | PublishedProvider,
    title: str,
    *,
    sections: list[Section] | None = None,
) -> bytes:
    """The report (or the ``sections`` given, e.g. one page's) as a PDF."""
    style = getSampleStyleSheet()
    if sections is None:
        assert "provider" not in data, "a provider's document is printed from its sections"
        sections = document_sections(data)
    out = io.BytesIO()
    doc = SimpleDocTemplate(
        out, pagesize=A4, leftMargin=15 * mm, rightMargin=15 * mm, title=title, author="dtto"
    )
    period = data["period"]
    story: list[Any] = [
        Paragraph(escape(title), style["Title"]),
        Paragraph(
            escape(
                f"Period: {_day(period.get('from'), 'the start')} to "
                f"{_day(period.get('to'), 'today')}. {DISCLOSURE_NOTE}"
            ),
            style["BodyText"],
        ),
    ]
    for section in sections:
        story += [Spacer(1, 4 * mm), Paragraph(escape(section.heading), style["Heading2"])]
        drawing = chart_drawing(section.figure)
        if drawing is not None:
            story.append(drawing)
        if section.rows:
            story.append(_table(section, style))
        story += [Paragraph(escape(note), style["BodyText"]) for note in section.notes]
    doc.build(story)
    return out.getvalue()
