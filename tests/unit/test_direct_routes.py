"""Webhook POSTs reach their endpoint directly, with the connection and the app's state; everything
else — other methods, other paths, a missing connection — goes through the full application."""

from __future__ import annotations

import httpx2
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse
from starlette.routing import Route

from hirebridge.web.direct_routes import DirectRoutes


async def direct(request: Request) -> JSONResponse:
    body = await request.body()
    return JSONResponse(
        {"via": "direct", "connection": request.path_params["connection"], "state": request.app.state.tag,
         "body": body.decode()},
        status_code=202,
    )  # fmt: skip


async def routed(request: Request) -> PlainTextResponse:
    return PlainTextResponse(f"routed {request.method} {request.url.path}")


def client() -> httpx2.AsyncClient:
    app = Starlette(
        routes=[Route("/{rest:path}", routed, methods=["GET", "POST"])],
    )
    app.state.tag = "the app's state"
    asgi = DirectRoutes(app, {"/webhooks/lever": direct})
    return httpx2.AsyncClient(transport=httpx2.ASGITransport(app=asgi), base_url="http://hb.test")


async def test_a_webhook_post_goes_straight_to_its_endpoint() -> None:
    async with client() as http:
        answer = await http.post("/webhooks/lever/main", content=b'{"a": 1}')
    assert answer.status_code == 202
    assert answer.json() == {
        "via": "direct",
        "connection": "main",
        "state": "the app's state",
        "body": '{"a": 1}',
    }


async def test_everything_else_goes_through_the_application() -> None:
    async with client() as http:
        answers = [
            await http.get("/webhooks/lever/main"),
            await http.post("/webhooks/lever/"),
            await http.post("/webhooks/lever"),
            await http.post("/webhooks/jira/main"),
            await http.post("/webhooks/lever/main/extra"),
        ]
    assert [a.text for a in answers] == [
        "routed GET /webhooks/lever/main",
        "routed POST /webhooks/lever/",
        "routed POST /webhooks/lever",
        "routed POST /webhooks/jira/main",
        "routed POST /webhooks/lever/main/extra",
    ]
