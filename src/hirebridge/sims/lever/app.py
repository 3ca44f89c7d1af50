"""Assembling the simulator into an ASGI app, and running it under uvicorn."""

from __future__ import annotations

import contextlib
import sys
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import uvicorn
from fastapi import FastAPI

from hirebridge.sims.lever import (
    api_interviews,
    api_notes,
    api_opportunities,
    api_profile,
    api_reference,
    api_requisitions,
    api_webhooks,
    control,
    errors,
    oauth,
)
from hirebridge.sims.lever.api_webhooks import EVENTS
from hirebridge.sims.lever.company import API_KEY, load_seed
from hirebridge.sims.lever.gate import Gate
from hirebridge.sims.lever.sim import Sim


def create_app(seed: dict[str, Any] | None = None, webhook_settings: dict[str, Any] | None = None) -> FastAPI:
    """The Lever simulator as an ASGI app; `seed=None` starts from the default company;
    `webhook_settings` as `POST /_sim/webhook_settings` takes them."""
    sim = Sim(seed)
    if webhook_settings:
        sim.webhook_settings.update(webhook_settings, EVENTS)

    @contextlib.asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        yield
        await sim.deliveries.aclose()

    app = FastAPI(title="Lever simulator", lifespan=lifespan, docs_url=None, redoc_url=None, openapi_url=None)
    app.state.sim = sim
    errors.install(app)
    app.add_middleware(Gate)
    for module in (
        api_opportunities,
        api_profile,
        api_notes,
        api_interviews,
        api_reference,
        api_requisitions,
        api_webhooks,
    ):
        app.include_router(module.router)
    app.include_router(control.router)
    app.include_router(oauth.router)
    return app


def serve(
    port: int, seed: Path | None, host: str = "127.0.0.1", webhook_settings: dict[str, Any] | None = None
) -> None:
    """Run the simulator until interrupted; `webhook_settings` as `POST /_sim/webhook_settings` takes."""
    app = create_app(load_seed(seed), webhook_settings)
    keys = ", ".join(app.state.sim.store.keys) or API_KEY
    print(f"Lever simulator on http://{host}:{port} (API key: {keys})", flush=True)
    sys.stdout.flush()
    uvicorn.run(app, host=host, port=port, log_level="warning")
