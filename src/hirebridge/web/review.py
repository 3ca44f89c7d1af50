"""The packet review page (U9): reached only through the unguessable link emailed to each admin.

Justworks' Partner API creates no hires, so this page is what the admin types from: the packet in the
order of Justworks' "Add a person" form, with choices from Justworks' own lists, a copy button per
field and the link to open Justworks. The admin can correct fields (re-validated against Justworks'
lists), then record that the person was added in Justworks (who and when are kept), or decline. It
shows the packet, the candidate's name and Lever link, nothing more (no profile, no files). Every
answer is `no-store` and sends no referrer, so the token in the address does not leak into caches or
other sites' logs.
"""

from __future__ import annotations

from importlib import resources
from typing import Any
from urllib.parse import parse_qsl

import structlog
from jinja2 import Environment, PackageLoader, select_autoescape
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from starlette.routing import Route

from hirebridge.connectors.errors import ConnectorError
from hirebridge.domain.packet import FIELD_NAMES, Directory, merged
from hirebridge.errors import loggable
from hirebridge.runtime.packets import PacketsPort, full_name
from hirebridge.web.pages import HEADERS
from hirebridge.web.review_form import form_inputs

log = structlog.get_logger(__name__)
TEMPLATES = Environment(loader=PackageLoader("hirebridge.web", "templates"), autoescape=select_autoescape())
EDITABLE = frozenset({"held", "awaiting_review"})
PUBLIC = (
    "status",
    "reviewed_by",
    "reviewed_at",
    "member_id",
    "matched_by",
    "match_flag",
    "decline_reason",
    "last_error",
)
# The copy buttons' script is a static file of this origin: no inline script is allowed.
PAGE_HEADERS = {
    **HEADERS,
    "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'; script-src 'self'; "
    "form-action 'self'",
}
SCRIPT = resources.files("hirebridge.web").joinpath("static/review.js").read_bytes()


def _port(request: Request) -> PacketsPort | None:
    return request.app.state.service.packets


async def _packet(request: Request) -> tuple[PacketsPort, dict[str, Any]] | Response:
    port = _port(request)
    row = await port.by_link(request.path_params["token"]) if port else None
    if port is None or row is None:
        return HTMLResponse("<h1>This link is not valid.</h1>", status_code=404, headers=HEADERS)
    return port, row


async def _directory(port: PacketsPort, row: dict[str, Any]) -> Directory | None:
    try:
        return await port.directory(row["justworks_connection"])
    except ConnectorError as exc:  # the page still shows the packet, with plain inputs
        log.warning("justworks lists unavailable for the review page", error=loggable(exc))
        return None


async def _render(request: Request, port: PacketsPort, row: dict[str, Any]) -> Response:
    values = merged(row["source"], row["corrections"])
    problems = row["problems"] or []
    lever_url = str(row["source"].get("lever_url") or "")
    directory = await _directory(port, row)
    inputs = form_inputs(values, directory)
    if "application/json" in request.headers.get("accept", ""):
        body = {
            **{k: row[k] for k in PUBLIC},
            "candidate": full_name(row),
            "lever_url": lever_url,
            "fields": values,
            # What the page shows for Justworks' form: the input's value and the text to type.
            "form": {i.name: {"value": i.value, "copy": i.copy} for i in inputs},
            "problems": problems,
        }
        return JSONResponse(_jsonable(body), headers=HEADERS)
    by_field: dict[str, list[str]] = {}
    for p in problems:
        by_field.setdefault(p["field"] if p["field"] in FIELD_NAMES else "", []).append(p["message"])
    html = TEMPLATES.get_template("packet_review.html").render(
        packet=row,
        candidate=full_name(row) or "The candidate",
        lever_url=lever_url if lever_url.startswith(("https://", "http://")) else "",
        justworks_url=port.connections[row["justworks_connection"]].app_url,
        inputs=inputs,
        lists_missing=directory is None,
        problems=problems,
        problems_by_field=by_field,
        general_problems=by_field.get("", []),
        editable=row["status"] in EDITABLE,
        base=f"/review/packets/{request.path_params['token']}",
    )
    return HTMLResponse(html, headers=PAGE_HEADERS)


def _jsonable(body: dict[str, Any]) -> dict[str, Any]:
    return {k: v.isoformat() if hasattr(v, "isoformat") else v for k, v in body.items()}


async def _form(request: Request) -> dict[str, str]:
    """The posted form (urlencoded; the page's forms carry no files)."""
    return dict(parse_qsl((await request.body()).decode("utf-8", "replace"), keep_blank_values=True))


def _back(request: Request) -> Response:
    return RedirectResponse(
        f"/review/packets/{request.path_params['token']}", status_code=303, headers=HEADERS
    )


async def show(request: Request) -> Response:
    found = await _packet(request)
    return found if isinstance(found, Response) else await _render(request, *found)


async def correct(request: Request) -> Response:
    found = await _packet(request)
    if isinstance(found, Response):
        return found
    port, row = found
    values = {k: v for k, v in (await _form(request)).items() if k in FIELD_NAMES}
    if row["status"] in EDITABLE:
        await port.correct(row, values)
    return _back(request)


async def reviewed(request: Request) -> Response:
    found = await _packet(request)
    if isinstance(found, Response):
        return found
    port, row = found
    await port.reviewed(row, row["link_admin"])
    return _back(request)


async def decline(request: Request) -> Response:
    found = await _packet(request)
    if isinstance(found, Response):
        return found
    port, row = found
    reason = (await _form(request)).get("reason", "").strip()[:500] or None
    await port.decline(row, row["link_admin"], reason)
    return _back(request)


async def script(request: Request) -> Response:
    return Response(SCRIPT, media_type="text/javascript", headers={"Cache-Control": "max-age=3600"})


ROUTES = [
    Route("/review/static/review.js", script, methods=["GET"]),
    Route("/review/packets/{token}", show, methods=["GET"]),
    Route("/review/packets/{token}/fields", correct, methods=["POST"]),
    Route("/review/packets/{token}/reviewed", reviewed, methods=["POST"]),
    Route("/review/packets/{token}/decline", decline, methods=["POST"]),
]
