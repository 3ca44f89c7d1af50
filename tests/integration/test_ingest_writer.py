"""The ingest's group commit: concurrent webhooks share transactions, and each still gets its own
answer — new or duplicate, stored or refused — exactly as if it had been written alone."""

from __future__ import annotations

import asyncio

import psycopg

from hirebridge.domain.subjects import Subject
from hirebridge.errors import DatabaseError, UnstorableEvent
from hirebridge.runtime import queue
from hirebridge.runtime.ingest import BATCH_EVENTS, IngestWriter
from hirebridge.store import subjects
from hirebridge.store.database import open_pool
from hirebridge.store.inbox import InboxEvent


def event(key: str, opportunity: str, **payload: object) -> InboxEvent:
    return InboxEvent(
        source="lever",
        dedupe_key=key,
        event="candidateStageChange",
        subject=Subject("main", "opportunity", opportunity),
        payload={"token": key, "data": {"opportunityId": opportunity}, **payload},
    )


def batches() -> float:
    return next(s.value for s in BATCH_EVENTS.collect()[0].samples if s.name.endswith("_count"))


async def test_concurrent_events_share_transactions_and_keep_their_answers(database_url: str) -> None:
    async with open_pool(database_url, max_size=4) as pool:
        await queue.app.open_async(pool=pool)
        try:
            writer = IngestWriter(pool)
            # 200 events about 5 candidates, each sent twice at once (a redelivery racing the original).
            events = [event(f"tok-{n}", f"opp-{n % 5}") for n in range(200)]
            before = batches()
            answers = await asyncio.gather(*(writer.store(e) for e in events + events))
            transactions = batches() - before
            again = await writer.store(events[0])  # a redelivery long after
            await writer.aclose()
            # What the reconcile that starts next reads of each subject's versions.
            started = [
                await subjects.start(pool, Subject("main", "opportunity", f"opp-{n}")) for n in range(5)
            ]
            versions = [(s.desired, s.synced) for s in started]
        finally:
            await queue.app.close_async()

    assert answers[:200] == [True] * 200 and answers[200:] == [False] * 200
    assert again is False
    assert transactions < 200 / 4  # grouped, not one transaction per event
    assert versions == [(40, 0)] * 5  # every new event raised its subject's version once
    with psycopg.connect(database_url) as conn:
        assert conn.execute("SELECT count(*) FROM inbox").fetchone() == (200,)
        jobs = conn.execute(
            "SELECT lock, count(*) FROM procrastinate_jobs WHERE task_name = 'reconcile_opportunity'"
            " GROUP BY lock ORDER BY lock"
        ).fetchall()
    # One reconcile per candidate: the later events found one queued and not started.
    assert jobs == [(f"lever:main:opportunity:opp-{n}", 1) for n in range(5)]


async def test_an_event_the_database_refuses_fails_alone(database_url: str) -> None:
    async with open_pool(database_url, max_size=4) as pool:
        await queue.app.open_async(pool=pool)
        try:
            writer = IngestWriter(pool)
            good = [event(f"ok-{n}", "opp-good") for n in range(20)]
            bad = event("bad", "opp-bad", name="nul \u0000 inside")  # jsonb cannot hold \u0000
            answers = await asyncio.gather(
                *(writer.store(e) for e in [*good[:10], bad, *good[10:]]), return_exceptions=True
            )
            await writer.aclose()
        finally:
            await queue.app.close_async()

    refused = answers.pop(10)
    assert isinstance(refused, UnstorableEvent) and "cannot be stored" in refused.message
    assert answers == [True] * 20
    with psycopg.connect(database_url) as conn:
        assert conn.execute("SELECT count(*) FROM inbox").fetchone() == (20,)
        assert conn.execute("SELECT count(*) FROM subjects WHERE id = 'opp-bad'").fetchone() == (0,)


async def test_an_unreachable_database_is_an_error_for_every_waiting_event(database_url: str) -> None:
    async with open_pool(database_url, max_size=2) as pool:
        writer = IngestWriter(pool)
        async with pool.connection() as conn:
            await conn.execute("ALTER TABLE inbox RENAME TO inbox_gone")
        answers = await asyncio.gather(
            *(writer.store(event(f"tok-{n}", "opp-1")) for n in range(5)), return_exceptions=True
        )
        await writer.aclose()
    # Not refused as bad data (that would be a 400): a 503, and Lever sends them again.
    assert all(type(a) is DatabaseError and "could not be stored" in a.message for a in answers)
