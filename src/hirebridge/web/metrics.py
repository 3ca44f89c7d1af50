"""Prometheus metrics of the web side, and GET /metrics."""

from __future__ import annotations

from prometheus_client import CONTENT_TYPE_LATEST, Counter, Gauge, generate_latest
from starlette.requests import Request
from starlette.responses import Response

WEBHOOKS = Counter(
    "hirebridge_webhooks_total", "Webhooks received, by source and outcome.", ["source", "outcome"]
)
INVITES = Gauge(
    "hirebridge_justworks_hires_awaited",
    "New hires awaited in Justworks, by connection and state (held, awaiting_review, reviewed), and "
    "those of them whose invite is overdue or whose member is to be confirmed (overdue, flagged).",
    ["connection", "state"],
)
STATES = ("held", "awaiting_review", "reviewed", "overdue", "flagged")


async def _justworks_gauges(request: Request) -> None:
    from hirebridge.store import packets

    config = request.app.state.config
    if not config.justworks:
        return
    overdue = {name: c.invite_overdue_hours for name, c in config.justworks.items()}
    rows = await packets.invites(request.app.state.pool, overdue)
    for name in config.justworks:
        mine = [r for r in rows if r["justworks_connection"] == name]
        counts = {state: sum(r["status"] == state for r in mine) for state in STATES[:3]}
        counts["overdue"] = sum(r["overdue"] for r in mine)
        counts["flagged"] = sum(bool(r["match_flag"]) for r in mine)
        for state, value in counts.items():
            INVITES.labels(name, state).set(value)


async def metrics(request: Request) -> Response:
    await _justworks_gauges(request)
    return Response(generate_latest(), media_type=CONTENT_TYPE_LATEST)
