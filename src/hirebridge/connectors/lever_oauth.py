"""Lever OAuth 2.0 (Lever's API documentation, "OAuth"): the authorize address, code and refresh
exchanges, Bearer auth.

The exchanges are pure: they build the token request and read its answer. `LeverOAuth` is an httpx
auth flow that yields the refresh request itself, so tokens go through the same transport as the API.
Refresh tokens rotate and a spent one presented again revokes the whole grant (Auth0 reuse
detection), so a refresh happens under the vault's lease: one at a time across every process.
"""

from __future__ import annotations

import time
from collections.abc import AsyncGenerator
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass
from typing import Protocol
from urllib.parse import urlencode

import httpx2

from hirebridge.config.models import LeverOAuth as LeverOAuthSettings
from hirebridge.connectors.errors import GrantRefused, NotConnected, Unauthorized, error_from_response

# Refresh this long before Lever says the access token expires (clock skew, slow requests).
EXPIRY_MARGIN_SECONDS = 120


@dataclass(frozen=True)
class TokenSet:
    access_token: str
    refresh_token: str | None
    expires_at: float  # epoch seconds
    scope: str

    def expiring(self, now: float) -> bool:
        return now >= self.expires_at - EXPIRY_MARGIN_SECONDS


def authorize_url(settings: LeverOAuthSettings, *, redirect_uri: str, state: str) -> str:
    query = {
        "client_id": settings.client_id,
        "redirect_uri": redirect_uri,
        "response_type": "code",
        "state": state,
        "audience": settings.audience,
        "scope": " ".join(settings.scopes),
    }
    return f"{settings.auth_url.rstrip('/')}/authorize?{urlencode(query)}"


def _token_request(settings: LeverOAuthSettings, form: dict[str, str]) -> httpx2.Request:
    secrets = {"client_id": settings.client_id, "client_secret": settings.client_secret.get_secret_value()}
    return httpx2.Request(
        "POST",
        f"{settings.auth_url.rstrip('/')}/oauth/token",
        data={**form, **secrets},
        headers={"Accept": "application/json"},
    )


def code_request(settings: LeverOAuthSettings, *, code: str, redirect_uri: str) -> httpx2.Request:
    form = {"grant_type": "authorization_code", "code": code, "redirect_uri": redirect_uri}
    return _token_request(settings, form)


def refresh_request(settings: LeverOAuthSettings, refresh_token: str) -> httpx2.Request:
    return _token_request(settings, {"grant_type": "refresh_token", "refresh_token": refresh_token})


def read_token_response(
    response: httpx2.Response, *, connection: str, previous: TokenSet | None = None, now: float | None = None
) -> TokenSet:
    """The tokens of a successful exchange; a refused grant raises GrantRefused, others the usual tree."""
    body = _json(response)
    if response.status_code in (400, 401, 403) and body.get("error") == "invalid_grant":
        detail = body.get("error_description") or "invalid_grant"
        raise GrantRefused(
            f"Lever connection '{connection}' must be connected again "
            f"(`hirebridge connections connect {connection}`): Lever refused its refresh token ({detail}). "
            "Refresh tokens die after 90 days unused, after a year, or when a Super Admin revokes the app.",
            service="lever",
            status=response.status_code,
        )
    if response.status_code in (401, 403):
        raise Unauthorized(
            f"Lever refused the OAuth client of connection '{connection}' ({body.get('error')}): "
            "check oauth.client_id and oauth.client_secret",
            service="lever",
            status=response.status_code,
        )
    if not response.is_success:
        raise error_from_response("lever", response)
    refresh = body.get("refresh_token") or (previous.refresh_token if previous else None)
    return TokenSet(
        access_token=str(body["access_token"]),
        refresh_token=str(refresh) if refresh else None,
        expires_at=(now if now is not None else time.time()) + float(body.get("expires_in") or 3600),
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


class LeverOAuth(httpx2.Auth):
    """Bearer tokens of a connected Lever account, refreshed when expiring or refused with a 401."""

    def __init__(self, settings: LeverOAuthSettings, vault: TokenVault) -> None:
        self.settings = settings
        self.vault = vault

    async def async_auth_flow(
        self, request: httpx2.Request
    ) -> AsyncGenerator[httpx2.Request, httpx2.Response]:
        tokens = await self.vault.current()
        if tokens is None:
            name = self.vault.connection
            raise NotConnected(
                f"Lever connection '{name}' is not connected: run `hirebridge connections connect {name}` "
                "and authorize hirebridge in Lever as a Super Admin",
                service="lever",
            )
        refused: str | None = None
        for attempt in range(2):
            if tokens.expiring(time.time()) or tokens.access_token == refused:
                async with self.vault.lease() as lease:
                    # Another worker may have refreshed while this one waited for the lease.
                    if lease.tokens.expiring(time.time()) or lease.tokens.access_token == refused:
                        if lease.tokens.refresh_token is None:
                            raise GrantRefused(
                                f"Lever connection '{self.vault.connection}' has no refresh token "
                                "(offline_access was not granted): connect again",
                                service="lever",
                            )
                        answer = yield refresh_request(self.settings, lease.tokens.refresh_token)
                        await answer.aread()
                        fresh = read_token_response(
                            answer, connection=self.vault.connection, previous=lease.tokens
                        )
                        await lease.save(fresh)
                    tokens = lease.tokens
            request.headers["Authorization"] = f"Bearer {tokens.access_token}"
            response = yield request
            if response.status_code != 401 or attempt:
                return
            refused = tokens.access_token  # revoked or expired early: one refresh, one more try
