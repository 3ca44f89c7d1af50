"""`GET /connections/lever/{connection}/callback`: where Lever sends the Super Admin who authorized us."""

from __future__ import annotations

import os

import structlog
from starlette.requests import Request
from starlette.responses import Response

from hirebridge.config.secret_key import SecretKeyMissing, TokenCipher
from hirebridge.connectors.errors import ConnectorError, loggable
from hirebridge.runtime.lever_connect import ConnectRefused, check_callback, exchange_code, store_grant
from hirebridge.web.pages import message_page

log = structlog.get_logger(__name__)


def _cipher() -> TokenCipher | None:
    try:
        return TokenCipher.from_env(os.environ)
    except SecretKeyMissing:
        return None


async def lever_callback(request: Request) -> Response:
    state = request.app.state
    name: str = request.path_params["connection"]
    try:
        code = check_callback(state.config, name, request.query_params, _cipher())
        tokens = await exchange_code(state.config, name, code)
    except ConnectRefused as exc:
        return message_page("Not connected", str(exc), status=400)
    except ConnectorError as exc:
        log.warning("lever refused the authorization code", connection=name, error=loggable(exc))
        message = (
            f"Lever refused the authorization code ({exc}). Run `hirebridge connections connect {name}`."
        )
        return message_page("Not connected", message, status=502)
    await store_grant(state.pool, name, tokens)
    log.info("lever connection connected by oauth", connection=name)
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
