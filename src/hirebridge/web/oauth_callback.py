"""`GET /connections/{lever|justworks}/{connection}/callback`: where the service sends the admin who
authorized hirebridge."""

from __future__ import annotations

import os

import structlog
from starlette.requests import Request
from starlette.responses import Response

from hirebridge.config.secret_key import SecretKeyMissing, TokenCipher
from hirebridge.connectors.errors import ConnectorError
from hirebridge.errors import loggable
from hirebridge.runtime.oauth_connect import (
    ConnectRefused,
    Kind,
    check_callback,
    command_name,
    exchange_code,
    store_grant,
)
from hirebridge.web.pages import message_page

log = structlog.get_logger(__name__)


def _cipher() -> TokenCipher | None:
    try:
        return TokenCipher.from_env(os.environ)
    except SecretKeyMissing:
        return None


async def _connect(request: Request, kind: Kind) -> Response | str:
    """The connection's name once its tokens are stored, or the page saying why not."""
    state = request.app.state
    name: str = request.path_params["connection"]
    try:
        code = check_callback(state.config, name, request.query_params, _cipher(), kind)
        tokens = await exchange_code(state.config, name, code, kind=kind)
    except ConnectRefused as exc:
        return message_page("Not connected", str(exc), status=400)
    except ConnectorError as exc:
        log.warning("the authorization code was refused", service=kind, connection=name, error=loggable(exc))
        message = (
            f"{kind.title()} refused the authorization code ({exc}). "
            f"Run `hirebridge connections connect {command_name(kind, name)}`."
        )
        return message_page("Not connected", message, status=502)
    await store_grant(state.pool, name, tokens, kind=kind)
    log.info("connection connected by oauth", service=kind, connection=name)
    return name


async def justworks_callback(request: Request) -> Response:
    connected = await _connect(request, "justworks")
    if isinstance(connected, Response):
        return connected
    return message_page("Connected", f"Justworks connection '{connected}' is connected.")


async def lever_callback(request: Request) -> Response:
    state = request.app.state
    name = await _connect(request, "lever")
    if isinstance(name, Response):
        return name
    message = f"Lever connection '{name}' is connected."
    if state.config.lever[name].register_webhooks:
        try:
            done = await state.registration.register(name)
            message += f" Webhooks registered for {len(done.kept)} events."
        except Exception as exc:  # the registration loop keeps trying
            log.warning("lever webhook registration failed; will retry", connection=name, error=loggable(exc))
            state.registration.wake()
            message += " Its webhooks will be registered in a moment."
    return message_page("Connected", message)
