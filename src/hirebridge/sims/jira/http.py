"""Request helpers shared by the route modules: context, JSON bodies, paging and route tables."""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from hirebridge.sims.jira.errors import JiraError
from hirebridge.sims.jira.state import State

Handler = Callable[[Request], Awaitable[Response]]


@dataclass
class Ctx:
    state: State
    base: str
    v: str
    actor: str


def ctx(request: Request) -> Ctx:
    path = request.url.path
    # `latest` is version 2 on Cloud (wiki-markup strings, not ADF).
    version = "2" if path.startswith(("/rest/api/2/", "/rest/api/latest/")) else "3"
    base = str(request.base_url).rstrip("/")
    return Ctx(request.app.state.sim, base, version, request.scope.get("state", {}).get("actor", ""))


async def body(request: Request, required: bool = True) -> Any:
    raw = await request.body()
    if not raw.strip():
        if required:
            raise JiraError(400, ["No content to map due to end-of-input"], {})
        return None
    try:
        return json.loads(raw)
    except ValueError:
        raise JiraError(
            400, ["Unexpected character in the request body: it is not valid JSON."], {}
        ) from None


def ok(data: Any, status: int = 200) -> JSONResponse:
    return JSONResponse(data, status_code=status)


def empty(status: int = 204) -> Response:
    return Response(status_code=status)


def csv_params(request: Request, name: str) -> list[str] | None:
    values = request.query_params.getlist(name)
    return [p for v in values for p in v.split(",") if p] if values else None


def int_param(request: Request, name: str, default: int) -> int:
    raw = request.query_params.get(name)
    if raw is None:
        return default
    try:
        return int(raw)
    except ValueError:
        raise JiraError(400, [f"The '{name}' parameter must be an integer."], {}) from None


def guarded(handler: Handler) -> Handler:
    async def run(request: Request) -> Response:
        try:
            return await handler(request)
        except JiraError as exc:
            return exc.response()

    run.__name__ = handler.__name__
    return run


def platform(table: list[tuple[str, list[str], Handler]]) -> list[Route]:
    """The same handlers under `/rest/api/3`, `/rest/api/2` and `/rest/api/latest` (as 2); rich text
    differs by version."""
    return [
        Route(f"/rest/api/{v}{path}", guarded(handler), methods=methods)
        for v in ("3", "2", "latest")
        for path, methods, handler in table
    ]


def plain(table: list[tuple[str, list[str], Handler]]) -> list[Route]:
    return [Route(path, guarded(handler), methods=methods) for path, methods, handler in table]
