"""The one error body used by every simulated endpoint except the OAuth token endpoint."""

from __future__ import annotations

from typing import Any

from fastapi.responses import JSONResponse


class ApiError(Exception):
    """Raised by handlers; rendered as `{"errors": [{field, code, message}]}`."""

    def __init__(
        self, status: int, errors: list[dict[str, Any]], headers: dict[str, str] | None = None
    ) -> None:
        super().__init__(errors[0]["message"] if errors else str(status))
        self.status = status
        self.errors = errors
        self.headers = headers or {}


def error(field: str | None, code: str, message: str) -> dict[str, Any]:
    return {"field": field, "code": code, "message": message}


def fail(status: int, code: str, message: str, field: str | None = None) -> ApiError:
    return ApiError(status, [error(field, code, message)])


def render(exc: ApiError) -> JSONResponse:
    return JSONResponse({"errors": exc.errors}, status_code=exc.status, headers=exc.headers)
