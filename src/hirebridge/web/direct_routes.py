"""Webhook POSTs straight to their endpoint; every other request through the full application.

A webhook is the one request that arrives by the thousand. Its endpoints take a Starlette `Request`
and return a `Response` like any other, but the application's middleware (error pages, exception
handlers, FastAPI's telemetry and body-limit layers) and its route table cost as much CPU as storing
the event; here a prefix lookup replaces them. An endpoint that raises still ends as a 500, from
uvicorn instead of ServerErrorMiddleware.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping

from starlette.requests import Request
from starlette.responses import Response
from starlette.types import ASGIApp, Receive, Scope, Send

Endpoint = Callable[[Request], Awaitable[Response]]


class DirectRoutes:
    """`POST {prefix}/{connection}` → endpoint, with `connection` in `request.path_params`."""

    def __init__(self, app: ASGIApp, routes: Mapping[str, Endpoint]) -> None:
        self.app = app
        self.routes = dict(routes)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["method"] == "POST":
            prefix, _, connection = scope["path"].rpartition("/")
            endpoint = self.routes.get(prefix)
            if endpoint is not None and connection:
                scope["app"] = self.app
                scope["path_params"] = {"connection": connection}
                response = await endpoint(Request(scope, receive))
                await response(scope, receive, send)
                return
        await self.app(scope, receive, send)
