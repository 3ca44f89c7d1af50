"""Candidates and requisitions: search by name or Lever id, each one's timeline with why every
recipe applied or not, the plan a reconcile would carry out now, and (operators) running it."""

from __future__ import annotations

import structlog
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from hirebridge.connectors.errors import ConnectorError
from hirebridge.errors import loggable
from hirebridge.web.console.access import ConsoleRoute, allows
from hirebridge.web.console.context import facade, session
from hirebridge.web.console.paging import page_number, subject_of, subject_path, text_param
from hirebridge.web.console.render import error_page, render

log = structlog.get_logger(__name__)
PER_PAGE = 25
NOTICES = {"queued": "A reconcile was queued: this page shows it once it ran."}


async def search(request: Request) -> Response:
    text = text_param(request, "q")
    page = page_number(request)
    viewer = not allows(session(request).role, "operator")
    results = (
        await facade(request).search(text, page=page, per_page=PER_PAGE, viewer=viewer) if text else None
    )
    return render(
        request,
        "subjects.html",
        title="Candidates & requisitions",
        q=text,
        results=results,
        names=facade(request).name_search,
        subject_path=subject_path,
    )


async def timeline(request: Request) -> Response:
    subject = subject_of(request)
    if subject is None:
        return error_page(request, 404, "There is no such subject.")
    viewer = not allows(session(request).role, "operator")
    shown = await facade(request).timeline(subject, viewer=viewer)
    return render(
        request,
        "timeline.html",
        title=shown.display_name or f"{subject.kind} {subject.id}",
        timeline=shown,
        can_reconcile=not viewer,
        base=subject_path(subject),
        notice=NOTICES.get(request.query_params.get("notice", "")),
    )


async def plan(request: Request) -> Response:
    subject = subject_of(request)
    if subject is None:
        return error_page(request, 404, "There is no such subject.")
    try:
        planned = await facade(request).plan(subject)
    except ConnectorError as exc:  # Lever or Jira did not answer: say so, nothing was written
        log.warning("console plan failed", error=loggable(exc))
        return error_page(request, 503, "Lever or Jira could not be read just now; try again shortly.")
    return render(
        request,
        "plan.html",
        title=f"Plan for {subject.kind} {subject.id}",
        planned=planned,
        base=subject_path(subject),
        can_reconcile=allows(session(request).role, "operator"),
    )


async def reconcile(request: Request) -> Response:
    subject = subject_of(request)
    if subject is None:
        return error_page(request, 404, "There is no such subject.")
    await facade(request).reconcile(subject, session(request).email)
    return RedirectResponse(f"{subject_path(subject)}?notice=queued", status_code=303)


SUBJECT = "/console/subjects/{connection}/{kind}/{id}"
ROUTES = [
    ConsoleRoute("/console/subjects", search, role="viewer"),
    ConsoleRoute(SUBJECT, timeline, role="viewer"),
    ConsoleRoute(f"{SUBJECT}/plan", plan, role="viewer"),
    ConsoleRoute(f"{SUBJECT}/reconcile", reconcile, role="operator", methods=["POST"]),
]
