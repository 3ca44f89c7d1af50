"""Webhook ingest with group commit: events verified at the same time share one transaction.

A webhook is answered 200 only once its event is committed, and an event's inbox row, its subject's
hint and its reconcile job commit together (docs/architecture.md, Ingest). One transaction per webhook costs a
connection, five round trips and a WAL flush each; under load most of a request's time went there. So
each request hands its event to the writer and waits; the writer takes whatever has queued up and
stores it in one transaction of three statements, then answers every waiting request. A quiet service
writes each event alone at once; a busy one writes larger batches, with no timer in between.
"""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import Sequence

import psycopg
from prometheus_client import Histogram
from psycopg_pool import AsyncConnectionPool

from hirebridge.domain.subjects import Subject
from hirebridge.errors import DatabaseError, UnstorableEvent
from hirebridge.runtime.queue import defer_reconciles
from hirebridge.store import inbox, subjects
from hirebridge.store.inbox import InboxEvent

__all__ = ["BATCH_EVENTS", "InboxEvent", "IngestWriter"]  # InboxEvent: what the web hands in
# Concurrent batches lock rows in sorted order, but PostgreSQL may still pick one as a deadlock victim.
RETRIED = (psycopg.errors.DeadlockDetected, psycopg.errors.SerializationFailure)
ATTEMPTS = 3
BATCH_EVENTS = Histogram(
    "hirebridge_ingest_batch_events",
    "Events stored by one ingest transaction.",
    buckets=(1, 2, 4, 8, 16, 32, 64, 128, 256, 512),
)


class IngestWriter:
    """Stores events durably, many per transaction; `store` returns once its event is committed."""

    def __init__(self, pool: AsyncConnectionPool, *, max_batch: int = 500, max_in_flight: int = 2) -> None:
        self._pool = pool
        self._max_batch = max_batch
        self._max_in_flight = max_in_flight
        self._waiting: list[tuple[InboxEvent, asyncio.Future[bool]]] = []
        self._writers: set[asyncio.Task[None]] = set()

    async def store(self, event: InboxEvent) -> bool:
        """True when the event is new (its subject hinted, a reconcile queued if none is waiting);
        False for a redelivery. Raises UnstorableEvent when the database refuses this event's data,
        DatabaseError when it could not be stored for now."""
        answer: asyncio.Future[bool] = asyncio.get_running_loop().create_future()
        answer.add_done_callback(_retrieve)
        self._waiting.append((event, answer))
        if len(self._writers) < self._max_in_flight:
            writer = asyncio.create_task(self._write_while_waiting())
            self._writers.add(writer)
            writer.add_done_callback(self._writers.discard)
        # A request cancelled meanwhile (the sender hung up) leaves its event in the batch: stored
        # without an answer, it is a duplicate when Lever retries.
        return await asyncio.shield(answer)

    async def aclose(self) -> None:
        """Wait for the batches in flight (their requests are still waiting for an answer)."""
        while self._writers:
            await asyncio.gather(*self._writers, return_exceptions=True)

    async def _write_while_waiting(self) -> None:
        while self._waiting:
            batch = self._waiting[: self._max_batch]
            del self._waiting[: self._max_batch]
            BATCH_EVENTS.observe(len(batch))
            outcomes: list[bool | Exception]
            try:
                outcomes = list(await self._write([event for event, _ in batch]))
            except psycopg.DataError as exc:
                # One event the database refuses must not fail the others: each is written alone.
                outcomes = [exc] if len(batch) == 1 else [await self._write_alone(e) for e, _ in batch]
            except Exception as exc:  # the database is down or overloaded: every event waits for Lever
                outcomes = [exc] * len(batch)
            for (_, answer), outcome in zip(batch, outcomes, strict=True):
                if answer.done():
                    continue
                if isinstance(outcome, Exception):
                    answer.set_exception(_stored_error(outcome))
                else:
                    answer.set_result(outcome)

    async def _write_alone(self, event: InboxEvent) -> bool | Exception:
        try:
            [outcome] = await self._write([event])
        except Exception as exc:
            return exc
        return outcome

    async def _write(self, events: Sequence[InboxEvent]) -> list[bool]:
        for attempt in range(1, ATTEMPTS + 1):
            try:
                return await self._transaction(events)
            except RETRIED:
                if attempt == ATTEMPTS:
                    raise
        raise AssertionError("unreachable")

    async def _transaction(self, events: Sequence[InboxEvent]) -> list[bool]:
        async with self._pool.connection() as conn, conn.transaction():
            stored = await inbox.store_events(conn, events)
            outcome, seen = [], set()
            for event in events:
                # Within a batch the first of several copies is the new one, the others duplicates.
                outcome.append(event.key in stored and event.key not in seen)
                seen.add(event.key)
            hints: Counter[Subject] = Counter(
                event.subject for event, new in zip(events, outcome, strict=True) if new and event.subject
            )
            must_queue = await subjects.hint_many(conn, hints)
            if must_queue:
                await defer_reconciles(must_queue, connection=conn)
        return outcome


def _stored_error(exc: Exception) -> DatabaseError:
    if isinstance(exc, psycopg.DataError):
        return UnstorableEvent(f"the event cannot be stored: {exc}")
    return DatabaseError(f"the event could not be stored: {exc}")


def _retrieve(answer: asyncio.Future[bool]) -> None:
    """Mark an error as seen: the request that waited for it may have gone (asyncio would log it)."""
    if not answer.cancelled():
        answer.exception()
