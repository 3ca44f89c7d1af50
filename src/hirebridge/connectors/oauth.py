"""OAuth 2.0 authorization code with refresh tokens: the authorize address, code and refresh
exchanges, Bearer auth (Lever: https://hire.lever.co/developer/oauth; Justworks:
https://public-api.justworks.com/v1/docs).

The exchanges are pure: they build the token request and read its answer. `BearerOAuth` is an httpx
auth flow that yields the refresh request itself, so tokens go through the same transport as the API.
Refresh tokens rotate (Lever's Auth0 revokes the whole grant when a spent one is presented again), so
a refresh happens under the vault's lease: one at a time across every process.
"""

from __future__ import annotations

import time
from collections.abc import AsyncGenerator, Mapping
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol
from urllib.parse import urlencode

import httpx2
from pydantic import SecretStr

from hirebridge.connectors.errors import GrantRefused, NotConnected, Unauthorized, error_from_response

# Refresh this long before the service says the access token expires (clock skew, slow requests).
EXPIRY_MARGIN_SECONDS = 120


class OAuthApp(Protocol):
    """What differs between services: where to authorize and exchange, and how to say a refusal."""

    service: str  # "Lever", "Justworks"
    client_id: str
    client_secret: SecretStr
    refusal_hint: str  # why a refresh token is refused, in the service's own terms
    credentials_hint: str  # where the client id and secret are set
    admin_role: str  # who may authorize an app: "a Super Admin"

    @property
    def authorize_endpoint(self) -> str: ...

    @property
    def token_endpoint(self) -> str: ...

    def authorize_params(self) -> Mapping[str, str]: ...


@dataclass(frozen=True)
class TokenSet:
    access_token: str
    refresh_token: str | None
    expires_at: float  # epoch seconds
    scope: str

    def expiring(self, now: float) -> bool:
        return now >= self.expires_at - EXPIRY_MARGIN_SECONDS


def authorize_url(app: OAuthApp, *, redirect_uri: str, state: str) -> str:
    query = {
        "client_id": app.client_id,
        "redirect_uri": redirect_uri,
        "response_type": "code",
        "state": state,
        **app.authorize_params(),
    }
    return f"{app.authorize_endpoint}?{urlencode(query)}"


def _token_request(app: OAuthApp, form: dict[str, str]) -> httpx2.Request:
    secrets = {"client_id": app.client_id, "client_secret": app.client_secret.get_secret_value()}
    return httpx2.Request(
        "POST", app.token_endpoint, data={**form, **secrets}, headers={"Accept": "application/json"}
    )


def code_request(app: OAuthApp, *, code: str, redirect_uri: str) -> httpx2.Request:
    form = {"grant_type": "authorization_code", "code": code, "redirect_uri": redirect_uri}
    return _token_request(app, form)


def refresh_request(app: OAuthApp, refresh_token: str) -> httpx2.Request:
    return _token_request(app, {"grant_type": "refresh_token", "refresh_token": refresh_token})


def _expires_at(body: Mapping[str, object], now: float) -> float:
    # Justworks' sources disagree: `expires_in` seconds or an `expires_at` date-time; take either.
    if body.get("expires_in"):
        return now + float(str(body["expires_in"]))
    if isinstance(body.get("expires_at"), str):
        try:
            return datetime.fromisoformat(str(body["expires_at"]).replace("Z", "+00:00")).timestamp()
        except ValueError:
            pass
    return now + 3600


def read_token_response(
    app: OAuthApp,
    response: httpx2.Response,
    *,
    connection: str,
    previous: TokenSet | None = None,
    now: float | None = None,
) -> TokenSet:
    """The tokens of a successful exchange; a refused grant raises GrantRefused, others the usual tree.
    `connection` is the name `hirebridge connections connect` takes."""
    body = _json(response)
    service = app.service.lower()
    if response.status_code in (400, 401, 403) and body.get("error") == "invalid_grant":
        detail = body.get("error_description") or "invalid_grant"
        raise GrantRefused(
            f"{app.service} connection '{connection}' must be connected again "
            f"(`hirebridge connections connect {connection}`): {app.service} refused its refresh token "
            f"({detail}). {app.refusal_hint}",
            service=service,
            status=response.status_code,
        )
    if response.status_code in (401, 403):
        raise Unauthorized(
            f"{app.service} refused the OAuth client of connection '{connection}' ({body.get('error')}): "
            f"check {app.credentials_hint}",
            service=service,
            status=response.status_code,
        )
    if not response.is_success:
        raise error_from_response(service, response)
    refresh = body.get("refresh_token") or (previous.refresh_token if previous else None)
    return TokenSet(
        access_token=str(body["access_token"]),
        refresh_token=str(refresh) if refresh else None,
        expires_at=_expires_at(body, now if now is not None else time.time()),
        scope=str(body.get("scope") or (previous.scope if previous else "")),
    )


def _json(response: httpx2.Response) -> dict[str, object]:
    try:
        body = response.json()
    except ValueError:
        return {}
    return body if isinstance(body, dict) else {}


class Lease(Protocol):
    """The freshest tokens, held so that no other refresh runs until the lease ends."""

    tokens: TokenSet

    async def save(self, tokens: TokenSet) -> None: ...


class TokenVault(Protocol):
    connection: str

    async def current(self) -> TokenSet | None: ...

    def lease(self) -> AbstractAsyncContextManager[Lease]: ...


class BearerOAuth(httpx2.Auth):
    """Bearer tokens of a connected account, refreshed when expiring or refused with a 401."""

    def __init__(self, app: OAuthApp, vault: TokenVault) -> None:
        self.app = app
        self.vault = vault

    async def async_auth_flow(
        self, request: httpx2.Request
    ) -> AsyncGenerator[httpx2.Request, httpx2.Response]:
        name, service = self.vault.connection, self.app.service
        tokens = await self.vault.current()
        if tokens is None:
            raise NotConnected(
                f"{service} connection '{name}' is not connected: run "
                f"`hirebridge connections connect {name}` and authorize hirebridge in {service} as "
                f"{self.app.admin_role}",
                service=service.lower(),
            )
        refused: str | None = None
        for attempt in range(2):
            if tokens.expiring(time.time()) or tokens.access_token == refused:
                async with self.vault.lease() as lease:
                    # Another worker may have refreshed while this one waited for the lease.
                    if lease.tokens.expiring(time.time()) or lease.tokens.access_token == refused:
                        if lease.tokens.refresh_token is None:
                            raise GrantRefused(
                                f"{service} connection '{name}' has no refresh token: connect again "
                                f"(`hirebridge connections connect {name}`)",
                                service=service.lower(),
                            )
                        answer = yield refresh_request(self.app, lease.tokens.refresh_token)
                        await answer.aread()
                        fresh = read_token_response(self.app, answer, connection=name, previous=lease.tokens)
                        await lease.save(fresh)
                    tokens = lease.tokens
            request.headers["Authorization"] = f"Bearer {tokens.access_token}"
            response = yield request
            if response.status_code != 401 or attempt:
                return
            refused = tokens.access_token  # revoked or expired early: one refresh, one more try
