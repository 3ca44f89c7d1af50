from __future__ import annotations

import asyncio
import socket
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any

import httpx2
import pytest
import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from hirebridge.sims.lever import create_app
from hirebridge.sims.lever.company import API_KEY, RITA

LOOPBACK = "127.0.0.1"


def free_port() -> int:
    with socket.socket() as s:
        s.bind((LOOPBACK, 0))
        return s.getsockname()[1]


@pytest.fixture
async def lever() -> AsyncIterator[httpx2.AsyncClient]:
    app = create_app()
    transport = httpx2.ASGITransport(app=app)
    async with httpx2.AsyncClient(
        transport=transport, base_url="http://lever.sim", auth=(API_KEY, "")
    ) as client:
        client.app = app  # type: ignore[attr-defined]
        yield client
    await app.state.sim.deliveries.aclose()


async def create_opportunity(client: httpx2.AsyncClient, **body: Any) -> dict[str, Any]:
    body.setdefault("name", "Ada Lovelace")
    body.setdefault("emails", ["ada@example.org"])
    response = await client.post("/v1/opportunities", params={"perform_as": RITA}, json=body)
    assert response.status_code == 201, response.text
    return response.json()["data"]


@dataclass
class Receiver:
    """A webhook receiver on loopback that answers with scripted statuses (200 once the script runs out)."""

    url: str = ""
    script: list[int] = field(default_factory=list)
    received: list[dict[str, Any]] = field(default_factory=list)
    arrived: asyncio.Event = field(default_factory=asyncio.Event)

    async def handle(self, request: Request) -> Response:
        body = await request.json()
        loop = asyncio.get_running_loop()
        self.received.append({"body": body, "headers": dict(request.headers), "at": loop.time()})
        self.arrived.set()
        status = self.script.pop(0) if self.script else 200
        headers = {"location": "https://elsewhere.example/"} if 300 <= status < 400 else {}
        return Response(status_code=status, headers=headers)

    async def slow(self, request: Request) -> Response:
        await asyncio.sleep(1.0)
        return await self.handle(request)

    async def wait_for(self, count: int, seconds: float = 5.0) -> list[dict[str, Any]]:
        async with asyncio.timeout(seconds):
            while len(self.received) < count:
                self.arrived.clear()
                await self.arrived.wait()
        return self.received


async def _serve(app: Any) -> tuple[uvicorn.Server, asyncio.Task[None], str]:
    port = free_port()
    config = uvicorn.Config(app, host=LOOPBACK, port=port, log_level="error", lifespan="on")
    server = uvicorn.Server(config)
    server.install_signal_handlers = lambda: None  # type: ignore[method-assign]
    task = asyncio.get_running_loop().create_task(server.serve())
    async with asyncio.timeout(5):
        while not server.started:  # noqa: ASYNC110 - uvicorn exposes a flag, not an event
            await asyncio.sleep(0.01)
    return server, task, f"http://{LOOPBACK}:{port}"


async def _stop(server: uvicorn.Server, task: asyncio.Task[None]) -> None:
    server.should_exit = True
    async with asyncio.timeout(5):
        await task


@dataclass
class Live:
    lever: httpx2.AsyncClient
    control: httpx2.AsyncClient
    receiver: Receiver
    base: str


@pytest.fixture
async def live() -> AsyncIterator[Live]:
    """The simulator and a webhook receiver, both served by uvicorn on loopback ports."""
    receiver = Receiver()
    routes = [
        Route("/hook", receiver.handle, methods=["POST"]),
        Route("/slow", receiver.slow, methods=["POST"]),
    ]
    receiver_app = Starlette(routes=routes)
    r_server, r_task, r_base = await _serve(receiver_app)
    receiver.url = f"{r_base}/hook"
    l_server, l_task, base = await _serve(create_app())
    async with (
        httpx2.AsyncClient(base_url=base, auth=(API_KEY, ""), timeout=10) as api,
        httpx2.AsyncClient(base_url=base, timeout=10) as control,
    ):
        await control.post("/_sim/config", json={"webhook_retry_base_seconds": 0.05})
        # A Super Admin has turned every event on; the receiver is plain HTTP on loopback.
        await control.post(
            "/_sim/webhook_settings", json={"enabled_events": "all", "allow_http_loopback": True}
        )
        yield Live(api, control, receiver, base)
    await _stop(l_server, l_task)
    await _stop(r_server, r_task)


async def subscribe(live: Live, event: str) -> dict[str, Any]:
    response = await live.lever.post("/v1/webhooks", json={"url": live.receiver.url, "event": event})
    assert response.status_code == 201, response.text
    return response.json()["data"]
