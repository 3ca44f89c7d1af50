"""Middleware for injected faults (latency, 429, 5xx) and the request log behind /_sim/stats."""

from __future__ import annotations

import asyncio
import re
import time
from collections.abc import Awaitable, Callable

from fastapi import APIRouter, Request, Response
from starlette.routing import compile_path

from hirebridge.sims.justworks.clock import iso
from hirebridge.sims.justworks.errors import fail, render
from hirebridge.sims.justworks.state import State, sim

LOG_LIMIT = 5000
Next = Callable[[Request], Awaitable[Response]]


RouteTable = list[tuple[set[str], re.Pattern[str], str]]


def route_table(mounted: list[tuple[str, APIRouter]]) -> RouteTable:
    """(methods, regex, template) of every route, so that even requests a fault cut short get a template."""
    table: RouteTable = []
    for prefix, router in mounted:
        for route in router.routes:
            template = prefix + getattr(route, "path", "")
            table.append((set(getattr(route, "methods", ())), compile_path(template)[0], template))
    return table


def route_template(request: Request) -> str:
    for methods, regex, template in request.app.state.route_table:
        if request.method in methods and regex.match(request.url.path):
            return template
    return "(unmatched)"


def _fault(state: State) -> Response | None:
    faults = state.faults
    if faults.rate_429 and state.rng.random() < faults.rate_429:
        exc = fail(429, "rate_limited", "too many requests; retry later")
        exc.headers["Retry-After"] = str(faults.retry_after_seconds)
        return render(exc)
    if faults.rate_5xx and state.rng.random() < faults.rate_5xx:
        status = state.rng.choice((500, 502, 503))
        return render(fail(status, "internal_error", "injected server error"))
    return None


async def traffic(request: Request, call_next: Next) -> Response:
    if request.url.path.startswith("/_sim/"):
        return await call_next(request)
    state = sim(request)
    started = time.monotonic()
    if state.faults.latency_ms:
        await asyncio.sleep(state.faults.latency_ms / 1000)
    injected = _fault(state)
    response = injected or await call_next(request)
    route = route_template(request)
    state.stats[f"{request.method} {route}"] += 1
    state.requests.append(
        {
            "at": iso(state.clock.now()),
            "method": request.method,
            "path": request.url.path,
            "route": route,
            "query": str(request.url.query),
            "status": response.status_code,
            "injected_fault": injected is not None,
            "duration_ms": round((time.monotonic() - started) * 1000, 1),
        }
    )
    del state.requests[:-LOG_LIMIT]
    return response
