"""store/failures.py: what `status` counts and lists, and what `replay` resets and queues."""

from __future__ import annotations

import psycopg
from psycopg import AsyncConnection
from psycopg_pool import AsyncConnectionPool

from hirebridge.domain.subjects import Subject, effect_marker
from hirebridge.store import failures, ledger, subjects
from hirebridge.store.database import open_pool

ADA = Subject("main", "opportunity", "opp-ada")
BEA = Subject("main", "opportunity", "opp-bea")
OTHER = Subject("eu", "opportunity", "opp-eu")


async def park(
    pool: AsyncConnectionPool, subject: Subject, key: str, error: str, *, kind: str = "jira_issue"
) -> None:
    marker = effect_marker(subject, "onboarding", key)
    await ledger.park(
        pool, subject, recipe="onboarding", key=key, kind=kind, target="jira:main", marker=marker, error=error
    )


def test_redact_hides_contact_data_and_bounds_the_reason() -> None:
    text = failures.redact("The label 'ada@example.com' or +1 (555) 010-9999 is invalid. " + "x" * 400)
    assert "ada@example.com" not in text and "555" not in text
    assert text.startswith("The label '<email>' or <phone> is invalid.")
    assert len(text) == failures.REASON_CHARS and text.endswith("…")


async def test_parked_effects_are_counted_and_listed_per_connection(database_url: str) -> None:
    async with open_pool(database_url, max_size=2) as pool:
        await park(pool, ADA, "epic", "jira answered 400: summary too long")
        await park(pool, BEA, "it", "jira answered 400: reach ada@example.com")
        await park(pool, OTHER, "epic", "jira answered 403")
        listed = await failures.parked(pool, connection="main")
        counts = await failures.status(pool)
    assert sorted(p.ref for p in listed) == [
        "opportunity:opp-ada:onboarding:epic",
        "opportunity:opp-bea:onboarding:it",
    ]
    assert next(p for p in listed if p.subject_id == "opp-bea").reason == "jira answered 400: reach <email>"
    assert counts["main"]["parked"] == 2 and counts["eu"]["parked"] == 1


async def test_errored_subjects_are_listed_with_the_redacted_error(database_url: str) -> None:
    async with open_pool(database_url, max_size=2) as pool:
        async with pool.connection() as conn, conn.transaction():
            await subjects.hint(conn, ADA)
        await subjects.mark_error(pool, ADA, "lever answered 500 for ada@example.com")
        assert await failures.errored(pool) == [
            {
                "connection": "main",
                "subject": "opportunity:opp-ada",
                "error": "lever answered 500 for <email>",
            }
        ]


async def test_replay_resets_what_matches_and_queues_each_subject_once(database_url: str) -> None:
    deferred: list[Subject] = []

    async def defer(subject: Subject, *, connection: AsyncConnection | None = None) -> int:
        assert connection is not None  # in the replay's own transaction
        deferred.append(subject)
        return len(deferred)

    async with open_pool(database_url, max_size=2) as pool:
        await park(pool, ADA, "epic", "refused")
        await park(pool, ADA, "it", "refused")
        await park(pool, ADA, "summary", "template failed", kind="template")
        await park(pool, BEA, "epic", "refused")
        await park(pool, OTHER, "epic", "refused")
        reset = await failures.replay(pool, failures.EffectFilter("main", id="opp-ada"), defer=defer)
        left = {p.ref for p in await failures.parked(pool)}
    assert {s: sorted(keys) for s, keys in reset.items()} == {
        ADA: ["onboarding:epic", "onboarding:it", "onboarding:summary"]
    }
    assert deferred == [ADA]
    assert left == {"opportunity:opp-bea:onboarding:epic", "opportunity:opp-eu:onboarding:epic"}
    with psycopg.connect(database_url) as conn:
        states = dict(
            conn.execute(
                "SELECT key, state FROM effects WHERE subject_id = 'opp-ada' ORDER BY key"
            ).fetchall()
        )
        audited = conn.execute("SELECT action FROM audit WHERE subject_id = 'opp-ada'").fetchall()
        desired = conn.execute("SELECT desired_version FROM subjects WHERE id = 'opp-ada'").fetchone()
    # Never created outside: back to pending, so its marker is looked for before a write; the template
    # failure is forgotten, so the recipe is evaluated afresh.
    assert states == {"epic": "pending", "it": "pending"}
    assert audited == [("replayed",)] and desired == (1,)
