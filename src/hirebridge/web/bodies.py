"""Request bodies read and parsed within bounds, before anything else looks at them.

Python's JSON parser recurses once per nesting level: a body of a thousand `[` raised RecursionError
(a 500) before any signature was checked. Size and depth are therefore checked on the raw bytes
first; a webhook never needs more than a few levels or a few hundred kilobytes.
"""

from __future__ import annotations

import json
import re
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.types import Message, Receive, Scope

MAX_BODY_BYTES = 2 * 1024 * 1024
MAX_DEPTH = 64
_TOKENS = re.compile(rb'"(?:[^"\\]|\\.)*"|[\[\]{}]', re.DOTALL)


class BadBody(ValueError):
    """The body cannot be accepted; the message says why (for a 400 or 413)."""

    def __init__(self, message: str, *, status: int = 400) -> None:
        super().__init__(message)
        self.status = status


async def read_body(request: Request, *, limit: int = MAX_BODY_BYTES) -> bytes:
    """The whole body, refused (413) past `limit` bytes without reading the rest."""
    declared = request.headers.get("content-length")
    if declared is not None and (not declared.isdigit() or int(declared) > limit):
        raise BadBody(f"the body must be at most {limit} bytes", status=413)
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise BadBody(f"the body must be at most {limit} bytes", status=413)
        chunks.append(chunk)
    return b"".join(chunks)


def declared_too_large(scope: Scope, *, limit: int = MAX_BODY_BYTES) -> bool:
    """Whether the request says its body is longer than `limit` (or says it unreadably)."""
    for name, value in scope["headers"]:
        if name == b"content-length":
            return not value.isdigit() or int(value) > limit
    return False


def bounded_receive(receive: Receive, *, limit: int = MAX_BODY_BYTES) -> Receive:
    """`receive` for any route: a body past `limit` bytes raises BadBody (413) as it arrives."""
    received = 0

    async def bounded() -> Message:
        nonlocal received
        message = await receive()
        if message["type"] == "http.request":
            received += len(message.get("body", b""))
            if received > limit:
                raise BadBody(f"the body must be at most {limit} bytes", status=413)
        return message

    return bounded


async def bad_body(request: Request, exc: Exception) -> Response:
    """The application's handler for BadBody."""
    status = exc.status if isinstance(exc, BadBody) else 400
    return JSONResponse({"error": str(exc)}, status_code=status)


def nests_deeper(body: bytes, limit: int) -> bool:
    """Whether arrays and objects nest more than `limit` levels deep in `body` (strings skipped)."""
    if body.count(b"[") + body.count(b"{") <= limit:
        return False
    depth = 0
    for match in _TOKENS.finditer(body):
        token = match.group()
        if token in (b"[", b"{"):
            depth += 1
            if depth > limit:
                return True
        elif token in (b"]", b"}"):
            depth -= 1
    return False


def parse_json(body: bytes, *, max_depth: int = MAX_DEPTH) -> Any:
    """The JSON document in `body`; BadBody when it is malformed or nests deeper than `max_depth`."""
    if nests_deeper(body, max_depth):
        raise BadBody(f"malformed JSON: nested deeper than {max_depth} levels")
    try:
        return json.loads(body)
    except (ValueError, RecursionError) as exc:
        raise BadBody(f"malformed JSON: {str(exc)[:200]}") from None
