"""Charts as inline SVG drawn on the server (pure): no script, no chart library, readable without
colour (each chart has a title and a table of its numbers beside it)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from markupsafe import Markup, escape

WIDTH, HEIGHT, PAD = 480, 160, 32


def _scale(values: Sequence[float]) -> float:
    top = max(values, default=0.0)
    return top if top > 0 else 1.0


def line_chart(points: Sequence[tuple[datetime, float]], *, title: str, unit: str = "") -> Markup:
    """A line over time: x is the bucket's time, y from 0 to the highest value."""
    label = f"{title}: no data yet" if not points else f"{title}, highest {max(v for _, v in points):g}{unit}"
    if len(points) < 2:
        return _frame(label, "")
    top, span = _scale([v for _, v in points]), (points[-1][0] - points[0][0]).total_seconds() or 1.0
    coords = " ".join(
        f"{PAD + (at - points[0][0]).total_seconds() / span * (WIDTH - 2 * PAD):.1f},"
        f"{HEIGHT - PAD - v / top * (HEIGHT - 2 * PAD):.1f}"
        for at, v in points
    )
    body = f'<polyline class="series" points="{coords}"/>' + _ticks(points[0][0], points[-1][0], top, unit)
    return _frame(label, body)


def bar_chart(points: Sequence[tuple[datetime, float]], *, title: str, unit: str = "") -> Markup:
    """Bars per bucket (counts: reconciles per interval)."""
    label = f"{title}: no data yet" if not points else f"{title}, highest {max(v for _, v in points):g}{unit}"
    if not points:
        return _frame(label, "")
    top, width = _scale([v for _, v in points]), (WIDTH - 2 * PAD) / len(points)
    bars = "".join(
        f'<rect x="{PAD + i * width + 1:.1f}" y="{HEIGHT - PAD - v / top * (HEIGHT - 2 * PAD):.1f}" '
        f'width="{max(width - 2, 1):.1f}" height="{v / top * (HEIGHT - 2 * PAD):.1f}"/>'
        for i, (_, v) in enumerate(points)
    )
    return _frame(label, f'<g class="bars">{bars}</g>' + _ticks(points[0][0], points[-1][0], top, unit))


def _ticks(first: datetime, last: datetime, top: float, unit: str) -> str:
    return (
        f'<text x="{PAD}" y="{HEIGHT - 8}">{first:%H:%M}</text>'
        f'<text x="{WIDTH - PAD}" y="{HEIGHT - 8}" text-anchor="end">{last:%H:%M}</text>'
        f'<text x="{PAD - 4}" y="{PAD + 4}" text-anchor="end">{top:g}{escape(unit)}</text>'
        f'<text x="{PAD - 4}" y="{HEIGHT - PAD}" text-anchor="end">0</text>'
    )


def _frame(label: str, body: str) -> Markup:
    axes = (
        f'<line class="axis" x1="{PAD}" y1="{HEIGHT - PAD}" x2="{WIDTH - PAD}" y2="{HEIGHT - PAD}"/>'
        f'<line class="axis" x1="{PAD}" y1="{PAD}" x2="{PAD}" y2="{HEIGHT - PAD}"/>'
    )
    return Markup(
        f'<svg class="chart" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" aria-label="{escape(label)}">'
        f"<title>{escape(label)}</title>{axes}{body}</svg>"
    )
