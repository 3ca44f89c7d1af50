"""In front of every API call: latency, burst limit, injected faults, Basic auth, request log and stats."""

from __future__ import annotations

import asyncio
import base64
import binascii
import json
from typing import Any

from starlette.routing import Match, Router
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from hirebridge.sims.jira.state import State, rate_headers

TOKEN = "sim-token"
ANONYMOUS = {"/rest/api/3/serverInfo", "/rest/api/2/serverInfo", "/rest/api/latest/serverInfo"}
WRITES = frozenset({"POST", "PUT", "DELETE"})
UNAUTHORIZED = {"message": "Client must be authenticated to access this resource.", "status-code": 401}


def account_for(state: State, header: str) -> str | None:
    scheme, _, encoded = header.partition(" ")
    if scheme.lower() != "basic":
        return None
    try:
        email, _, token = base64.b64decode(encoded).decode().partition(":")
    except (binascii.Error, UnicodeDecodeError):
        return None
    user = state.site.user_by_email(email)
    return user["accountId"] if user and token == TOKEN else None


class SimMiddleware:
    def __init__(self, app: ASGIApp, state: State, router: Router) -> None:
        self.app = app
        self.state = state
        self.router = router

    def template(self, scope: Scope) -> str:
        for route in self.router.routes:
            match, _ = route.matches(scope)
            if match == Match.FULL:
                return str(getattr(route, "path", scope["path"]))
        return scope["path"]

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"].startswith("/_sim"):
            await self.app(scope, receive, send)
            return
        state = self.state
        method, path = scope["method"], scope["path"]
        template = self.template(scope)
        status_box = [0]

        async def record(message: Message) -> None:
            if message["type"] == "http.response.start":
                status_box[0] = message["status"]
                if method in WRITES and message["status"] < 300 and "/search" not in path:
                    await self.hold_after_write()
            await send(message)

        try:
            refusal = await self.refuse(scope, method, template)
            if refusal is not None:
                await self.reply(record, *refusal)
            else:
                await self.app(scope, receive, record)
        finally:
            state.requests.append(
                {
                    "method": method,
                    "path": path,
                    "route": template,
                    "status": status_box[0],
                    "at": state.stamp(),
                }
            )
            state.stats[f"{method} {template}"] += 1
            if status_box[0] == 429:
                state.refused[f"{method} {template}"] += 1

    async def hold_after_write(self) -> None:
        """Applied but not yet answered: a client that dies now has written without knowing it."""
        held = float(self.state.faults.get("latency_after_write_ms") or 0)
        if not held:
            return
        self.state.writes_in_flight += 1
        try:
            await asyncio.sleep(held / 1000.0)
        finally:
            self.state.writes_in_flight -= 1

    async def refuse(
        self, scope: Scope, method: str, template: str
    ) -> tuple[int, Any, dict[str, str]] | None:
        state = self.state
        faults = state.faults
        if faults.get("latency_ms"):
            await asyncio.sleep(float(faults["latency_ms"]) / 1000.0)
        rps = faults.get("rate_limit_rps")
        if rps:
            bucket = "*" if faults.get("rate_limit_scope") == "site" else f"{method} {template}"
            refused = self.burst(bucket, float(rps))
            if refused is not None:
                return refused
        if state.rng.random() < float(faults.get("rate_429") or 0):
            body = {"errorMessages": ["Rate limit exceeded."], "errors": {}}
            return 429, body, rate_headers(350, 1, "jira-burst-based", state.now())
        if state.rng.random() < float(faults.get("rate_5xx") or 0):
            code = state.rng.choice([500, 503])
            headers = {"Retry-After": "1"} if code == 503 else {}
            return code, {"errorMessages": ["Internal server error (injected)."], "errors": {}}, headers
        headers = dict((k.decode().lower(), v.decode()) for k, v in scope["headers"])
        actor = account_for(state, headers.get("authorization", ""))
        if actor is None:
            if scope["path"] in ANONYMOUS:
                return None
            return 401, UNAUTHORIZED, {}
        scope.setdefault("state", {})["actor"] = actor
        return None

    def burst(self, bucket: str, rps: float) -> tuple[int, Any, dict[str, str]] | None:
        now = self.state.now()
        tokens, last = self.state.buckets.get(bucket, (rps, now))
        tokens = min(rps, tokens + (now - last) * rps)
        if tokens < 1.0:
            self.state.buckets[bucket] = (tokens, now)
            body = {"errorMessages": ["Rate limit exceeded."], "errors": {}}
            return 429, body, rate_headers(int(rps), 1, "jira-burst-based", now)
        self.state.buckets[bucket] = (tokens - 1.0, now)
        return None

    async def reply(self, send: Send, status: int, body: Any, headers: dict[str, str]) -> None:
        raw = json.dumps(body).encode()
        pairs = [
            (b"content-type", b"application/json;charset=UTF-8"),
            (b"content-length", str(len(raw)).encode()),
        ]
        pairs += [(k.encode(), v.encode()) for k, v in headers.items()]
        await send({"type": "http.response.start", "status": status, "headers": pairs})
        await send({"type": "http.response.body", "body": raw})
