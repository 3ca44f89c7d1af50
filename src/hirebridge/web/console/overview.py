"""The overview: each connection's health, sync lag and throughput over the last hours as charts,
subjects behind, parked effects, packets waiting, and the Lever budget in use."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from hirebridge.web.console.access import ConsoleRoute
from hirebridge.web.console.charts import bar_chart, line_chart
from hirebridge.web.console.context import facade
from hirebridge.web.console.render import render

TITLES = {
    "reconciled": "Reconciles (Lever read) per interval",
    "covered": "Hints covered without a read per interval",
    "p50_seconds": "Sync lag, median",
    "max_seconds": "Sync lag, longest",
}


async def overview(request: Request) -> Response:
    seen = await facade(request).overview()
    charts = [
        (TITLES.get(name, name), bar_chart([(p.at, p.value) for p in points], title=TITLES.get(name, name)))
        for name, points in seen.throughput.items()
    ] + [
        (
            TITLES.get(name, name),
            line_chart([(p.at, p.value) for p in points], title=TITLES.get(name, name), unit=" s"),
        )
        for name, points in seen.lag.items()
    ]
    return render(request, "overview.html", title="Overview", overview=seen, charts=charts)


ROUTES = [ConsoleRoute("/console", overview, role="viewer")]
