"""Assembles the provider's ASGI application: discovery, JWKS, authorize, token, UserInfo, and a
control API (`/_sim/...`) for tests."""

from __future__ import annotations

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from hirebridge.sims.oidc.authorize import authorize
from hirebridge.sims.oidc.state import SigningKey, State, User, sim
from hirebridge.sims.oidc.tokens import token, userinfo


async def discovery(request: Request) -> JSONResponse:
    """OpenID Connect Discovery 1.0, section 3 (and RFC 8414 for code_challenge_methods_supported)."""
    issuer = sim(request).issuer
    return JSONResponse(
        {
            "issuer": issuer,
            "authorization_endpoint": f"{issuer}/authorize",
            "token_endpoint": f"{issuer}/token",
            "userinfo_endpoint": f"{issuer}/userinfo",
            "jwks_uri": f"{issuer}/jwks",
            "response_types_supported": ["code"],
            "subject_types_supported": ["public"],
            "id_token_signing_alg_values_supported": ["RS256"],
            "scopes_supported": ["openid", "email", "profile"],
            "token_endpoint_auth_methods_supported": ["client_secret_basic", "client_secret_post"],
            "grant_types_supported": ["authorization_code"],
            "code_challenge_methods_supported": ["S256"],
            "claims_supported": ["sub", "iss", "aud", "exp", "iat", "nonce", "email", "email_verified"],
            "authorization_response_iss_parameter_supported": True,
        }
    )


async def jwks(request: Request) -> JSONResponse:
    return JSONResponse({"keys": [sim(request).key.jwk()]})


async def rotate_key(request: Request) -> JSONResponse:
    """The old key leaves the JWKS at once (providers usually keep it a while: stricter)."""
    state = sim(request)
    state.key = SigningKey()
    return JSONResponse({"kid": state.key.kid})


async def clock(request: Request) -> JSONResponse:
    body = await request.json()
    state = sim(request)
    state.clock_offset = float(body.get("offset_seconds", 0))
    return JSONResponse({"offset_seconds": state.clock_offset})


async def counters(request: Request) -> JSONResponse:
    return JSONResponse({"token_requests": sim(request).token_requests})


def create_app(issuer: str, *, redirect_uris: list[str], users: list[User] | None = None) -> Starlette:
    """A fresh provider whose issuer identifier is `issuer` (the address it is served at), with the
    client `sim-oidc-client` allowed to send people back to `redirect_uris` only."""
    app = Starlette(
        routes=[
            Route("/.well-known/openid-configuration", discovery),
            Route("/jwks", jwks),
            Route("/authorize", authorize, methods=["GET", "POST"]),
            Route("/token", token, methods=["POST"]),
            Route("/userinfo", userinfo, methods=["GET", "POST"]),
            Route("/_sim/rotate-key", rotate_key, methods=["POST"]),
            Route("/_sim/clock", clock, methods=["POST"]),
            Route("/_sim/counters", counters),
        ]
    )
    app.state.sim = State(issuer, redirect_uris=redirect_uris, users=users)
    return app
