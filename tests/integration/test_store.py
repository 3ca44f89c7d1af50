from __future__ import annotations

import psycopg

from hirebridge.domain.subjects import Subject, effect_marker
from hirebridge.store import inbox, ledger, subjects
from hirebridge.store.database import open_pool
from hirebridge.store.migrate import migrate, migrations

SUBJECT = Subject("main", "opportunity", "opp-1")


async def test_migrations_are_recorded_and_idempotent(database_url: str) -> None:
    async with open_pool(database_url, max_size=2) as pool:
        assert await migrate(pool) == []  # the template already has them all
        async with pool.connection() as conn:
            names = [
                r[0] for r in await (await conn.execute("SELECT name FROM schema_migrations")).fetchall()
            ]
    assert names == [m.name for m in migrations()]
    assert names[0].startswith("procrastinate-")


async def test_redelivered_event_is_stored_once(database_url: str) -> None:
    async with open_pool(database_url, max_size=2) as pool:
        for _ in range(3):
            async with pool.connection() as conn, conn.transaction():
                if await inbox.store_event(
                    conn,
                    source="lever",
                    dedupe_key="tok:1",
                    event="candidateStageChange",
                    subject=SUBJECT,
                    payload={"a": 1},
                ):
                    await subjects.bump(conn, SUBJECT)
        started = await subjects.start(pool, SUBJECT)
        assert (started.desired, started.synced) == (1, 0)
        await subjects.finish(
            pool, SUBJECT, version=1, next_due=None, seen=None, action="reconciled", detail={}
        )
        started = await subjects.start(pool, SUBJECT)
        assert (started.desired, started.synced) == (1, 1)
    with psycopg.connect(database_url) as conn:
        assert conn.execute("SELECT count(*) FROM inbox").fetchone() == (1,)


async def test_intent_then_done(database_url: str) -> None:
    marker = effect_marker(SUBJECT, "onboarding", "epic")
    async with open_pool(database_url, max_size=2) as pool:
        await ledger.record_intents(
            pool,
            SUBJECT,
            [
                {
                    "recipe": "onboarding",
                    "key": "epic",
                    "effect_kind": "jira_issue",
                    "target": "jira:main",
                    "marker": marker,
                    "status": None,
                    "content_hash": None,
                }
            ],
        )
        pending = (await ledger.effects_of(pool, SUBJECT))[("onboarding", "epic")]
        assert pending.state == "pending" and pending.intent_at is not None and pending.marker == marker
        await ledger.record_done(
            pool,
            SUBJECT,
            recipe="onboarding",
            key="epic",
            external_id="10000",
            external_key="ONB-1",
            status="open",
            content_hash="abc",
        )
        done = (await ledger.effects_of(pool, SUBJECT))[("onboarding", "epic")]
        assert (done.state, done.external_key, done.status) == ("done", "ONB-1", "open")
