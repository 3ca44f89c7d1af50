"""A burst of hints about one subject queues one reconcile; a reconcile that started lets the next
hint queue its own; a mark left by a lost job is not trusted for long."""

from __future__ import annotations

from hirebridge.domain.subjects import Subject
from hirebridge.store import subjects
from hirebridge.store.database import open_pool

SUBJECT = Subject("main", "opportunity", "opp-hints")


async def test_hints_queue_one_job_until_a_reconcile_starts(database_url: str) -> None:
    async with open_pool(database_url, max_size=2) as pool:

        async def hint() -> bool:
            async with pool.connection() as conn, conn.transaction():
                return await subjects.hint(conn, SUBJECT)

        assert [await hint() for _ in range(5)] == [True, False, False, False, False]
        assert await subjects.start(pool, SUBJECT) == (5, 0)  # the job covers all five
        assert await hint() is True  # after the start: Lever may have changed since it was read
        assert await hint() is False
        async with pool.connection() as conn:
            await conn.execute("UPDATE subjects SET queued_at = now() - interval '11 minutes'")
        assert await hint() is True  # the job that was queued is presumed lost
        assert await subjects.start(pool, Subject("main", "opportunity", "never-hinted")) == (0, 0)
