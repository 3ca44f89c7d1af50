"""Who is to be erased: deletions Lever lists (no webhook needed; a read answered 404 runs the sweep's
`deletions` stream at once), of the candidates hirebridge holds anything for, and only those; and a
request to be forgotten, by opportunity or email, which covers every opportunity of the person."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import psycopg
from test_sweep import add_candidate, by_stream, config_path, lever, lever_app, running  # noqa: F401

from hirebridge.domain.subjects import Subject
from hirebridge.runtime.erasure import LISTED_REASON
from hirebridge.runtime.forget import request_erasures, subjects_of_person
from hirebridge.runtime.sweep import Window, sweep_due, sweep_now
from hirebridge.sims.lever.company import BACKEND_POSTING, RITA
from hirebridge.store import lifecycle


def deletions_due(database_url: str) -> bool:
    with psycopg.connect(database_url) as conn:
        row = conn.execute(
            "SELECT next_run_at <= now() FROM sweep_cursors WHERE stream = 'deletions'"
        ).fetchone()
    return bool(row and row[0])


async def test_a_404_runs_the_deletions_stream_which_erases_what_is_held(
    database_url: str,
    config_path: Path,  # noqa: F811
    lever_app: Any,  # noqa: F811
) -> None:
    async with lever(lever_app) as client:
        held, kept = await add_candidate(client, "Ada Lindqvist"), await add_candidate(client, "Bo Berg")
    async with running(database_url, config_path, lever_app) as service:
        first = by_stream(await sweep_now(service, "main", Window()))
        assert first["opportunities"].queued == 2 and first["deletions"].listed == 0
        assert not deletions_due(database_url)  # next in an hour (sweep_interval_seconds)
        async with lever(lever_app) as client:
            never_seen = await add_candidate(client, "Cy Dunn")
            for opportunity in (held, never_seen):
                (await client.delete(f"/_sim/opportunities/{opportunity}")).raise_for_status()

        # Forced, the reconcile reads Lever (not the copy the sweep's page left for it).
        assert await service.reconcile(Subject("main", "opportunity", held), force=True) == "not-found"
        assert deletions_due(database_url)
        assert await sweep_due(service) == 1  # the held one; the other was never seen
        request = await lifecycle.erasure_of(service.pool, Subject("main", "opportunity", held))
        assert request is not None and request["reason"] == LISTED_REASON and "erased_at" not in request

        assert await service.reconcile(Subject("main", "opportunity", held)) == "erased"
        assert await service.reconcile(Subject("main", "opportunity", kept)) == "in sync"
    with psycopg.connect(database_url) as conn:
        rows = dict(conn.execute("SELECT id, erasure ->> 'erased_at' FROM subjects").fetchall())
    assert rows[held] is not None and rows[kept] is None and never_seen not in rows


async def test_a_request_covers_every_opportunity_of_the_person(
    database_url: str,
    config_path: Path,  # noqa: F811
    lever_app: Any,  # noqa: F811
) -> None:
    async with lever(lever_app) as client:
        ids = []
        for _ in range(2):  # the same email: Lever links the second opportunity to the same contact
            body = {"name": "Ada Lindqvist", "emails": ["ada@example.net"], "postings": [BACKEND_POSTING]}
            response = await client.post("/v1/opportunities", params={"perform_as": RITA}, json=body)
            ids.append(str(response.raise_for_status().json()["data"]["id"]))
        other = await add_candidate(client, "Bo Berg")
    async with running(database_url, config_path, lever_app) as service:
        by_id = await subjects_of_person(service, "main", opportunity=ids[1])
        by_email = await subjects_of_person(service, "main", email="ADA@example.net")
        gone = await subjects_of_person(service, "main", opportunity="not-in-lever")
        jobs = await request_erasures(service, by_id, "dpo")
        erasure = await lifecycle.erasure_of(service.pool, by_id[0])
    assert [s.id for s in by_id] == [s.id for s in by_email] == sorted(ids) and other not in ids
    assert [s.id for s in gone] == ["not-in-lever"]
    assert len(jobs) == 2 and erasure is not None and erasure["by"] == "dpo"
    assert set(erasure) == {"by", "reason", "requested_at"}  # nothing about the person
