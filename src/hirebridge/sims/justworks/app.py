"""Assembles the simulator's ASGI application."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException

from hirebridge.sims.justworks import control, directory, oauth, people
from hirebridge.sims.justworks.errors import ApiError, fail, render
from hirebridge.sims.justworks.state import State
from hirebridge.sims.justworks.traffic import route_table, traffic


async def _api_error(_: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, ApiError)
    return render(exc)


async def _http_error(_: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, HTTPException)
    code = {404: "not_found", 405: "method_not_allowed"}.get(exc.status_code, "http_error")
    return render(fail(exc.status_code, code, str(exc.detail)))


def create_app(seed: dict[str, Any] | None = None) -> FastAPI:
    """A fresh simulator holding `seed` (see docs/sims/justworks.md), or the default Example Co."""
    app = FastAPI(title="Justworks simulator", docs_url=None, redoc_url=None, openapi_url=None)
    app.state.sim = State(seed=seed)
    app.add_exception_handler(ApiError, _api_error)
    app.add_exception_handler(HTTPException, _http_error)
    app.middleware("http")(traffic)
    mounted = [("", oauth.router), ("", directory.router)]
    for prefix, router in [*mounted, ("", control.router), ("", people.router)]:
        app.include_router(router, prefix=prefix)
    app.state.route_table = route_table(mounted)
    return app
