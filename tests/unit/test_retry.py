from __future__ import annotations

from datetime import UTC, datetime

import pytest
from procrastinate.jobs import Job

from hirebridge.connectors.errors import RateLimited, Rejected, ServiceUnavailable
from hirebridge.runtime.retry import ReconcileRetry, RetryLater, backoff_seconds


def job(attempts: int) -> Job:
    return Job(id=1, queue="reconcile", lock=None, queueing_lock=None, task_name="t", attempts=attempts)


AT = datetime(2030, 1, 1, tzinfo=UTC)


@pytest.mark.parametrize(
    ("exception", "attempts", "retried"),
    [
        (ServiceUnavailable("503"), 0, True),
        (ServiceUnavailable("503"), 11, True),
        (ServiceUnavailable("503"), 12, False),
        (RateLimited("429", retry_after=7), 3, True),
        (Rejected("400"), 0, False),
        (ValueError("a bug"), 0, False),
        (RetryLater("search lag", at=AT), 50, True),
    ],
)
def test_decisions(exception: BaseException, attempts: int, retried: bool) -> None:
    decision = ReconcileRetry().get_retry_decision(exception=exception, job=job(attempts))
    assert (decision is not None) is retried


def test_retry_after_and_retry_later_are_honoured() -> None:
    strategy = ReconcileRetry()
    limited = strategy.get_retry_decision(exception=RateLimited("429", retry_after=7.2), job=job(1))
    assert limited is not None and limited.retry_at is not None
    later = strategy.get_retry_decision(exception=RetryLater("lag", at=AT), job=job(1))
    assert later is not None and later.retry_at == AT


def test_backoff_grows_and_is_capped() -> None:
    delays = [backoff_seconds(n, jitter=0) for n in range(12)]
    assert delays[:4] == [1, 2, 4, 8]
    assert max(delays) == 300
