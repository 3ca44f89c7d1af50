from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

from hirebridge.web.console.charts import HEIGHT, PAD, WIDTH, bar_chart, line_chart

T0 = datetime(2026, 1, 1, 9, 0, tzinfo=UTC)


def test_a_line_spans_the_plot_from_first_to_last_bucket_and_zero_to_the_top() -> None:
    svg = line_chart(
        [(T0, 0.0), (T0 + timedelta(hours=1), 5.0), (T0 + timedelta(hours=2), 10.0)], title="Lag"
    )
    points = re.search(r'points="([^"]+)"', svg)
    assert points
    xy = [tuple(map(float, p.split(","))) for p in points.group(1).split()]
    assert xy == [(PAD, HEIGHT - PAD), (WIDTH / 2, HEIGHT / 2), (WIDTH - PAD, PAD)]
    assert (
        'role="img"' in svg and "<title>Lag, highest 10</title>" in svg and "09:00" in svg and "11:00" in svg
    )


def test_bars_scale_to_the_highest_and_an_empty_chart_says_so() -> None:
    svg = bar_chart([(T0, 2.0), (T0 + timedelta(minutes=5), 4.0)], title="Reconciles")
    heights = [float(h) for h in re.findall(r'height="([\d.]+)"', svg)]
    assert heights == [(HEIGHT - 2 * PAD) / 2, HEIGHT - 2 * PAD]
    empty = bar_chart([], title="Reconciles")
    assert "no data yet" in empty and "<rect" not in empty


def test_titles_are_escaped() -> None:
    assert "<b>" not in line_chart([], title="<b>x</b>")
