"""Prometheus metrics of the web side, and GET /metrics."""

from __future__ import annotations

from prometheus_client import CONTENT_TYPE_LATEST, Counter, generate_latest
from starlette.requests import Request
from starlette.responses import Response

WEBHOOKS = Counter(
    "hirebridge_webhooks_total", "Webhooks received, by source and outcome.", ["source", "outcome"]
)


async def metrics(request: Request) -> Response:
    return Response(generate_latest(), media_type=CONTENT_TYPE_LATEST)
