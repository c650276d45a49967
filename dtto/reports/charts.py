"""Charts as SVG drawn on the server: no script, no network, readable without colour.

Each chart is shown beside a table of the same numbers (sections.py), so the chart is a
picture of the table, never the only place a figure appears. Text is escaped; sizes are in
user units so the SVG scales with the page.
"""

from __future__ import annotations

import textwrap
from collections.abc import Mapping, Sequence
from html import escape

WIDTH = 640
# Characters of a bar's label that fit a line of its 210-unit column at 13px, and the lines
# a label may take; a longer label ends in an ellipsis here and is whole in the table beside.
LABEL_CHARS = 30
LABEL_LINES = 3
LINE_HEIGHT = 15


def wrap_label(label: str, chars: int = LABEL_CHARS, lines: int = LABEL_LINES) -> list[str]:
    """A label in lines that fit, never cut mid-word; the last line ends "..." if it had to
    be shortened."""
    return textwrap.wrap(label, chars, max_lines=lines, placeholder="\N{HORIZONTAL ELLIPSIS}") or [
        ""
    ]


def _label_text(x: float, y: float, lines: list[str], anchor: str = "end") -> str:
    spans = "".join(
        f'<tspan x="{x}" dy="{0 if i == 0 else LINE_HEIGHT}">{escape(line)}</tspan>'
        for i, line in enumerate(lines)
    )
    return f'<text x="{x}" y="{y}" text-anchor="{anchor}">{spans}</text>'


COLOURS = ("#1d70b8", "#d4351c", "#00703c", "#f47738", "#4c2c92", "#505a5f")
DASHES = ("", "6 3", "2 2", "8 2 2 2", "1 3", "4 4")


def _svg(height: int, title: str, body: list[str]) -> str:
    label = escape(title)
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {height}" '
        f'width="100%" role="img" aria-label="{label}" class="dtto-chart">'
        f"<title>{label}</title>"
        f"<style>text{{font:13px sans-serif;fill:#0b0c0c}}"
        f".dtto-chart-point{{font-size:10px}}</style>{''.join(body)}</svg>"
    )


def bar_chart(
    bars: Sequence[tuple[str, float | None]],
    title: str,
    *,
    percent: bool = True,
    reference: float | None = None,
    reference_label: str = "",
    intervals: Sequence[tuple[float | None, float | None]] | None = None,
    missing: Sequence[str] | None = None,
) -> str:
    """Horizontal bars, one a row; None draws no bar and says why, from ``missing`` (one text
    a bar: withheld, or nothing to divide by), "no figure" when not given."""
    left, right, row = 210, 70, 24
    wrapped = [wrap_label(label) for label, _ in bars]
    # Each bar's row is tall enough for its label's lines.
    heights = [max(row, LINE_HEIGHT * len(lines) + 9) for lines in wrapped]
    tops = [10 + sum(heights[:i]) for i in range(len(bars))]
    height = sum(heights) + 30
    values = [v for _, v in bars if v is not None]
    top = 1.0 if percent else max([*values, reference or 0, 1e-9]) * 1.1
    scale = (WIDTH - left - right) / top
    body = []
    for i, (_, value) in enumerate(bars):
        y = tops[i] + (heights[i] - row) / 2  # the bar sits level with its label's middle
        body.append(_label_text(left - 6, tops[i] + 15, wrapped[i]))
        if value is None:
            why = escape(missing[i] if missing is not None else "no figure")
            body.append(f'<text x="{left + 4}" y="{y + 15}" fill="#505a5f">{why}</text>')
            continue
        body.append(
            f'<rect x="{left}" y="{y + 3}" width="{value * scale:.1f}" height="{row - 8}" '
            f'fill="{COLOURS[0]}"/>'
        )
        if intervals is not None and intervals[i][0] is not None and intervals[i][1] is not None:
            lo, hi = intervals[i]
            assert lo is not None and hi is not None
            cy = y + row / 2 - 1
            body.append(
                f'<line x1="{left + lo * scale:.1f}" x2="{left + hi * scale:.1f}" y1="{cy}" '
                f'y2="{cy}" stroke="#0b0c0c" stroke-width="2"/>'
            )
        text = f"{value:.0%}" if percent else f"{value:,.0f}"
        x = left + value * scale + 4
        if intervals is not None and intervals[i][1] is not None:
            x = left + (intervals[i][1] or 0) * scale + 4
        body.append(f'<text x="{x:.1f}" y="{y + 15}">{text}</text>')
    if reference is not None:
        x = left + reference * scale
        body.append(
            f'<line x1="{x:.1f}" x2="{x:.1f}" y1="5" y2="{height - 18}" stroke="#d4351c" '
            f'stroke-dasharray="6 3" stroke-width="2"/>'
            f'<text x="{x:.1f}" y="{height - 4}" text-anchor="middle">'
            f"{escape(reference_label)}</text>"
        )
    return _svg(height, title, body)


