"""Webhook POSTs straight to their endpoint; every other request through the full application.

A webhook is the one request that arrives by the thousand. Its endpoints take a Starlette `Request`
and return a `Response` like any other, but the application's middleware (error pages, exception
handlers, FastAPI's telemetry and body-limit layers) and its route table cost as much CPU as storing
the event; here a prefix lookup replaces them. A request that raises (here or in the application)
is answered by `web/failures.py` and costs one line of log.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping

from starlette.requests import Request
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from hirebridge.web.bodies import MAX_BODY_BYTES, BadBody, bounded_receive, declared_too_large
from hirebridge.web.failures import failure_response, log_failure

Endpoint = Callable[[Request], Awaitable[Response]]


class DirectRoutes:
    """`POST {prefix}/{connection}` → endpoint, with `connection` in `request.path_params`."""

    def __init__(self, app: ASGIApp, routes: Mapping[str, Endpoint]) -> None:
        self.app = app
        self.routes = dict(routes)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        if declared_too_large(scope):
            too_large = BadBody(f"the body must be at most {MAX_BODY_BYTES} bytes", status=413)
            await failure_response(too_large)(scope, receive, send)
            return
        started = False

        async def sending(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self._dispatch(scope, bounded_receive(receive), sending)
        except Exception as exc:
            log_failure(scope["path"], exc)
            if not started:
                await failure_response(exc)(scope, receive, send)

    async def _dispatch(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["method"] == "POST":
            prefix, _, connection = scope["path"].rpartition("/")
            endpoint = self.routes.get(prefix)
            if endpoint is not None and connection:
                scope["app"] = self.app
                scope["path_params"] = {"connection": connection}
                response = await endpoint(Request(scope, receive))
                await response(scope, receive, send)
                return
        await self.app(scope, receive, send)
