"""Assembles the simulator's ASGI application and serves it with uvicorn."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import uvicorn
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Router

from hirebridge.sims.jira import (
    routes_comments,
    routes_createmeta,
    routes_issuelinks,
    routes_issues,
    routes_jsm,
    routes_meta,
    routes_projects,
    routes_properties,
    routes_remotelinks,
    routes_search,
    routes_sim,
    routes_webhooks,
)
from hirebridge.sims.jira.middleware import TOKEN, SimMiddleware
from hirebridge.sims.jira.seeding import load_issues
from hirebridge.sims.jira.state import State

ADMIN = "admin@example.com"


async def _not_found(request: Request, exc: Exception) -> JSONResponse:
    return JSONResponse(
        {"errorMessages": ["null for uri: " + str(request.url)], "errors": {}}, status_code=404
    )


async def _not_allowed(request: Request, exc: Exception) -> JSONResponse:
    return JSONResponse({"errorMessages": ["Method Not Allowed"], "errors": {}}, status_code=405)


def create_app(seed: dict[str, Any] | None = None) -> Starlette:
    """The Jira Cloud simulator as an ASGI app; `seed=None` is the default site (`default_site.json`)."""
    state = State(seed)
    load_issues(state)
    routes = [
        *routes_sim.ROUTES,
        *routes_meta.ROUTES,
        *routes_projects.ROUTES,
        *routes_createmeta.ROUTES,
        *routes_search.ROUTES,
        *routes_issues.ROUTES,
        *routes_comments.ROUTES,
        *routes_remotelinks.ROUTES,
        *routes_properties.ROUTES,
        *routes_issuelinks.ROUTES,
        *routes_webhooks.ROUTES,
        *routes_jsm.ROUTES,
    ]
    router = Router(routes)
    app = Starlette(
        routes=routes,
        middleware=[Middleware(SimMiddleware, state=state, router=router)],
        exception_handlers={404: _not_found, 405: _not_allowed},
    )
    app.state.sim = state
    return app


def serve(port: int, seed: Path | None, host: str = "127.0.0.1") -> None:
    """Runs the simulator until interrupted."""
    data = json.loads(seed.read_text("utf-8")) if seed is not None else None
    app = create_app(data)
    user = app.state.sim.site.user_by_email(ADMIN) or next(iter(app.state.sim.site.users.values()))
    print(f"Jira simulator on http://{host}:{port} (Basic {user['email']} / {TOKEN})", flush=True)
    uvicorn.run(app, host=host, port=port, log_level="warning")