def line_chart(
    series: Mapping[str, Sequence[tuple[float, float | None]]],
    title: str,
    *,
    x_label: str,
    y_max: float = 1.0,
    step: bool = False,
) -> str:
    """Lines (or the steps of a survival curve) on a 0..y_max axis, one dash style a series."""
    left, bottom, top, right = 50, 40, 10, 150
    height = 300
    xs = [x for points in series.values() for x, y in points if y is not None]
    x_max = max([*xs, 1.0])
    sx = (WIDTH - left - right) / x_max
    sy = (height - top - bottom) / y_max
    body = [
        f'<line x1="{left}" y1="{height - bottom}" x2="{WIDTH - right}" y2="{height - bottom}" '
        f'stroke="#0b0c0c"/>',
        f'<line x1="{left}" y1="{top}" x2="{left}" y2="{height - bottom}" stroke="#0b0c0c"/>',
        f'<text x="{(WIDTH - right + left) / 2}" y="{height - 5}" text-anchor="middle">'
        f"{escape(x_label)}</text>",
    ]
    for tick in (0, 0.25, 0.5, 0.75, 1.0):
        y = height - bottom - tick * y_max * sy
        body.append(
            f'<text x="{left - 5}" y="{y + 4:.1f}" text-anchor="end">{tick * y_max:.0%}</text>'
        )
    for tick in range(0, int(x_max) + 1, max(1, int(x_max) // 6 or 1)):
        body.append(
            f'<text x="{left + tick * sx:.1f}" y="{height - bottom + 16}" '
            f'text-anchor="middle">{tick}</text>'
        )
    for i, (name, points) in enumerate(series.items()):
        coords: list[str] = []
        previous: float | None = None
        for x, value in points:
            if value is None:
                continue
            px, py = left + x * sx, height - bottom - value * sy
            if step and previous is not None:
                coords.append(f"{px:.1f},{previous:.1f}")
            coords.append(f"{px:.1f},{py:.1f}")
            previous = py
        colour, dash = COLOURS[i % len(COLOURS)], DASHES[i % len(DASHES)]
        body.append(
            f'<polyline fill="none" stroke="{colour}" stroke-width="2" '
            f'stroke-dasharray="{dash}" points="{" ".join(coords)}"/>'
        )
        ly = top + 16 * i + 10
        body.append(
            f'<line x1="{WIDTH - right + 8}" x2="{WIDTH - right + 30}" y1="{ly}" y2="{ly}" '
            f'stroke="{colour}" stroke-width="2" stroke-dasharray="{dash}"/>'
            f'<text x="{WIDTH - right + 34}" y="{ly + 4}">{escape(name)}</text>'
        )
    return _svg(height, title, body)


def funnel_plot(
    points: Sequence[tuple[str, int, float]],
    limits: Sequence[dict[str, float]],
    overall: float,
    title: str,
) -> str:
    """Each area's rate against its number of terminations, inside 95% and 99.8% limits."""
    left, bottom, top, right = 50, 40, 10, 20
    height = 340
    n_max = max([n for _, n, _ in points] + [int(r["n"]) for r in limits] + [1])
    sx = (WIDTH - left - right) / n_max
    sy = height - top - bottom

    def xy(n: float, rate: float) -> str:
        return f"{left + n * sx:.1f},{height - bottom - rate * sy:.1f}"

    body = [
        f'<line x1="{left}" y1="{height - bottom}" x2="{WIDTH - right}" y2="{height - bottom}" '
        f'stroke="#0b0c0c"/>',
        f'<line x1="{left}" y1="{top}" x2="{left}" y2="{height - bottom}" stroke="#0b0c0c"/>',
        f'<text x="{(WIDTH + left) / 2}" y="{height - 5}" text-anchor="middle">terminations</text>',
        f'<polyline fill="none" stroke="#505a5f" points="{xy(0, overall)} {xy(n_max, overall)}"/>',
    ]
    for tick in (0, 0.25, 0.5, 0.75, 1.0):
        y = height - bottom - tick * sy
        body.append(f'<text x="{left - 5}" y="{y + 4:.1f}" text-anchor="end">{tick:.0%}</text>')
    for key, dash in (("95", "6 3"), ("99.8", "2 2")):
        for side in ("lower", "upper"):
            line = " ".join(xy(r["n"], r[f"{side}_{key}"]) for r in limits)
            body.append(
                f'<polyline fill="none" stroke="#d4351c" stroke-dasharray="{dash}" '
                f'points="{line}"/>'
            )
    for label, n, rate in points:
        cx, cy = xy(n, rate).split(",")
        # Each point is named beside it (to its left near the right edge, so it stays inside).
        right_half = float(cx) > WIDTH * 0.7
        tx = float(cx) + (-7 if right_half else 7)
        body.append(
            f'<circle cx="{cx}" cy="{cy}" r="4" fill="{COLOURS[0]}"><title>'
            f"{escape(label)}: {rate:.0%} of {n}</title></circle>"
            f'<text x="{tx:.1f}" y="{float(cy) + 4:.1f}" class="dtto-chart-point" '
            f'text-anchor="{"end" if right_half else "start"}">{escape(label)}</text>'
        )
    return _svg(height, title, body)
