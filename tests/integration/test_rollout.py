"""The rollout on a real PostgreSQL and procrastinate: which subjects it claims, that live reconciles
are fetched before it (also for the same subject), and renames applied to the ledger once."""

from __future__ import annotations

from typing import Any

import procrastinate
from procrastinate.jobs import Status
from procrastinate.manager import JobManager
from psycopg_pool import AsyncConnectionPool

from hirebridge.config.changes import Moved
from hirebridge.config.models import Config
from hirebridge.domain.subjects import Subject, effect_marker
from hirebridge.runtime import queue
from hirebridge.runtime.rollout import Rollout
from hirebridge.store import ledger, rollout, subjects
from hirebridge.store.database import open_pool

CONFIG: dict[str, Any] = {
    "lever": {"main": {"api_key": "k"}},
    "jira": {"main": {"base_url": "http://jira.invalid", "email": "a@example.com", "api_token": "t"}},
    "recipes": [
        {
            "name": "onboarding",
            "when": {"stage_reached": "Offer"},
            "actions": [{"id": "epic", "jira_issue": {"project": "ONB", "type": "Epic", "summary": "x"}}],
        }
    ],
}


def subject(n: int) -> Subject:
    return Subject("main", "opportunity", f"opp-{n}")


async def reconciled(pool: AsyncConnectionPool, who: Subject, fingerprint: str) -> None:
    async with pool.connection() as conn:
        await subjects.hint(conn, who)
    await subjects.start(pool, who)
    await subjects.finish(
        pool,
        who,
        version=1,
        next_due=None,
        seen=None,
        action="reconciled",
        detail={},
        fingerprint=fingerprint,
    )


async def test_rollout_claims_what_ran_under_other_recipes_and_live_work_goes_first(
    database_url: str,
) -> None:
    config = Config.model_validate({**CONFIG, "rollout": {"concurrency": 3}})
    runner = Rollout(config)
    current = runner.fingerprints[("main", "opportunity")]
    async with open_pool(database_url, max_size=4) as pool:
        await queue.app.open_async(pool=pool)
        try:
            for n in range(5):
                await reconciled(pool, subject(n), "old" if n < 4 else current)
            await subjects.mark_error(pool, subject(3), "Lever answered 500")
            async with pool.connection() as conn:
                await subjects.hint(conn, subject(2))  # a live reconcile is queued: it rolls out anyway

            assert await runner.top_up(pool) == 2  # 0 and 1: not 2 (queued), 3 (failing), 4 (current)
            assert await runner.top_up(pool, force=True) == 0  # both still queued
            # A manager of its own: procrastinate keeps the first external pool it was opened with.
            connector = procrastinate.PsycopgConnector()
            await connector.open_async(pool)
            manager = JobManager(connector)
            jobs = await manager.list_jobs_async(queue="reconcile")
            assert sorted(j.priority for j in jobs) == [queue.PRIORITY_BACKGROUND] * 2

            # A webhook for subject 0 after its rollout job was queued, and one for subject 9.
            async with pool.connection() as conn, conn.transaction():
                await queue.defer_reconciles([subject(0), subject(9)], connection=conn)
            worker = await manager.register_worker()
            fetched = []
            while (job := await manager.fetch_job(["reconcile"], worker)) is not None:
                fetched.append((job.task_kwargs["opportunity_id"], job.priority))
                await manager.finish_job(job, status=Status.SUCCEEDED, delete_job=True)
            assert fetched[:2] == [("opp-0", 0), ("opp-9", 0)]
            assert sorted(fetched[2:]) == [("opp-0", -10), ("opp-1", -10)]

            rows = {p.kind: p for p in await rollout.progress(pool, runner.fingerprints)}
            assert (rows["opportunity"].known, rows["opportunity"].current) == (5, 1)
            assert rows["opportunity"].failing == 1
        finally:
            await queue.app.close_async()


async def test_manual_rollout_claims_nothing_until_approved(database_url: str) -> None:
    runner = Rollout(Config.model_validate({**CONFIG, "rollout": "manual"}))
    async with open_pool(database_url, max_size=4) as pool:
        await queue.app.open_async(pool=pool)
        try:
            await reconciled(pool, subject(1), "old")
            assert await runner.top_up(pool, force=True) == 0
            await rollout.approve(pool, runner.fingerprints)
            assert await runner.top_up(pool, force=True) == 1
        finally:
            await queue.app.close_async()


def _intents(who: Subject, *addresses: tuple[str, str]) -> list[dict[str, Any]]:
    return [
        {"recipe": r, "key": k, "effect_kind": "jira_issue", "target": "jira:main",
         "marker": effect_marker(who, r, k), "status": None, "content_hash": None}
        for r, k in addresses
    ]  # fmt: skip


async def test_a_rename_moves_effects_once_and_never_over_an_existing_one(database_url: str) -> None:
    one, two = subject(1), subject(2)
    moves = [
        Moved.model_validate({"from": "onboarding/it", "to": "onboarding/accounts"}),
        Moved.model_validate({"from": "onboarding/interview", "to": "onboarding/meeting"}),
    ]
    async with open_pool(database_url, max_size=2) as pool:
        await ledger.record_intents(
            pool, one, _intents(one, ("onboarding", "it"), ("onboarding", "interview:abc"), ("hiring", "it"))
        )
        # Made under the new name before the rename was declared: the old one cannot take its place.
        await ledger.record_intents(
            pool, two, _intents(two, ("onboarding", "it"), ("onboarding", "accounts"))
        )
        moved = await rollout.move_effects(pool, one, moves)
        assert sorted(moved) == [
            ("onboarding", "interview:abc", "onboarding", "meeting:abc"),
            ("onboarding", "it", "onboarding", "accounts"),
        ]
        assert await rollout.move_effects(pool, one, moves) == []  # once
        assert await rollout.move_effects(pool, two, moves) == []
        effects = await ledger.effects_of(pool, one)
        kept = await ledger.effects_of(pool, two)
    assert sorted(effects) == [("hiring", "it"), ("onboarding", "accounts"), ("onboarding", "meeting:abc")]
    assert effects[("onboarding", "accounts")].marker == effect_marker(one, "onboarding", "it")
    assert sorted(kept) == [("onboarding", "accounts"), ("onboarding", "it")]
