"""What a request that failed is answered, and the one log line it costs.

The database being away is a 503 (the sender tries again: Lever and Jira both retry a 5xx), data
the database refuses a 400; anything else is a 500 whose log line names the exception and where it
was raised, never its traceback, its locals or the request: a request from anyone must not be able
to fill the log.
"""

from __future__ import annotations

import traceback

import psycopg
import structlog
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from hirebridge.errors import DatabaseError, UnstorableEvent
from hirebridge.web.bodies import BadBody
from hirebridge.web.console.render import failure_page

log = structlog.get_logger(__name__)

RETRY_AFTER_SECONDS = 5


def failure_response(exc: BaseException) -> Response:
    if isinstance(exc, BadBody):
        return JSONResponse({"error": str(exc)}, status_code=exc.status)
    if isinstance(exc, UnstorableEvent | psycopg.DataError):
        return JSONResponse({"error": "the request carries data that cannot be stored"}, status_code=400)
    if isinstance(exc, DatabaseError | psycopg.OperationalError | psycopg.InterfaceError):
        return JSONResponse(
            {"error": "the database is unavailable; try again later"},
            status_code=503,
            headers={"Retry-After": str(RETRY_AFTER_SECONDS)},
        )
    return JSONResponse({"error": "internal error"}, status_code=500)


def log_failure(path: str, exc: BaseException) -> None:
    frames = traceback.extract_tb(exc.__traceback__)
    where = f"{frames[-1].filename.rsplit('/', 1)[-1]}:{frames[-1].lineno}" if frames else "?"
    log.error(
        "request failed",
        path=path[:200],
        error=f"{type(exc).__name__}: {exc}".splitlines()[0][:300] if str(exc) else type(exc).__name__,
        at=where,
    )


async def database_failure(request: Request, exc: Exception) -> Response:
    """The application's handler for database errors (routes other than the webhooks'); the console's
    pages are answered as a page, with the console's headers."""
    log_failure(request.url.path, exc)
    response = failure_response(exc)
    if request.url.path == "/console" or request.url.path.startswith("/console/"):
        page = failure_page(request, response.status_code)
        if "retry-after" in response.headers:
            page.headers["Retry-After"] = response.headers["retry-after"]
        return page
    return response
