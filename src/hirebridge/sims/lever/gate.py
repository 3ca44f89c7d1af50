"""In front of `/v1`: injected latency, API-key or OAuth auth (with scopes), per-key rate limit,
injected errors, request log."""

from __future__ import annotations

import asyncio
import base64
import binascii

from fastapi import Request, Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from hirebridge.sims.lever import confidential
from hirebridge.sims.lever.errors import error_response
from hirebridge.sims.lever.oauth import CONFIDENTIAL_SCOPE, holds, required_scope
from hirebridge.sims.lever.sim import Sim, sim_of

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


class Gate:
    """The gate as plain ASGI middleware: Starlette's BaseHTTPMiddleware runs each request in a task
    group of its own and cost the simulator more CPU than its endpoints."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not scope["path"].startswith("/v1"):
            await self.app(scope, receive, send)
            return
        request = Request(scope, receive)
        sim = sim_of(request)
        if sim.faults.latency_ms:
            await asyncio.sleep(sim.faults.latency_ms / 1000)
        status = await self._guarded(sim, request, api_key(request), send)
        template = route_template(request)
        sim.requests.append(
            {
                "at": sim.clock.now(),
                "method": request.method,
                "path": request.url.path,
                "query": request.url.query,
                "route": template,
                "status": status,
                "key": request.scope.get("lever_key"),
            }
        )
        sim.stats["byMethod"][request.method] += 1
        sim.stats["byRoute"][f"{request.method} {template}"] += 1
        sim.stats["byStatus"][str(status)] += 1
        sim.stats["byKey"][f"{request.scope.get('lever_key')} {status}"] += 1

    async def _guarded(self, sim: Sim, request: Request, key: str | None, send: Send) -> int:
        """Refuse or pass the request on; the status answered."""
        faults = sim.faults
        key, refused = _principal(sim, request, key)
        request.scope["lever_key"] = key or None
        limited = key not in faults.rate_limit_exempt
        if (
            refused is None
            and limited
            and not sim.limiter.allow(key, faults.rate_limit["rps"], faults.rate_limit["burst"])
        ):
            refused = error_response(429, RATE_LIMITED)
        if refused is None and faults.rate_429 and sim.rng.random() < faults.rate_429:
            refused = error_response(429, RATE_LIMITED)
        if refused is None and faults.rate_5xx and sim.rng.random() < faults.rate_5xx:
            refused = error_response(500, "Internal server error (injected)")
        if refused is None:
            refused = confidential.guard_path(sim.store, request)
        if refused is not None:
            await refused(request.scope, request.receive, send)
            return refused.status_code
        if request.method in ("POST", "PUT", "DELETE") and faults.rate_5xx_after_write:
            return await self._failing_after_write(sim, request, send)
        status = 500

        async def noting_status(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        await self.app(request.scope, request.receive, noting_status)
        return status

    async def _failing_after_write(self, sim: Sim, request: Request, send: Send) -> int:
        """The write is applied, then (sometimes) answered 500: the response is held until decided."""
        held: list[Message] = []

        async def hold(message: Message) -> None:
            held.append(message)

        await self.app(request.scope, request.receive, hold)
        status = next(m["status"] for m in held if m["type"] == "http.response.start")
        if status < 300 and sim.rng.random() < sim.faults.rate_5xx_after_write:
            failed = error_response(500, "Internal server error (injected after the write was applied)")
            await failed(request.scope, request.receive, send)
            return failed.status_code
        for message in held:
            await send(message)
        return int(status)
