"""When a failed reconcile runs again: a pure policy over the exception and the attempt count."""

from __future__ import annotations

import random
from datetime import datetime

import psycopg
from procrastinate.jobs import Job
from procrastinate.retry import BaseRetryStrategy, RetryDecision

from hirebridge.connectors.errors import RateLimited, TransientError
from hirebridge.errors import DatabaseError


class RetryLater(TransientError):
    """The reconcile must wait before it can safely go on (e.g. for Jira search to catch up)."""

    def __init__(self, message: str, *, at: datetime) -> None:
        super().__init__(message)
        self.at = at


def backoff_seconds(attempts: int, *, base: float = 1.0, cap: float = 300.0, jitter: float = 0.25) -> float:
    """Exponential backoff with proportional jitter: 1, 2, 4 … seconds, capped."""
    delay = min(cap, base * 2 ** max(0, attempts))
    return delay * (1 + random.uniform(-jitter, jitter))


class ReconcileRetry(BaseRetryStrategy):
    """Transient failures are retried with backoff (or when the external system says); others are not:
    a permanent failure of one effect is parked in the ledger, and a bug should not spin."""

    def __init__(self, *, max_attempts: int = 12, base: float = 1.0, cap: float = 300.0) -> None:
        self.max_attempts = max_attempts
        self.base = base
        self.cap = cap

    def get_retry_decision(self, *, exception: BaseException, job: Job) -> RetryDecision | None:
        if isinstance(exception, RetryLater):
            return RetryDecision(retry_at=exception.at)
        if job.attempts >= self.max_attempts:
            return None
        if isinstance(exception, RateLimited) and exception.retry_after is not None:
            return RetryDecision(retry_in={"seconds": max(1, int(exception.retry_after + 0.999))})
        if isinstance(exception, TransientError | DatabaseError | psycopg.OperationalError):
            return RetryDecision(
                retry_in={"seconds": backoff_seconds(job.attempts, base=self.base, cap=self.cap)}
            )
        return None
