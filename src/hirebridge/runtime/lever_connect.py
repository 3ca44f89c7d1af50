"""Connecting a Lever account by OAuth: the authorize address an operator opens, and the callback's work.

Only someone holding HIREBRIDGE_SECRET_KEY can start a connection: the `state` sent to Lever is sealed
with it (and names the connection), so a callback with a state we did not make, or one older than
ten minutes, is refused. The code is exchanged once; the tokens are stored sealed for every process.
"""

from __future__ import annotations

import json
import os
import secrets
from collections.abc import Mapping
from typing import TYPE_CHECKING

import httpx2

from hirebridge.config.models import Config
from hirebridge.config.secret_key import TokenCipher
from hirebridge.connectors.lever_oauth import TokenSet, authorize_url, code_request, read_token_response
from hirebridge.runtime.lever_vault import StoredTokenVault
from hirebridge.store import connection_state

if TYPE_CHECKING:
    from psycopg_pool import AsyncConnectionPool

STATE_TTL_SECONDS = 600


class ConnectRefused(Exception):
    """The callback cannot be honoured; the message says why and what to do."""


def redirect_uri(public_url: str, connection: str) -> str:
    """Register this address as the OAuth app's callback in Lever."""
    return f"{public_url.rstrip('/')}/connections/lever/{connection}/callback"


def connect_url(config: Config, connection: str, cipher: TokenCipher) -> str:
    settings = config.lever[connection].oauth
    if settings is None:
        raise ValueError(f"Lever connection '{connection}' uses an API key, not OAuth")
    state = cipher.encrypt(json.dumps({"connection": connection, "nonce": secrets.token_urlsafe(12)}))
    uri = redirect_uri(config.service.public_url, connection)
    return authorize_url(settings, redirect_uri=uri, state=state)


def check_callback(
    config: Config, connection: str, query: Mapping[str, str], cipher: TokenCipher | None
) -> str:
    """The authorization code of a callback we asked for; raises ConnectRefused otherwise.
    `cipher` is None when HIREBRIDGE_SECRET_KEY is not set (then no callback can be ours)."""
    if connection not in config.lever or config.lever[connection].oauth is None:
        raise ConnectRefused(f"There is no Lever connection '{connection[:100]}' that uses OAuth.")
    if cipher is None:
        raise ConnectRefused(
            "HIREBRIDGE_SECRET_KEY is not set, so hirebridge cannot accept a Lever authorization."
        )
    if "error" in query:
        reason = query.get("error_description") or query["error"]
        raise ConnectRefused(
            f"Lever did not authorize hirebridge: {reason}. Only a Super Admin can; run "
            f"`hirebridge connections connect {connection}` and open the new link."
        )
    opened = cipher.unseal(query.get("state", ""), ttl=STATE_TTL_SECONDS)
    if opened is None or json.loads(opened).get("connection") != connection:
        raise ConnectRefused(
            "This link was not made by hirebridge for this connection, or is older than ten minutes: "
            f"run `hirebridge connections connect {connection}` again."
        )
    if not query.get("code"):
        raise ConnectRefused("Lever sent no authorization code.")
    return query["code"]


async def exchange_code(
    config: Config, connection: str, code: str, transport: httpx2.AsyncBaseTransport | None = None
) -> TokenSet:
    settings = config.lever[connection].oauth
    assert settings is not None
    request = code_request(
        settings, code=code, redirect_uri=redirect_uri(config.service.public_url, connection)
    )
    async with httpx2.AsyncClient(transport=transport, timeout=30) as client:
        response = await client.send(request)
    return read_token_response(response, connection=connection)


async def store_grant(
    pool: AsyncConnectionPool,
    connection: str,
    tokens: TokenSet,
    environ: Mapping[str, str] = os.environ,
) -> None:
    """Keep the tokens and undo a disconnect: the sweep and webhook registration take it from here."""
    await StoredTokenVault(pool, connection, TokenCipher.from_env(environ)).connect(tokens)
    await connection_state.set_disconnected(pool, "lever", connection, False)
