"""In front of `/v1`: injected latency, API-key or OAuth auth (with scopes), per-key rate limit,
injected errors, request log."""

from __future__ import annotations

import asyncio
import base64
import binascii
from collections.abc import Awaitable, Callable

from fastapi import Request, Response

from hirebridge.sims.lever import confidential
from hirebridge.sims.lever.errors import error_response
from hirebridge.sims.lever.oauth import CONFIDENTIAL_SCOPE, holds, required_scope
from hirebridge.sims.lever.sim import Sim, sim_of

Next = Callable[[Request], Awaitable[Response]]
RATE_LIMITED = "Rate limit exceeded; retry with exponential backoff"


def api_key(request: Request) -> str | None:
    header = request.headers.get("authorization", "")
    scheme, _, credentials = header.partition(" ")
    if scheme.lower() == "bearer":
        return credentials.strip() or None
    if scheme.lower() != "basic":
        return None
    try:
        decoded = base64.b64decode(credentials, validate=True).decode()
    except (binascii.Error, UnicodeDecodeError):
        return None
    return decoded.partition(":")[0] or None


def route_template(request: Request) -> str:
    route = request.scope.get("route")
    return getattr(route, "path", None) or "(unmatched)"


def _principal(sim: Sim, request: Request, key: str | None) -> tuple[str, Response | None]:
    """Who is calling (an API key, or `oauth:<client id>` — never the token itself), or why not."""
    if key is not None and key in sim.store.keys:
        request.scope["lever_user"] = sim.store.keys[key]
        request.scope["lever_confidential"] = key in sim.store.confidential_keys
        return key, None
    grant, refused = sim.oauth.bearer(key) if key else (None, None)
    if grant is None:
        return "", error_response(401, refused or "Invalid or missing API key")
    needed = required_scope(request.method, request.url.path)
    principal = f"oauth:{grant.client_id}"
    if needed is not None and not holds(grant.scopes, needed):
        return principal, error_response(403, f"The access token does not have the {needed} scope")
    request.scope["lever_user"] = grant.user
    request.scope["lever_confidential"] = CONFIDENTIAL_SCOPE in grant.scopes
    return principal, None


async def _guarded(sim: Sim, request: Request, key: str | None, call_next: Next) -> Response:
    faults = sim.faults
    key, refused = _principal(sim, request, key)
    request.scope["lever_key"] = key or None
    if refused is not None:
        return refused
    if not sim.limiter.allow(key, faults.rate_limit["rps"], faults.rate_limit["burst"]):
        return error_response(429, RATE_LIMITED)
    if faults.rate_429 and sim.rng.random() < faults.rate_429:
        return error_response(429, RATE_LIMITED)
    if faults.rate_5xx and sim.rng.random() < faults.rate_5xx:
        return error_response(500, "Internal server error (injected)")
    hidden = confidential.guard_path(sim.store, request)
    if hidden is not None:
        return hidden
    response = await call_next(request)
    write = request.method in ("POST", "PUT", "DELETE") and response.status_code < 300
    if write and faults.rate_5xx_after_write and sim.rng.random() < faults.rate_5xx_after_write:
        return error_response(500, "Internal server error (injected after the write was applied)")
    return response


async def gate(request: Request, call_next: Next) -> Response:
    if not request.url.path.startswith("/v1"):
        return await call_next(request)
    sim = sim_of(request)
    if sim.faults.latency_ms:
        await asyncio.sleep(sim.faults.latency_ms / 1000)
    key = api_key(request)
    response = await _guarded(sim, request, key, call_next)
    template = route_template(request)
    sim.requests.append(
        {
            "at": sim.clock.now(),
            "method": request.method,
            "path": request.url.path,
            "query": request.url.query,
            "route": template,
            "status": response.status_code,
            "key": request.scope.get("lever_key"),
        }
    )
    sim.stats["byMethod"][request.method] += 1
    sim.stats["byRoute"][f"{request.method} {template}"] += 1
    sim.stats["byStatus"][str(response.status_code)] += 1
    return response
