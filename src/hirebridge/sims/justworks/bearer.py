"""Bearer-token checks for the API routes, with the scope each route needs."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from fastapi import Request

from hirebridge.sims.justworks.errors import ApiError, error
from hirebridge.sims.justworks.state import sim

SCOPES = (
    "company.basic:read", "company.detail:read", "member.basic:read", "member.detail:read",
    "member.employment:read", "member.pay:read",
)  # fmt: skip
IMPLIED = {"company.detail:read": "company.basic:read", "member.detail:read": "member.basic:read"}


def require(scope: str) -> Callable[[Request], Awaitable[dict[str, Any]]]:
    """A FastAPI dependency admitting only a live bearer token that holds `scope`."""

    async def check(request: Request) -> dict[str, Any]:
        state = sim(request)
        header = request.headers.get("authorization", "")
        token = header[7:].strip() if header.lower().startswith("bearer ") else ""
        grant = state.tokens.get(token)
        if grant is not None and grant["expires_at"] <= state.clock.now():
            del state.tokens[token]
            raise _unauthorized("the access token has expired")
        if grant is None:
            raise _unauthorized("Missing or invalid OAuth token")
        held = set(grant["scopes"]) | {IMPLIED[s] for s in grant["scopes"] if s in IMPLIED}
        if scope not in held:
            raise ApiError(
                403, [error(None, "insufficient_scope", f"Token lacks the required scope {scope}")]
            )
        return grant

    return check


def _unauthorized(message: str) -> ApiError:
    challenge = 'Bearer realm="justworks", error="invalid_token"'
    return ApiError(401, [error(None, "invalid_token", message)], {"WWW-Authenticate": challenge})
