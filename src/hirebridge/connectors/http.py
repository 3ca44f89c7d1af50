"""The one HTTP policy every connector shares: rate limit, retries that honour Retry-After, errors.

Short waits are retried here, in the call; a wait longer than `max_inline_wait` is raised as
RateLimited so the queue can reschedule the whole job instead of holding a worker.
A write that is not idempotent is never resent here after an ambiguous failure (timeout, 5xx):
the ledger resolves it by its marker instead.
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from typing import Any, Protocol

import httpx2
import stamina
from aiolimiter import AsyncLimiter
from prometheus_client import Counter, Histogram

from hirebridge import __version__
from hirebridge.connectors.errors import RateLimited, ServiceUnavailable, TransientError, error_from_response

REQUESTS = Counter(
    "hirebridge_external_requests_total",
    "Requests sent to external systems.",
    ["service", "method", "status"],
)
LATENCY = Histogram("hirebridge_external_request_seconds", "Latency of external requests.", ["service"])
IDEMPOTENT_METHODS = frozenset({"GET", "HEAD", "PUT", "DELETE", "OPTIONS"})


class RequestLimiter(Protocol):
    """Where a request waits for its share of the account's rate limit."""

    async def acquire(self) -> None: ...

    async def throttled(self) -> None:
        """The external system answered 429: the limit is spent, whatever the limiter thought."""


class LocalLimit:
    """A token bucket of this process alone (for an account no other process calls)."""

    def __init__(self, requests_per_second: float, burst: int) -> None:
        self._limiter = AsyncLimiter(burst, burst / requests_per_second)

    async def acquire(self) -> None:
        await self._limiter.acquire()

    async def throttled(self) -> None:
        return None


class ServiceClient:
    def __init__(
        self,
        *,
        service: str,
        base_url: str,
        auth: httpx2.Auth | tuple[str, str] | None,
        requests_per_second: float,
        burst: int | None = None,
        transport: httpx2.AsyncBaseTransport | None = None,
        timeout: float = 30.0,
        attempts: int = 5,
        max_inline_wait: float = 30.0,
        headers: Mapping[str, str] | None = None,
        limiter: RequestLimiter | None = None,
    ) -> None:
        self.service = service
        burst = burst or max(1, int(requests_per_second))
        self._limiter = limiter or LocalLimit(requests_per_second, burst)
        self._attempts = attempts
        self._max_inline_wait = max_inline_wait
        self._client = httpx2.AsyncClient(
            base_url=base_url.rstrip("/"),
            auth=auth,
            transport=transport,
            timeout=timeout,
            headers={
                "User-Agent": f"hirebridge/{__version__}",
                "Accept": "application/json",
                **(headers or {}),
            },
        )

    async def aclose(self) -> None:
        await self._client.aclose()

    async def request(
        self,
        method: str,
        path: str,
        *,
        params: Mapping[str, Any] | list[tuple[str, Any]] | None = None,
        json: Any = None,
        data: Mapping[str, str] | None = None,
        idempotent: bool | None = None,
    ) -> httpx2.Response:
        """Send one request; return the 2xx response or raise a ConnectorError."""
        safe_to_resend = method in IDEMPOTENT_METHODS if idempotent is None else idempotent

        def retry_on(exc: Exception) -> bool | float:
            if isinstance(exc, RateLimited):
                if exc.retry_after is None:
                    return True
                return exc.retry_after if exc.retry_after <= self._max_inline_wait else False
            if isinstance(exc, _NotSent):
                return True
            return isinstance(exc, TransientError) and safe_to_resend

        try:
            async for attempt in stamina.retry_context(
                on=retry_on,
                attempts=self._attempts,
                timeout=self._max_inline_wait * 2,
                wait_initial=0.2,
                wait_max=5.0,
            ):
                with attempt:
                    return await self._send_once(method, path, params=params, json=json, data=data)
        except _NotSent as exc:
            raise ServiceUnavailable(str(exc), service=self.service) from exc
        raise AssertionError("unreachable")  # pragma: no cover

    async def _send_once(
        self, method: str, path: str, *, params: Any, json: Any, data: Mapping[str, str] | None = None
    ) -> httpx2.Response:
        await self._limiter.acquire()
        started = time.perf_counter()
        try:
            response = await self._client.request(method, path, params=params, json=json, data=data)
        except httpx2.ConnectError as exc:
            REQUESTS.labels(self.service, method, "connect-error").inc()
            raise _NotSent(f"{self.service} unreachable: {exc}") from exc
        except httpx2.TransportError as exc:
            REQUESTS.labels(self.service, method, "transport-error").inc()
            raise ServiceUnavailable(
                f"{self.service}: {type(exc).__name__} on {method} {path}", service=self.service
            ) from exc
        finally:
            LATENCY.labels(self.service).observe(time.perf_counter() - started)
        REQUESTS.labels(self.service, method, str(response.status_code)).inc()
        if response.is_success:
            return response
        if response.status_code == 429:
            await self._limiter.throttled()
        raise error_from_response(self.service, response)


class _NotSent(TransientError):
    """The request never reached the external system, so sending it again is always safe."""
