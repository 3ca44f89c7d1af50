"""Server-side rendering of console pages: one Jinja2 environment, one layout, the navigation each
role sees, and the signed-in session's CSRF token in every form."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from jinja2 import Environment, PackageLoader, select_autoescape
from starlette.requests import Request
from starlette.responses import HTMLResponse

from hirebridge.web.console.headers import secured
from hirebridge.web.console.roles import allows

TEMPLATES = Environment(
    loader=PackageLoader("hirebridge.web", "templates"), autoescape=select_autoescape(default=True)
)
NAV = (
    ("/console", "Overview", "viewer"),
    ("/console/subjects", "Candidates & requisitions", "viewer"),
    ("/console/failures", "Failures", "viewer"),
    ("/console/packets", "Justworks packets", "viewer"),
    ("/console/recipes", "Recipes", "viewer"),
    ("/console/audit", "Audit", "viewer"),
    ("/console/users", "Users", "admin"),
)


def _when(value: datetime | None) -> str:
    return value.strftime("%Y-%m-%d %H:%M:%S UTC") if value else "—"


TEMPLATES.filters["when"] = _when


def render(request: Request, template: str, *, status: int = 200, **values: Any) -> HTMLResponse:
    current = getattr(request.state, "console_session", None)
    nav = [
        (href, label, request.url.path == href or (href != "/console" and request.url.path.startswith(href)))
        for href, label, role in NAV
        if current is not None and allows(current.role, role)
    ]
    html = TEMPLATES.get_template(f"console/{template}").render(
        session=current, csrf=current.csrf if current else "", nav=nav, path=request.url.path, **values
    )
    return secured(HTMLResponse(html, status_code=status))


def error_page(request: Request, status: int, message: str) -> HTMLResponse:
    return render(request, "error.html", status=status, status_code=status, message=message)


FAILURES = {
    400: "This request carries data that cannot be stored.",
    503: "The database is unavailable just now; try again shortly.",
}


def failure_page(request: Request, status: int) -> HTMLResponse:
    """A request the service could not serve (web/failures.py), as a console page."""
    return error_page(
        request, status, FAILURES.get(status, "Something went wrong on our side; it was logged.")
    )
