"""Store reads no other integration test runs: what `check` and the rollout read from the ledger and the
queue, what an export holds about a subject, which subjects the periodic run claims, and the list
pages' reads kept for the reconciles they queue."""

from __future__ import annotations

from typing import Any

from hirebridge.domain.subjects import Subject, effect_marker
from hirebridge.runtime.erasure import erasure_request
from hirebridge.store import jobs, ledger, lever_reads, lifecycle, rollout, subjects
from hirebridge.store.database import open_pool

ADA = Subject("main", "opportunity", "opp-ada")
BEA = Subject("main", "opportunity", "opp-bea")


def intent(
    subject: Subject, key: str, kind: str = "jira_issue", recipe: str = "onboarding"
) -> dict[str, Any]:
    return {
        "recipe": recipe,
        "key": key,
        "effect_kind": kind,
        "target": "jira:main",
        "marker": effect_marker(subject, recipe, key),
        "status": None,
        "content_hash": None,
    }


async def test_effect_actions_count_effects_and_open_issues_per_recipe_action(database_url: str) -> None:
    async with open_pool(database_url, max_size=2) as pool:
        await ledger.record_intents(pool, ADA, [intent(ADA, "epic"), intent(ADA, "it:laptop")])
        await ledger.record_intents(pool, BEA, [intent(BEA, "epic"), intent(BEA, "note", kind="lever_note")])
        await ledger.record_done(pool, ADA, recipe="onboarding", key="epic", external_id="10001")
        await ledger.record_done(pool, ADA, recipe="onboarding", key="it:laptop", external_id="10002")
        await ledger.record_done(pool, BEA, recipe="onboarding", key="note", external_id="n1")
        assert await rollout.effect_actions(pool) == [
            ("main", "onboarding", "epic", "jira_issue", "jira:main", 2, 1),  # Bea's is only intended
            ("main", "onboarding", "it", "jira_issue", "jira:main", 1, 1),  # the action before `:`
            ("main", "onboarding", "note", "lever_note", "jira:main", 1, 0),  # not an issue
        ]


async def test_live_workers_are_those_with_a_heartbeat_in_the_last_minute(database_url: str) -> None:
    async with open_pool(database_url, max_size=2) as pool:
        assert await jobs.live_workers(pool) == 0
        async with pool.connection() as conn:
            await conn.execute(
                "INSERT INTO procrastinate_workers (last_heartbeat)"
                " VALUES (now()), (now() - interval '20 seconds'), (now() - interval '5 minutes')"
            )
        assert await jobs.live_workers(pool) == 2


async def test_an_export_holds_the_subject_its_effects_timeline_events_and_packets(database_url: str) -> None:
    async with open_pool(database_url, max_size=2) as pool:
        async with pool.connection() as conn:
            await subjects.hint(conn, ADA)
            await subjects.hint(conn, BEA)
            for subject in (ADA, BEA):
                await conn.execute(
                    "INSERT INTO inbox (source, connection, dedupe_key, event, subject_kind, subject_id,"
                    " payload) VALUES ('lever', 'main', %s, 'candidateStageChange', 'opportunity', %s,"
                    " '{\"data\": {}}')",
                    (f"d-{subject.id}", subject.id),
                )
                await conn.execute(
                    "INSERT INTO jira_events (connection, identifier, event, lever_connection, subject_kind,"
                    " subject_id) VALUES ('main', %s, 'comment_created', 'main', 'opportunity', %s)",
                    (f"j-{subject.id}", subject.id),
                )
        await ledger.record_intents(pool, ADA, [intent(ADA, "epic")])
        await ledger.record_done(
            pool, ADA, recipe="onboarding", key="epic", external_id="10001", external_key="ONB-1"
        )
        await ledger.audit(pool, ADA, "reconciled", {"actions": 1})
        await ledger.audit(pool, BEA, "reconciled", {"actions": 0})

        held = await lifecycle.export(pool, ADA)
        gone = await lifecycle.export(pool, Subject("main", "opportunity", "opp-none"))

    assert held["subject"]["id"] == "opp-ada" and held["subject"]["desired_version"] == 1
    assert [(e["key"], e["state"], e["external_key"]) for e in held["effects"]] == [("epic", "done", "ONB-1")]
    assert [(a["action"], a["detail"]) for a in held["audit"]] == [("reconciled", {"actions": 1})]
    assert [i["event"] for i in held["inbox"]] == ["candidateStageChange"]
    assert [(j["connection"], j["event"]) for j in held["jira_events"]] == [("main", "comment_created")]
    assert held["packets"] == []
    assert gone["subject"] is None and not any(gone[k] for k in ("effects", "audit", "inbox", "jira_events"))


async def test_the_periodic_run_claims_each_due_subject_once_and_raises_its_version(
    database_url: str,
) -> None:
    async with open_pool(database_url, max_size=2) as pool:
        async with pool.connection() as conn:
            for subject in (ADA, BEA):
                await subjects.hint(conn, subject)
            await conn.execute(
                "UPDATE subjects SET next_due_at = now() - interval '1 minute' WHERE id = %s", (ADA.id,)
            )
            await conn.execute(
                "UPDATE subjects SET next_due_at = now() + interval '1 hour' WHERE id = %s", (BEA.id,)
            )
            assert await subjects.take_due(conn) == [ADA]
            assert await subjects.take_due(conn) == []  # claimed: not deferred twice
            rows = await (
                await conn.execute("SELECT id, desired_version FROM subjects ORDER BY id")
            ).fetchall()
    assert rows == [("opp-ada", 2), ("opp-bea", 1)]


async def test_a_list_page_read_is_kept_for_its_reconcile_but_never_for_an_erased_candidate(
    database_url: str,
) -> None:
    body = {"id": ADA.id, "name": "Ada Byron", "emails": ["ada@example.com"]}
    async with open_pool(database_url, max_size=2) as pool:
        async with pool.connection() as conn:
            await lever_reads.keep(conn, ADA, 1, body)
        assert await lever_reads.take(pool, ADA, 1) == body
        assert await lever_reads.take(pool, ADA, 1) is None  # taken once
        async with pool.connection() as conn, conn.transaction():
            await subjects.hint(conn, ADA)
            await lifecycle.request_erasure(conn, ADA, erasure_request("dpo@example.com", "asked"))
            await lever_reads.keep(conn, ADA, 2, body)
            (kept,) = await (await conn.execute("SELECT count(*) FROM lever_reads")).fetchone() or (None,)
    assert kept == 0
