"""One Lever request budget per account, shared by every process, spent by priority.

Lever allows 10 requests/s per key with bursts of 20 and answers 429 past it, without Retry-After
(Lever's API reference, "Rate limits"). Every process (serve, workers, the CLI) takes each request
from one bucket in PostgreSQL (store/budget.py), so N processes together stay at the account's rate.
Live work (webhook-driven reconciles, writes) may queue behind the burst; the sweep and the offers
poll take a request only while the bucket keeps a reserve for live work, a backfill only while it
keeps a larger one: a backfill spends the rate live work leaves, and never empties the bucket.
"""

from __future__ import annotations

import asyncio
import contextlib
import random
import time
from collections.abc import Iterator
from contextvars import ContextVar
from typing import Literal

import psycopg
from prometheus_client import Counter, Histogram
from psycopg_pool import AsyncConnectionPool

from hirebridge.connectors.http import LocalLimit
from hirebridge.store import budget

Priority = Literal["live", "sweep", "background"]
PRIORITIES: tuple[Priority, ...] = ("live", "sweep", "background")
# Share of the burst each priority leaves in the bucket for the ones above it.
RESERVE: dict[Priority, float] = {"live": 0.0, "sweep": 0.25, "background": 0.5}
# How far behind the burst live work may queue before it waits and asks again.
LIVE_QUEUE_SECONDS = 30.0

WAIT = Histogram(
    "hirebridge_lever_budget_wait_seconds",
    "Time a Lever request waited for the account's shared budget, by priority.",
    ["connection", "priority"],
    buckets=(0.005, 0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60, 300),
)
GRANTED = Counter(
    "hirebridge_lever_budget_requests_total",
    "Lever requests granted by the account's shared budget, by priority.",
    ["connection", "priority"],
)
THROTTLED = Counter(
    "hirebridge_lever_budget_throttled_total",
    "429 answers from Lever (the shared bucket is emptied for every process).",
    ["connection"],
)

_current: ContextVar[Priority] = ContextVar("lever_priority", default="live")


def current_priority() -> Priority:
    return _current.get()


@contextlib.contextmanager
def spending(priority: Priority) -> Iterator[None]:
    """Lever requests made inside (in this task and the tasks it starts) take from `priority`."""
    token = _current.set(priority)
    try:
        yield
    finally:
        _current.reset(token)


def backlog_allowed(priority: Priority, *, rate: float, burst: float) -> float:
    """How spent (in seconds of the rate) the bucket may be for `priority` to take a request."""
    if priority == "live":
        return burst / rate + LIVE_QUEUE_SECONDS
    return max(0.0, burst * (1 - RESERVE[priority]) - 1) / rate


class SharedBudget:
    """The limiter of one Lever connection's client (connectors/http.py `RequestLimiter`)."""

    def __init__(self, pool: AsyncConnectionPool, connection: str, *, rate: float, burst: float) -> None:
        self.pool, self.connection, self.rate, self.burst = pool, connection, rate, burst
        self.name = f"lever:{connection}"
        self._local: LocalLimit | None = None

    async def acquire(self) -> None:
        priority = current_priority()
        if self._local is not None:
            await self._local.acquire()
            return
        try:
            await self._take(priority)
        except psycopg.errors.UndefinedTable:
            # A database not migrated yet (`plan` before the first start): nothing to share it with.
            self._local = LocalLimit(self.rate, int(self.burst))
            await self._local.acquire()

    async def _take(self, priority: Priority) -> None:
        backlog = backlog_allowed(priority, rate=self.rate, burst=self.burst)
        began = time.monotonic()
        while True:
            answer = await budget.take(
                self.pool, self.name, rate=self.rate, burst=self.burst, backlog=backlog
            )
            if answer is None:
                await budget.ensure(self.pool, self.name)
                continue
            granted, wait = answer
            if granted:
                if wait > 0:
                    await asyncio.sleep(wait)
                break
            # Several processes asking again at the same instant would contend for one row.
            await asyncio.sleep(wait + random.uniform(0, 0.05))
        WAIT.labels(self.connection, priority).observe(time.monotonic() - began)
        GRANTED.labels(self.connection, priority).inc()

    async def throttled(self) -> None:
        """Lever's bucket is empty (another client of the key, a clock apart): ours is emptied too,
        and the next grant waits for a whole burst to come back."""
        THROTTLED.labels(self.connection).inc()
        if self._local is None:
            await budget.drain(self.pool, self.name, seconds=2 * self.burst / self.rate)
