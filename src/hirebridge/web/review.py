"""The packet review page (U9): reached only through the unguessable link emailed to each admin.

It shows the packet and nothing more (no Lever profile, no files), lets the admin correct fields
(re-validated against Justworks' lists), and send or decline. Every answer is `no-store` and sends no
referrer, so the token in the address does not leak into caches or other sites' logs.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qsl

from jinja2 import Environment, PackageLoader, select_autoescape
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from starlette.routing import Route

from hirebridge.domain.packet import FIELD_NAMES, FIELDS, merged
from hirebridge.runtime.packets import PacketsPort
from hirebridge.store import packets as store
from hirebridge.web.pages import HEADERS

TEMPLATES = Environment(loader=PackageLoader("hirebridge.web", "templates"), autoescape=select_autoescape())
EDITABLE = frozenset({"held", "awaiting_review"})
PUBLIC = ("status", "pending_hire_id", "last_error", "decline_reason", "invite")


def _port(request: Request) -> PacketsPort | None:
    return request.app.state.service.extras.get("packets")


async def _packet(request: Request) -> tuple[PacketsPort, dict[str, Any]] | Response:
    port = _port(request)
    row = await store.by_token(request.app.state.pool, request.path_params["token"]) if port else None
    if port is None or row is None:
        return HTMLResponse("<h1>This link is not valid.</h1>", status_code=404, headers=HEADERS)
    return port, row


def _render(request: Request, row: dict[str, Any]) -> Response:
    values = merged(row["source"], row["corrections"])
    problems = row["problems"] or []
    if "application/json" in request.headers.get("accept", ""):
        body = {**{k: row[k] for k in PUBLIC}, "fields": values, "problems": problems}
        return JSONResponse(body, headers=HEADERS)
    by_field: dict[str, list[str]] = {}
    for p in problems:
        by_field.setdefault(p["field"] if p["field"] in FIELD_NAMES else "", []).append(p["message"])
    html = TEMPLATES.get_template("packet_review.html").render(
        packet=row,
        values=values,
        fields=FIELDS,
        problems=problems,
        problems_by_field=by_field,
        general_problems=by_field.get("", []),
        editable=row["status"] in EDITABLE,
        base=f"/review/packets/{request.path_params['token']}",
    )
    return HTMLResponse(html, headers=HEADERS)


async def _form(request: Request) -> dict[str, str]:
    """The posted form (urlencoded; the page's forms carry no files)."""
    return dict(parse_qsl((await request.body()).decode("utf-8", "replace"), keep_blank_values=True))


def _back(request: Request) -> Response:
    return RedirectResponse(
        f"/review/packets/{request.path_params['token']}", status_code=303, headers=HEADERS
    )


async def show(request: Request) -> Response:
    found = await _packet(request)
    return found if isinstance(found, Response) else _render(request, found[1])


async def correct(request: Request) -> Response:
    found = await _packet(request)
    if isinstance(found, Response):
        return found
    port, row = found
    values = {k: v for k, v in (await _form(request)).items() if k in FIELD_NAMES}
    if row["status"] in EDITABLE:
        await port.correct(row, values)
    return _back(request)


async def send(request: Request) -> Response:
    found = await _packet(request)
    if isinstance(found, Response):
        return found
    port, row = found
    await port.send(row, row["link_admin"])
    return _back(request)


async def decline(request: Request) -> Response:
    found = await _packet(request)
    if isinstance(found, Response):
        return found
    port, row = found
    reason = (await _form(request)).get("reason", "").strip()[:500] or None
    await port.decline(row, row["link_admin"], reason)
    return _back(request)


ROUTES = [
    Route("/review/packets/{token}", show, methods=["GET"]),
    Route("/review/packets/{token}/fields", correct, methods=["POST"]),
    Route("/review/packets/{token}/send", send, methods=["POST"]),
    Route("/review/packets/{token}/decline", decline, methods=["POST"]),
]
