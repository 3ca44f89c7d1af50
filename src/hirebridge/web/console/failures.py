"""Parked effects, with the reason redacted as in logs, grouped by cause; operators retry one, or
every effect of one cause (as `hirebridge replay` does)."""

from __future__ import annotations

from urllib.parse import urlencode

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from hirebridge.web.console.access import ConsoleRoute, allows
from hirebridge.web.console.context import facade, form, session
from hirebridge.web.console.paging import page_number, subject_path, text_param
from hirebridge.web.console.render import render

PER_PAGE = 50


def _notice(request: Request) -> str | None:
    retried = request.query_params.get("retried")
    if retried is None or not retried.isdigit():
        return {"none": "Nothing was retried: it is no longer parked."}.get(retried or "")
    n = int(retried)
    return f"{n} effect{'s' if n != 1 else ''} queued again: they leave this list once they ran."


async def failures(request: Request) -> Response:
    cause = text_param(request, "cause", limit=500) or None
    page = await facade(request).failures(cause, page=page_number(request), per_page=PER_PAGE)
    causes = await facade(request).causes()
    return render(
        request,
        "failures.html",
        title="Failures",
        page=page,
        cause=cause,
        causes=causes,
        can_retry=allows(session(request).role, "operator"),
        notice=_notice(request),
        subject_path=subject_path,
    )


def _back(cause: str | None, retried: str) -> Response:
    query = urlencode({k: v for k, v in (("cause", cause), ("retried", retried)) if v})
    return RedirectResponse(f"/console/failures?{query}", status_code=303)


async def retry(request: Request) -> Response:
    posted = await form(request)
    done = await facade(request).retry(posted.get("effect", "")[:500], session(request).email)
    return _back(posted.get("back_cause") or None, "1" if done else "none")


async def retry_cause(request: Request) -> Response:
    cause = (await form(request)).get("cause", "")[:500]
    count = await facade(request).retry_cause(cause, session(request).email) if cause else 0
    return _back(None, str(count) if count else "none")


ROUTES = [
    ConsoleRoute("/console/failures", failures, role="viewer"),
    ConsoleRoute("/console/failures/retry", retry, role="operator", methods=["POST"]),
    ConsoleRoute("/console/failures/retry-cause", retry_cause, role="operator", methods=["POST"]),
]
