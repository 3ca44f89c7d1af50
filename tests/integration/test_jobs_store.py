"""store/jobs.py, and the store's locks and bookkeeping queries: what a command reads of the queue,
the registration locks, the migration runner's table, the database checks."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable

import psycopg
from psycopg_pool import AsyncConnectionPool

from hirebridge.domain.subjects import Subject
from hirebridge.runtime import queue
from hirebridge.store import jira_events, jobs, lever_webhooks, subjects
from hirebridge.store.database import (
    database_problem,
    ensure_database,
    open_pool,
    recreate_database,
    with_database,
)
from hirebridge.store.migrate import migrate, migrations

ADA = Subject("main", "opportunity", "opp-ada")


async def test_a_command_sees_live_workers_and_the_state_of_its_jobs(database_url: str) -> None:
    async with open_pool(database_url, max_size=2) as pool:
        assert await jobs.live_workers(pool) == 0
        async with pool.connection() as conn:
            await conn.execute("INSERT INTO procrastinate_workers (last_heartbeat) VALUES (now())")
            await conn.execute(
                "INSERT INTO procrastinate_workers (last_heartbeat) VALUES (now() - '2m'::interval)"
            )
        assert await jobs.live_workers(pool) == 1  # the silent one is gone
        await queue.app.open_async(pool=pool)
        try:
            queued = await queue.defer_reconcile(ADA)
            running = await queue.defer_reconcile(Subject("main", "opportunity", "opp-bo"))
        finally:
            await queue.app.close_async()
        async with pool.connection() as conn:
            await conn.execute("UPDATE procrastinate_jobs SET status = 'doing' WHERE id = %s", (running,))
            await conn.execute("DELETE FROM procrastinate_jobs WHERE id = %s", (queued,))
        states = await jobs.job_states(pool, [queued, running, 999_999])
    assert states == {running: "doing"}  # finished (deleted) and unknown jobs are absent


async def test_the_backlog_counts_subjects_behind_and_reconciles_unfinished(database_url: str) -> None:
    with psycopg.connect(database_url, autocommit=True) as conn:
        assert jobs.sync_backlog(conn) == (0, 0)
    async with open_pool(database_url, max_size=2) as pool:
        async with pool.connection() as conn:
            await subjects.hint(conn, ADA)
        await queue.app.open_async(pool=pool)
        try:
            await queue.defer_reconcile(ADA)
        finally:
            await queue.app.close_async()
    with psycopg.connect(database_url, autocommit=True) as conn:
        assert jobs.sync_backlog(conn) == (1, 1)
        conn.execute("UPDATE subjects SET synced_version = desired_version")
        conn.execute("UPDATE procrastinate_jobs SET status = 'succeeded'")
        assert jobs.sync_backlog(conn) == (0, 0)


async def _holds_until_released(
    pool: AsyncConnectionPool, take: Callable[[psycopg.AsyncConnection], Awaitable[None]]
) -> tuple[bool, bool]:
    """(the second taker waited while the first held the lock, it got it after the first let go)."""
    held, release = asyncio.Event(), asyncio.Event()

    async def first() -> None:
        async with pool.connection() as conn, conn.transaction():
            await take(conn)
            held.set()
            await release.wait()

    async def second() -> None:
        async with pool.connection() as conn, conn.transaction():
            await take(conn)

    holder = asyncio.create_task(first())
    await held.wait()
    waiter = asyncio.create_task(second())
    done, _ = await asyncio.wait({waiter}, timeout=0.5)
    blocked = not done
    release.set()
    await asyncio.wait_for(asyncio.gather(holder, waiter), timeout=10)
    return blocked, waiter.done()


async def test_webhook_registration_locks_one_process_at_a_time(database_url: str) -> None:
    async with open_pool(database_url, max_size=3) as pool:
        lever = await _holds_until_released(pool, lever_webhooks.lock_registration)
        jira = await _holds_until_released(pool, lambda c: jira_events.lock_webhook_registration(c, "main"))
        async with pool.connection() as a, a.transaction(), pool.connection() as b, b.transaction():
            await jira_events.lock_webhook_registration(a, "main")
            await asyncio.wait_for(jira_events.lock_webhook_registration(b, "other"), timeout=5)
    assert lever == (True, True) and jira == (True, True)  # and connections do not block each other


async def test_migrations_are_recorded_once_and_the_database_checks_answer(
    database_url: str, pg_admin_uri: str
) -> None:
    async with open_pool(database_url, max_size=2) as pool:
        assert await migrate(pool) == []  # the template is migrated: nothing again
        async with pool.connection() as conn:
            rows = await (await conn.execute("SELECT name, checksum FROM schema_migrations")).fetchall()
        assert await database_problem(pool) is None
    assert dict(rows) == {m.name: m.checksum for m in migrations()}
    ensure_database(pg_admin_uri, "hirebridge_jobs_store_check")
    ensure_database(pg_admin_uri, "hirebridge_jobs_store_check")  # there already: left alone
    with psycopg.connect(pg_admin_uri, autocommit=True) as conn:
        found = conn.execute("SELECT count(*) FROM pg_database WHERE datname = 'hirebridge_jobs_store_check'")
        assert found.fetchone() == (1,)
    with psycopg.connect(with_database(pg_admin_uri, "hirebridge_jobs_store_check"), autocommit=True) as conn:
        conn.execute("CREATE TABLE left_behind (id int)")
    url = recreate_database(pg_admin_uri, "hirebridge_jobs_store_check")  # dropped, made anew
    with psycopg.connect(url, autocommit=True) as conn:
        tables = conn.execute("SELECT count(*) FROM pg_tables WHERE schemaname = 'public'").fetchone()
    assert tables == (0,)
    with psycopg.connect(pg_admin_uri, autocommit=True) as conn:
        conn.execute("DROP DATABASE hirebridge_jobs_store_check")
