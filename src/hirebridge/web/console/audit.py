"""The audit trail for a range of days, on the page and as CSV or JSON downloads (admins: it names
who signed in from where)."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from hirebridge.web.console.access import ConsoleRoute
from hirebridge.web.console.context import facade, session
from hirebridge.web.console.paging import day_range, subject_path
from hirebridge.web.console.render import error_page, render

SHOWN = 500
MAX_DAYS = 366


async def _range(request: Request) -> tuple[object, ...] | Response:
    found = day_range(request)
    if found is None:
        return error_page(request, 400, "Give the days as YYYY-MM-DD, the end not before the start.")
    if (found[1] - found[0]).days >= MAX_DAYS:
        return error_page(request, 400, f"At most {MAX_DAYS} days at once.")
    return found


async def audit(request: Request) -> Response:
    found = await _range(request)
    if isinstance(found, Response):
        return found
    first, last, start, end = found
    rows = await facade(request).audit(start, end)
    return render(
        request,
        "audit.html",
        title="Audit",
        rows=rows[-SHOWN:],
        total=len(rows),
        shown=SHOWN,
        first=first,
        last=last,
        subject_path=subject_path,
    )


async def export(request: Request) -> Response:
    found = await _range(request)
    if isinstance(found, Response):
        return found
    first, last, start, end = found
    fmt = request.path_params["format"]
    if fmt not in ("csv", "json"):
        return error_page(request, 404, "Export as audit.csv or audit.json.")
    body = await (facade(request).audit_csv if fmt == "csv" else facade(request).audit_json)(start, end)
    await facade(request).record(
        session(request).email, "console.audit_export", {"format": fmt, "start": str(first), "end": str(last)}
    )
    media = "text/csv; charset=utf-8" if fmt == "csv" else "application/json"
    name = f"hirebridge-audit-{first}-{last}.{fmt}"
    return Response(body, media_type=media, headers={"Content-Disposition": f'attachment; filename="{name}"'})


ROUTES = [
    ConsoleRoute("/console/audit", audit, role="admin"),
    ConsoleRoute("/console/audit.{format}", export, role="admin"),
]
