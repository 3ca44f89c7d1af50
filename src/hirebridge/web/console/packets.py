"""Justworks packets: pending, held (with the reasons), sent, declined; admins open a packet's
review page from here (the same page the emailed link opens)."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from hirebridge.web.console.access import ConsoleRoute, allows
from hirebridge.web.console.context import facade, session
from hirebridge.web.console.paging import page_number, subject_path
from hirebridge.web.console.render import error_page, render

PER_PAGE = 50
STATUSES = ("held", "awaiting_review", "sending", "sent", "declined", "withdrawn")


async def packets(request: Request) -> Response:
    status = request.query_params.get("status") or None
    if status is not None and status not in STATUSES:
        return error_page(request, 400, f"Unknown packet status; one of: {', '.join(STATUSES)}.")
    viewer = not allows(session(request).role, "operator")
    page = await facade(request).packets(status, page=page_number(request), per_page=PER_PAGE, viewer=viewer)
    return render(
        request,
        "packets.html",
        title="Justworks packets",
        page=page,
        wanted=status,
        statuses=STATUSES,
        can_review=allows(session(request).role, "admin"),
        subject_path=subject_path,
    )


async def review(request: Request) -> Response:
    link = await facade(request).review_link(request.path_params["packet"][:100], session(request).email)
    if link is None:
        return error_page(request, 404, "There is no such packet.")
    return RedirectResponse(link, status_code=303)


ROUTES = [
    ConsoleRoute("/console/packets", packets, role="viewer"),
    ConsoleRoute("/console/packets/{packet}/review", review, role="admin"),
]
