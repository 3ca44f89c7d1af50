"""What /metrics reads from the database at scrape time: subjects behind and for how long, parked
effects, the queue, refused OAuth grants, packets waiting for an admin; read again only once stale."""

from __future__ import annotations

from prometheus_client import CollectorRegistry, generate_latest
from prometheus_client.parser import text_string_to_metric_families

from hirebridge.domain.coverage import Seen
from hirebridge.domain.subjects import Subject
from hirebridge.runtime import queue
from hirebridge.runtime.configuration import load_config
from hirebridge.store import health, subjects
from hirebridge.store.database import open_pool
from hirebridge.web.metrics import DatabaseGauges

CONFIG = """
version: 1
lever:
  main: {base_url: "http://lever", api_key: k}
  partner:
    base_url: http://lever
    oauth: {client_id: c, client_secret: s}
jira:
  main: {base_url: "http://jira", email: a@example.com, api_token: t}
recipes: []
"""
BEHIND = Subject("main", "opportunity", "opp-behind")
SYNCED = Subject("main", "opportunity", "opp-synced")
SEEN = Seen(updated_at=1, stage="s", recipes="r")


def samples(gauges: DatabaseGauges) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    registry = CollectorRegistry()
    registry.register(gauges)
    return {
        (s.name, tuple(sorted(s.labels.items()))): s.value
        for family in text_string_to_metric_families(generate_latest(registry).decode())
        for s in family.samples
    }


async def hint(pool, subject: Subject) -> None:
    async with pool.connection() as conn, conn.transaction():
        await subjects.hint(conn, subject)


async def finish(pool, subject: Subject, version: int) -> None:
    await subjects.finish(
        pool, subject, version=version, next_due=None, seen=SEEN, action="reconciled", detail={}
    )


async def test_behind_since_follows_the_versions(database_url: str) -> None:
    async with open_pool(database_url, max_size=2) as pool:
        await hint(pool, BEHIND)
        async with pool.connection() as conn:
            await conn.execute("UPDATE subjects SET behind_since = behind_since - interval '1 hour'")
        await hint(pool, BEHIND)  # a second change keeps the first one's age
        read = await health.read(pool)
        assert read.behind["main"].count == 1
        assert 3599 < read.age(read.behind["main"]) < 3700
        await subjects.start(pool, BEHIND)
        await hint(pool, BEHIND)  # arrives while the reconcile runs
        await finish(pool, BEHIND, 2)
        read = await health.read(pool)
        assert read.behind["main"].count == 1 and read.age(read.behind["main"]) < 60  # what is left is new
        await subjects.start(pool, BEHIND)
        await finish(pool, BEHIND, 3)
        assert (await health.read(pool)).behind == {}


async def test_a_scrape_reports_every_alerting_condition_and_caches_it(database_url: str, tmp_path) -> None:
    path = tmp_path / "hirebridge.yaml"
    path.write_text(CONFIG)
    gauges = DatabaseGauges(ttl=3600)
    gauges.watch(load_config(path, {"HIREBRIDGE_SECRET_KEY": "k" * 32}))
    async with open_pool(database_url, max_size=2) as pool:
        await queue.app.open_async(pool=pool)
        try:
            await hint(pool, BEHIND)
            await queue.defer_reconcile(BEHIND)
        finally:
            await queue.app.close_async()
        await hint(pool, SYNCED)
        await subjects.start(pool, SYNCED)
        await finish(pool, SYNCED, 1)
        await subjects.mark_error(pool, BEHIND, "jira answered 503")
        async with pool.connection() as conn:
            await conn.execute(
                "UPDATE subjects SET behind_since = now() - interval '20 minutes' WHERE id = %s", (BEHIND.id,)
            )
            for key in ("epic", "note"):
                await conn.execute(
                    "INSERT INTO effects (connection, subject_kind, subject_id, recipe, key, kind, target,"
                    " marker, state, last_error, updated_at)"
                    " VALUES ('main', 'opportunity', 'opp-behind', 'onboarding', %s, 'jira_issue', 'main',"
                    " %s, 'failed', 'jira answered 400', now() - interval '2 hours')",
                    (key, f"m-{key}"),
                )
            await conn.execute(
                "INSERT INTO oauth_tokens (connection, access_token, expires_at, refused)"
                " VALUES ('partner', 'sealed', now(), 'invalid_grant: connect again')"
            )
            await conn.execute(
                "INSERT INTO packets (id, lever_connection, subject_kind, subject_id, recipe, key,"
                " justworks_connection, status, source, created_at)"
                " VALUES ('p1', 'main', 'opportunity', 'opp-behind', 'hire', 'packet', 'main',"
                " 'awaiting_review', '{}', now() - interval '1 day')"
            )
        await gauges.refresh(pool)
        got = samples(gauges)
        main, partner = (("connection", "main"),), (("connection", "partner"),)
        assert got[("hirebridge_database_up", ())] == 1
        assert got[("hirebridge_subjects_behind", main)] == 1
        assert 1199 < got[("hirebridge_oldest_unsynced_change_age_seconds", main)] < 1300
        assert got[("hirebridge_subjects_behind", partner)] == 0  # a quiet connection still has a series
        assert got[("hirebridge_subjects_errored", main)] == 1
        assert got[("hirebridge_effects_parked", main)] == 2
        assert 7199 < got[("hirebridge_oldest_parked_effect_age_seconds", main)] < 7300
        assert got[("hirebridge_queue_jobs", (("queue", "reconcile"), ("state", "waiting")))] == 1
        assert got[("hirebridge_queue_jobs", (("queue", "upkeep"), ("state", "running")))] == 0
        assert got[("hirebridge_oauth_grant_refused", partner)] == 1
        assert ("hirebridge_oauth_grant_refused", main) not in got  # an API key has no grant
        assert got[("hirebridge_packets_waiting", (("status", "awaiting_review"),))] == 1
        assert got[("hirebridge_packets_waiting", (("status", "held"),))] == 0
        assert 86399 < got[("hirebridge_oldest_waiting_packet_age_seconds", (("status", "awaiting_review"),))]
        # SYNCED ran under no recorded recipes: the rollout has to reach it; BEHIND never ran yet.
        assert got[("hirebridge_rollout_subjects", (*main, ("state", "pending")))] == 1
        assert got[("hirebridge_rollout_subjects", (*main, ("state", "current")))] == 0

        async with pool.connection() as conn:
            await conn.execute("DELETE FROM effects")
        await gauges.refresh(pool)
        assert samples(gauges)[("hirebridge_effects_parked", main)] == 2  # still fresh: not read again
        gauges.ttl = 0
        await gauges.refresh(pool)
        assert samples(gauges)[("hirebridge_effects_parked", main)] == 0

    await gauges.refresh(pool)  # the pool is closed: the database cannot be read
    got = samples(gauges)
    assert got[("hirebridge_database_up", ())] == 0
    assert ("hirebridge_effects_parked", main) not in got  # no stale reading
