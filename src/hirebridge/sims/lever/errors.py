"""Lever's error body, `{"code", "message"}`, and the handlers that produce it for every failure."""

from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException

CODES = {
    400: "BadRequestError",
    401: "UnauthorizedError",
    403: "ForbiddenError",
    404: "ResourceNotFound",
    405: "MethodNotAllowed",
    429: "TooManyRequests",
    500: "InternalServerError",
    503: "ServiceUnavailable",
}


class LeverError(Exception):
    def __init__(self, status: int, message: str, code: str | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.code = code or CODES.get(status, "Error")


def error_response(status: int, message: str, code: str | None = None) -> JSONResponse:
    body = {"code": code or CODES.get(status, "Error"), "message": message}
    return JSONResponse(body, status_code=status)


def bad_request(message: str) -> LeverError:
    return LeverError(400, message)


def not_found(kind: str, ident: str) -> LeverError:
    return LeverError(404, f"{kind} {ident} was not found")


async def _lever_error(_: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, LeverError)
    return error_response(exc.status, exc.message, exc.code)


async def _http_error(_: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, HTTPException)
    message = "Not found" if exc.status_code == 404 else str(exc.detail)
    return error_response(exc.status_code, message)


async def _malformed(_: Request, exc: Exception) -> JSONResponse:
    # Type errors while reading a request body mean the body has the wrong shape.
    return error_response(400, f"Malformed request: {type(exc).__name__}: {exc}")


async def _crash(_: Request, exc: Exception) -> JSONResponse:
    return error_response(500, f"Internal server error: {type(exc).__name__}")


def install(app: FastAPI) -> None:
    app.add_exception_handler(LeverError, _lever_error)
    app.add_exception_handler(HTTPException, _http_error)
    for kind in (TypeError, ValueError, AttributeError, KeyError):
        app.add_exception_handler(kind, _malformed)
    app.add_exception_handler(Exception, _crash)
