"""A burst of hints about one subject queues one reconcile; a reconcile that started lets the next
hint queue its own; a mark left by a lost job is not trusted for long. A start tells which webhooks
came since the previous start, and what that run read if it finished."""

from __future__ import annotations

import asyncio

from psycopg_pool import AsyncConnectionPool

from hirebridge.domain.coverage import Hint, Seen, hints_covered
from hirebridge.domain.subjects import Subject
from hirebridge.runtime import queue
from hirebridge.runtime.ingest import IngestWriter
from hirebridge.store import inbox, subjects
from hirebridge.store.database import open_pool
from hirebridge.store.inbox import InboxEvent

SUBJECT = Subject("main", "opportunity", "opp-hints")


async def test_hints_queue_one_job_until_a_reconcile_starts(database_url: str) -> None:
    async with open_pool(database_url, max_size=2) as pool:

        async def hint() -> bool:
            async with pool.connection() as conn, conn.transaction():
                return await subjects.hint(conn, SUBJECT)

        assert [await hint() for _ in range(5)] == [True, False, False, False, False]
        started = await subjects.start(pool, SUBJECT)
        assert (started.desired, started.synced) == (5, 0)  # the job covers all five
        assert await hint() is True  # after the start: Lever may have changed since it was read
        assert await hint() is False
        async with pool.connection() as conn:
            await conn.execute("UPDATE subjects SET queued_at = now() - interval '11 minutes'")
        assert await hint() is True  # the job that was queued is presumed lost
        never = await subjects.start(pool, Subject("main", "opportunity", "never-hinted"))
        assert (never.desired, never.synced, never.seen, never.hints) == (0, 0, None, [])


async def test_a_start_reports_the_webhooks_since_the_last_start_and_what_that_run_read(
    database_url: str,
) -> None:
    def webhook(token: str, at: int, to: str) -> InboxEvent:
        data = {"opportunityId": SUBJECT.id, "toStageId": to}
        payload = {"token": token, "triggeredAt": at, "event": "candidateStageChange", "data": data}
        return InboxEvent("lever", token, "candidateStageChange", SUBJECT, payload)

    async with open_pool(database_url, max_size=2) as pool:
        await queue.app.open_async(pool=pool)
        try:
            writer = IngestWriter(pool)
            await writer.store(webhook("a", 100, "onsite"))
            first = await subjects.start(pool, SUBJECT)
            assert (first.raised, first.seen, first.hints) == (
                1,
                None,
                [Hint("lever", "candidateStageChange", 100, "onsite")],
            )
            seen = Seen(updated_at=150, stage="offer", recipes="r1")
            await subjects.finish(
                pool, SUBJECT, version=1, next_due=None, seen=seen, action="reconciled", detail={}
            )

            await writer.store(webhook("b", 120, "offer"))
            async with pool.connection() as conn:
                await subjects.bump(conn, SUBJECT)  # e.g. a sweep: no webhook behind it
            second = await subjects.start(pool, SUBJECT)
            assert (second.desired, second.raised, second.seen) == (3, 2, seen)
            assert second.hints == [Hint("lever", "candidateStageChange", 120, "offer")]  # not "a" again

            # The second run never finished: what the first one read is no longer trusted.
            await writer.store(webhook("c", 130, "offer"))
            third = await subjects.start(pool, SUBJECT)
            assert (third.raised, third.seen, len(third.hints)) == (1, None, 1)
            await subjects.skip(pool, SUBJECT, version=third.desired, detail={})
            await writer.store(webhook("d", 140, "offer"))
            fourth = await subjects.start(pool, SUBJECT)
            assert fourth.seen == seen and fourth.synced == 4  # a skip counts as finished, with the old read
        finally:
            await queue.app.close_async()


async def test_a_webhook_committed_while_a_start_waits_is_counted_by_that_start(database_url: str) -> None:
    """A start that waits for an ingest holding the subject's row must see that ingest's webhook among
    its hints, not only its raised version: else the next start counts the webhook again, and a hint
    with no webhook behind it (a Jira event) is taken for it and skipped."""
    seen = Seen(updated_at=150, stage="offer", recipes="r1")
    payload = {"token": "late", "triggeredAt": 100, "data": {"opportunityId": SUBJECT.id, "toStageId": "x"}}
    late = InboxEvent("lever", "late", "candidateStageChange", SUBJECT, payload)
    async with open_pool(database_url, max_size=4) as pool:
        async with pool.connection() as conn, conn.transaction():
            await subjects.hint(conn, SUBJECT)
        first = await subjects.start(pool, SUBJECT)
        await subjects.finish(
            pool, SUBJECT, version=first.desired, next_due=None, seen=seen, action="reconciled", detail={}
        )
        async with pool.connection() as ingest:
            async with ingest.transaction():
                await inbox.store_events(ingest, [late])
                await subjects.hint_many(ingest, {SUBJECT: 1})
                waiting = asyncio.create_task(subjects.start(pool, SUBJECT))
                await until_a_backend_waits_for_a_lock(pool)
                assert not waiting.done()
            started = await waiting
        assert (started.raised, started.hints) == (1, [Hint("lever", "candidateStageChange", 100, "x")])
        await subjects.finish(
            pool, SUBJECT, version=started.desired, next_due=None, seen=seen, action="reconciled", detail={}
        )
        async with pool.connection() as conn, conn.transaction():
            await subjects.hint(conn, SUBJECT)  # a Jira event about a linked issue
        after = await subjects.start(pool, SUBJECT)
    assert (after.raised, after.hints) == (1, [])
    assert not hints_covered(after.hints, raised=after.raised, seen=after.seen, recipes="r1")


async def until_a_backend_waits_for_a_lock(pool: AsyncConnectionPool) -> None:
    """The start is blocked on the ingest's row lock, seen from PostgreSQL, not guessed from a sleep."""
    async with asyncio.timeout(10), pool.connection() as conn:
        while True:
            row = await (
                await conn.execute(
                    "SELECT count(*) FROM pg_stat_activity"
                    " WHERE datname = current_database() AND wait_event_type = 'Lock'"
                )
            ).fetchone()
            if row and row[0]:
                return
            await asyncio.sleep(0.02)
