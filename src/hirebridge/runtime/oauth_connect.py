"""Connecting an account by OAuth (a Lever or a Justworks connection): the authorize address an
operator opens, and the callback's work.

Only someone holding HIREBRIDGE_SECRET_KEY can start a connection: the `state` sent to the service is
sealed with it (and names the connection), so a callback with a state we did not make, or one older
than ten minutes, is refused. The code is exchanged once; the tokens are stored sealed for every
process.
"""

from __future__ import annotations

import json
import os
import secrets
from collections.abc import Mapping
from typing import TYPE_CHECKING, Literal

import httpx2

from hirebridge.config.models import Config
from hirebridge.config.secret_key import TokenCipher
from hirebridge.connectors.oauth import (
    OAuthApp,
    TokenSet,
    authorize_url,
    code_request,
    read_token_response,
)
from hirebridge.runtime.oauth_vault import StoredTokenVault
from hirebridge.store import connection_state

if TYPE_CHECKING:
    from psycopg_pool import AsyncConnectionPool

STATE_TTL_SECONDS = 600
Kind = Literal["lever", "justworks"]


class ConnectRefused(Exception):
    """The callback cannot be honoured; the message says why and what to do."""


def command_name(kind: Kind, connection: str) -> str:
    """The name `hirebridge connections connect` takes, and the key of the stored tokens."""
    return connection if kind == "lever" else f"{kind}:{connection}"


def oauth_app(config: Config, kind: Kind, connection: str) -> OAuthApp | None:
    if kind == "justworks":
        return config.justworks.get(connection)
    lever = config.lever.get(connection)
    return lever.oauth if lever is not None else None


def redirect_uri(public_url: str, connection: str, kind: Kind = "lever") -> str:
    """Register this address as the OAuth app's callback with the service."""
    return f"{public_url.rstrip('/')}/connections/{kind}/{connection}/callback"


def connect_url(config: Config, connection: str, cipher: TokenCipher, kind: Kind = "lever") -> str:
    app = oauth_app(config, kind, connection)
    if app is None:
        raise ValueError(f"{kind.title()} connection '{connection}' does not use OAuth")
    state = cipher.encrypt(
        json.dumps({"kind": kind, "connection": connection, "nonce": secrets.token_urlsafe(12)})
    )
    uri = redirect_uri(config.service.public_url, connection, kind)
    return authorize_url(app, redirect_uri=uri, state=state)


def check_callback(
    config: Config,
    connection: str,
    query: Mapping[str, str],
    cipher: TokenCipher | None,
    kind: Kind = "lever",
) -> str:
    """The authorization code of a callback we asked for; raises ConnectRefused otherwise.
    `cipher` is None when HIREBRIDGE_SECRET_KEY is not set (then no callback can be ours)."""
    app = oauth_app(config, kind, connection)
    name = command_name(kind, connection)
    if app is None:
        raise ConnectRefused(f"There is no {kind.title()} connection '{connection[:100]}' that uses OAuth.")
    if cipher is None:
        raise ConnectRefused(
            f"HIREBRIDGE_SECRET_KEY is not set, so hirebridge cannot accept a {app.service} authorization."
        )
    if "error" in query:
        reason = query.get("error_description") or query["error"]
        raise ConnectRefused(
            f"{app.service} did not authorize hirebridge: {reason}. Only {app.admin_role} can; run "
            f"`hirebridge connections connect {name}` and open the new link."
        )
    opened = cipher.unseal(query.get("state", ""), ttl=STATE_TTL_SECONDS)
    sealed = json.loads(opened) if opened is not None else {}
    if sealed.get("connection") != connection or sealed.get("kind", "lever") != kind:
        raise ConnectRefused(
            "This link was not made by hirebridge for this connection, or is older than ten minutes: "
            f"run `hirebridge connections connect {name}` again."
        )
    if not query.get("code"):
        raise ConnectRefused(f"{app.service} sent no authorization code.")
    return query["code"]


async def exchange_code(
    config: Config,
    connection: str,
    code: str,
    transport: httpx2.AsyncBaseTransport | None = None,
    kind: Kind = "lever",
) -> TokenSet:
    app = oauth_app(config, kind, connection)
    assert app is not None
    uri = redirect_uri(config.service.public_url, connection, kind)
    async with httpx2.AsyncClient(transport=transport, timeout=30) as client:
        response = await client.send(code_request(app, code=code, redirect_uri=uri))
    return read_token_response(app, response, connection=command_name(kind, connection))


async def store_grant(
    pool: AsyncConnectionPool,
    connection: str,
    tokens: TokenSet,
    environ: Mapping[str, str] = os.environ,
    kind: Kind = "lever",
) -> None:
    """Keep the tokens and undo a disconnect: the sweep and webhook registration take it from here."""
    cipher = TokenCipher.from_env(environ)
    await StoredTokenVault(pool, command_name(kind, connection), cipher, kind).connect(tokens)
    await connection_state.set_disconnected(pool, kind, connection, False)
