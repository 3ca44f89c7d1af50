"""Errors of the external systems, split into transient (retried) and permanent (parked)."""

from __future__ import annotations

import email.utils
import time
from datetime import UTC

import httpx2

from hirebridge.errors import HirebridgeError


class ConnectorError(HirebridgeError):
    """An external system did not do what was asked."""

    def __init__(
        self,
        message: str | None = None,
        *,
        service: str = "",
        status: int | None = None,
        body: object = None,
        summary: str | None = None,
    ) -> None:
        super().__init__(message)
        self.service = service
        self.status = status
        self.body = body
        # The message without the external system's own words, which may echo what was sent to it
        # (Jira: "The label 'Ada Lindqvist' contains spaces"): what logs carry.
        self.summary = summary or self.message


class TransientError(ConnectorError):
    """The external system failed in a way that may pass; the work is retried with backoff."""


class RateLimited(TransientError):
    """The external system asked us to slow down."""

    def __init__(
        self, message: str | None = None, *, retry_after: float | None = None, **kwargs: object
    ) -> None:
        super().__init__(message, **kwargs)  # type: ignore[arg-type]
        self.retry_after = retry_after


class ServiceUnavailable(TransientError):
    """The external system is down, overloaded or unreachable."""


class PermanentError(ConnectorError):
    """The external system refused the request; sending it again unchanged will not help."""


class Unauthorized(PermanentError):
    """The credentials were refused; fix the connection's credentials."""


class NotConnected(Unauthorized):
    """The OAuth connection holds no tokens: run `hirebridge connections connect NAME` and authorize
    hirebridge as an admin of the service."""


class GrantRefused(Unauthorized):
    """The service refused the refresh token (expired, revoked by an admin, or presented twice):
    connect again with `hirebridge connections connect NAME`."""


class NotFound(PermanentError):
    """The object does not exist (or is not visible to these credentials)."""


class Rejected(PermanentError):
    """The external system rejected the request as invalid."""


def parse_retry_after(value: str | None, *, now: float | None = None) -> float | None:
    """Retry-After as seconds: either delta-seconds or an HTTP-date (RFC 9110 §10.2.3)."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, when.timestamp() - (now if now is not None else time.time()))


def _json(response: httpx2.Response) -> object:
    try:
        return response.json()
    except ValueError:
        return None


def _detail(response: httpx2.Response) -> str:
    body = _json(response)
    if body is None:
        return response.text[:300]
    if isinstance(body, dict):
        parts = [str(m) for m in body.get("errorMessages") or ()]
        errors = body.get("errors")
        if isinstance(errors, dict):
            parts += [f"{k}: {v}" for k, v in errors.items()]
        elif isinstance(errors, list):  # bulk create: one entry per failed element
            parts += [str(e.get("elementErrors", e)) for e in errors if isinstance(e, dict)]
        if body.get("message"):
            parts.append(str(body["message"]))
        if parts:
            return "; ".join(parts)[:500]
    return str(body)[:300]


def error_from_response(service: str, response: httpx2.Response) -> ConnectorError:
    status = response.status_code
    request = response.request
    summary = f"{service} answered {status} to {request.method} {request.url.path}"
    text = f"{summary}: {_detail(response)}"
    common: dict[str, object] = {
        "service": service,
        "status": status,
        "body": _json(response),
        "summary": summary,
    }
    if status == 429:
        return RateLimited(text, retry_after=parse_retry_after(response.headers.get("Retry-After")), **common)
    if status >= 500 or status in (408, 409, 425):
        return ServiceUnavailable(text, **common)  # type: ignore[arg-type]
    if status in (401, 403):
        return Unauthorized(text, **common)  # type: ignore[arg-type]
    if status in (404, 410):
        return NotFound(text, **common)  # type: ignore[arg-type]
    return Rejected(text, **common)  # type: ignore[arg-type]
