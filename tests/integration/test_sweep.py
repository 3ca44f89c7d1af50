"""The sweep against the Lever simulator (in-process) and a real PostgreSQL: what it queues, and when."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import httpx2
import psycopg
import pytest

from hirebridge.domain.subjects import Subject
from hirebridge.runtime import queue
from hirebridge.runtime.configuration import load_config
from hirebridge.runtime.service import Service
from hirebridge.runtime.sweep import Window, sweep_due, sweep_now
from hirebridge.sims.lever import create_app
from hirebridge.sims.lever.company import BACKEND_POSTING, RITA, default_company
from hirebridge.store import cursors
from hirebridge.store.database import open_pool

CONFIG = """
version: 1
lever:
  main:
    base_url: http://lever
    api_key: sim-lever-key
    sweep_interval_seconds: 3600
    sweep_overlap_seconds: 60
    sweep_lookback_seconds: 86400
    poll_interval_seconds: 3600
jira:
  main: {base_url: "http://jira", email: admin@example.com, api_token: sim-token}
recipes:
  - name: accepted
    when: {stage_reached: Onsite}
    actions:
      - id: note
        lever_note: {text: "Accepted"}
  - name: signed
    when: {stage_reached: Offer, offer_accepted: true}
    actions:
      - id: note
        lever_note: {text: "Signed"}
  - name: headcount
    subject: requisition
    when: {requisition_status: [open, onHold, closed, filled]}
    allow: [requisition.name]
    actions:
      - id: plan
        jira_issue: {project: HC, type: Task, summary: "Headcount: {{ requisition.name }}"}
"""
DAY_MS = 86_400_000


# The service's default public_url is plain HTTP on loopback: the simulator's switch for tests.
LOOPBACK = {"allow_http_loopback": True, "enabled_events": "all"}


@pytest.fixture
def lever_app() -> Any:
    return create_app(webhook_settings=LOOPBACK)


@pytest.fixture
def config_path(tmp_path: Path) -> Path:
    path = tmp_path / "config.yaml"
    path.write_text(CONFIG)
    return path


@asynccontextmanager
async def running(database_url: str, config_path: Path, lever_app: Any) -> AsyncIterator[Service]:
    """One service process's worth of state: a pool, the queue, clients routed to the simulator."""
    transport = httpx2.ASGITransport(app=lever_app)
    async with open_pool(database_url, max_size=4) as pool:
        await queue.app.open_async(pool=pool)
        service = Service.build(load_config(config_path), pool, transports={"lever:main": transport})
        try:
            yield service
        finally:
            await service.aclose()
            await queue.app.close_async()


@asynccontextmanager
async def lever(lever_app: Any) -> AsyncIterator[httpx2.AsyncClient]:
    transport = httpx2.ASGITransport(app=lever_app)
    async with httpx2.AsyncClient(
        transport=transport, base_url="http://lever", auth=("sim-lever-recruiter-key", "")
    ) as client:
        yield client


async def add_candidate(client: httpx2.AsyncClient, name: str, stage: str = "applicant-new") -> str:
    response = await client.post(
        "/v1/opportunities",
        params={"perform_as": RITA},
        json={"name": name, "postings": [BACKEND_POSTING], "stage": stage},
    )
    response.raise_for_status()
    return str(response.json()["data"]["id"])


def queued_jobs(database_url: str) -> list[tuple[str, str]]:
    with psycopg.connect(database_url) as conn:
        rows = conn.execute(
            "SELECT task_name, coalesce(args->>'opportunity_id', args->>'requisition_id')"
            " FROM procrastinate_jobs WHERE queue_name = 'reconcile' ORDER BY id"
        ).fetchall()
    return [(str(task), str(subject)) for task, subject in rows]


def by_stream(results: list[Any]) -> dict[str, Any]:
    return {r.stream: r for r in results}


async def test_changed_opportunities_are_queued_once_and_the_cursor_survives_restart(
    database_url: str, config_path: Path, lever_app: Any
) -> None:
    async with lever(lever_app) as client:
        first = await add_candidate(client, "Ada Lindqvist")
        second = await add_candidate(client, "Bashir Okafor")
    async with running(database_url, config_path, lever_app) as service:
        results = by_stream(await sweep_now(service, "main", Window()))
        assert results["opportunities"].listed == 2 and results["opportunities"].queued == 2
        again = by_stream(await sweep_now(service, "main", Window()))
        # Within the overlap window both are listed again, but nothing changed: nothing is queued.
        assert again["opportunities"].listed == 2 and again["opportunities"].queued == 0
    assert sorted(s for _, s in queued_jobs(database_url) if s in (first, second)) == sorted([first, second])
    position = next(c.position for c in await _cursors(database_url) if c.stream == "opportunities")
    assert position is not None

    async with lever(lever_app) as client:
        await client.post("/_sim/clock", json={"advance_seconds": 600})
        moved = await client.put(f"/v1/opportunities/{first}/stage", json={"stage": "offer"})
        moved.raise_for_status()
    # A new process (a restart) starts from the stored cursor (minus the overlap): both are listed,
    # only the moved one is queued.
    async with running(database_url, config_path, lever_app) as service:
        results = by_stream(await sweep_now(service, "main", Window()))
    assert (results["opportunities"].listed, results["opportunities"].queued) == (2, 1)
    assert ("reconcile_opportunity", first) in queued_jobs(database_url)[-2:]
    async with lever(lever_app) as client:
        await client.post("/_sim/clock", json={"advance_seconds": 600})
    async with running(database_url, config_path, lever_app) as service:
        quiet = by_stream(await sweep_now(service, "main", Window()))
    # The cursor is Lever's newest updatedAt: only the moved candidate is in its window, unchanged.
    assert (quiet["opportunities"].listed, quiet["opportunities"].queued) == (1, 0)
    later = next(c.position for c in await _cursors(database_url) if c.stream == "opportunities")
    assert later is not None and later > position


async def test_a_quiet_account_is_not_listed_again_once_the_overlap_has_passed(
    database_url: str, tmp_path: Path, lever_app: Any
) -> None:
    """The cursor is where the last pass started: a burst of changes (an import) is listed by the
    passes within the overlap after it, not by every pass until the next change."""
    path = tmp_path / "config.yaml"
    path.write_text(CONFIG.replace("sweep_overlap_seconds: 60", "sweep_overlap_seconds: 1"))
    async with lever(lever_app) as client:
        for name in ("Ada Lindqvist", "Bashir Okafor", "Chen Wei"):
            await add_candidate(client, name)
    async with running(database_url, path, lever_app) as service:
        first = by_stream(await sweep_now(service, "main", Window()))["opportunities"]
        assert (first.listed, first.queued) == (3, 3)
        await asyncio.sleep(1.5)
        # Listed again (within the overlap before the first pass began), nothing queued; the pass
        # after it looks back from this one's start, past them.
        again = by_stream(await sweep_now(service, "main", Window()))["opportunities"]
        assert again.queued == 0
        quiet = by_stream(await sweep_now(service, "main", Window()))["opportunities"]
        assert (quiet.listed, quiet.queued) == (0, 0)
        async with lever(lever_app) as client:
            await add_candidate(client, "Dana Kowalski")
        later = by_stream(await sweep_now(service, "main", Window()))["opportunities"]
        assert (later.listed, later.queued) == (1, 1)


async def test_first_run_backfills_everything_or_looks_back_when_asked(
    database_url: str, config_path: Path, lever_app: Any
) -> None:
    now_ms = int(time.time() * 1000)
    async with lever(lever_app) as client:
        await client.post("/_sim/clock", json={"now_ms": now_ms - 3 * DAY_MS})
        await add_candidate(client, "Old Candidate")
        await client.post("/_sim/clock", json={"now_ms": now_ms})
        recent = await add_candidate(client, "New Candidate")
    async with running(database_url, config_path, lever_app) as service:
        results = by_stream(await sweep_now(service, "main", Window()))
        # A new database: every opportunity, queued at background priority (a backfill).
        assert (results["opportunities"].listed, results["opportunities"].queued) == (2, 2)
        assert results["opportunities"].priority == queue.PRIORITY_BACKFILL
        assert {p for p, _ in job_priorities(database_url)} == {queue.PRIORITY_BACKFILL}
        again = by_stream(await sweep_now(service, "main", Window()))["opportunities"]
        assert (again.queued, again.priority) == (0, queue.PRIORITY_SWEEP)
    _write(
        config_path,
        CONFIG.replace(
            "poll_interval_seconds: 3600", "poll_interval_seconds: 3600\n    first_sweep: lookback"
        ),
    )
    with psycopg.connect(database_url, autocommit=True) as conn:
        conn.execute("DELETE FROM sweep_cursors; DELETE FROM subjects; DELETE FROM procrastinate_jobs")
    async with running(database_url, config_path, lever_app) as service:
        results = by_stream(await sweep_now(service, "main", Window()))
        assert (results["opportunities"].listed, results["opportunities"].queued) == (1, 1)
        assert results["opportunities"].job_ids and recent in [s for _, s in queued_jobs(database_url)]
        full = by_stream(await sweep_now(service, "main", Window(full=True)))
        assert (full["opportunities"].listed, full["opportunities"].queued) == (2, 1)
        since = by_stream(await sweep_now(service, "main", Window(since_ms=now_ms - 4 * DAY_MS)))
        assert (since["opportunities"].listed, since["opportunities"].queued) == (2, 0)


def job_priorities(database_url: str) -> list[tuple[int, str]]:
    with psycopg.connect(database_url) as conn:
        rows = conn.execute(
            "SELECT priority, args->>'opportunity_id' FROM procrastinate_jobs"
            " WHERE task_name = 'reconcile_opportunity' ORDER BY id"
        ).fetchall()
    return [(int(p), str(s)) for p, s in rows]


async def test_requisition_change_is_seen(database_url: str, config_path: Path, lever_app: Any) -> None:
    async with running(database_url, config_path, lever_app) as service:
        first = by_stream(await sweep_now(service, "main", Window()))["requisitions"]
        assert first.listed == 3 and first.queued == 3
        assert by_stream(await sweep_now(service, "main", Window()))["requisitions"].queued == 0
        async with lever(lever_app) as client:
            requisition = (await client.get("/v1/requisitions")).json()["data"][0]
            body = {
                k: v
                for k, v in requisition.items()
                if k not in ("id", "createdAt", "updatedAt", "closedAt", "postings", "offerIds")
            }
            await client.post("/_sim/clock", json={"advance_seconds": 5})
            response = await client.put(
                f"/v1/requisitions/{requisition['id']}", json={**body, "status": "onHold"}
            )
            response.raise_for_status()
        changed = by_stream(await sweep_now(service, "main", Window()))["requisitions"]
    assert changed.queued == 1
    assert queued_jobs(database_url)[-1] == ("reconcile_requisition", requisition["id"])


async def test_offers_of_watched_candidates_are_read_and_only_a_change_is_queued(
    database_url: str, config_path: Path, lever_app: Any
) -> None:
    async with lever(lever_app) as client:
        in_offer = await add_candidate(client, "Chen Wei", stage="offer")
        earlier = await add_candidate(client, "Dana Kowalski")
    async with running(database_url, config_path, lever_app) as service:
        first = by_stream(await sweep_now(service, "main", Window()))
        assert first["opportunities"].queued == 2
        # Nobody is watched before a reconcile read them.
        assert (first["offers"].listed, first["offers"].queued) == (0, 0)
        for subject in (in_offer, earlier):
            await service.reconcile(Subject("main", "opportunity", subject))
        # Only the candidate at Offer waits for a signed offer: its offers are read, unchanged.
        second = by_stream(await sweep_now(service, "main", Window()))
        assert (second["offers"].listed, second["offers"].queued) == (1, 0)
        async with lever(lever_app) as client:
            body = {"opportunityId": in_offer, "status": "signed", "fields": {}}
            (await client.post("/_sim/offers", json=body)).raise_for_status()
        third = by_stream(await sweep_now(service, "main", Window()))
        assert (third["opportunities"].queued, third["offers"].queued) == (0, 1)
        assert job_priorities(database_url)[-1] == (queue.PRIORITY_SWEEP, in_offer)
        # The change is queued once: not again while its reconcile waits.
        assert by_stream(await sweep_now(service, "main", Window()))["offers"].queued == 0


@pytest.mark.parametrize(
    ("offer_text", "configured"), [("Angebot", None), ("Offer Extended", "offer extended")]
)
async def test_the_offer_stage_is_found_whatever_the_account_calls_it(
    database_url: str, tmp_path: Path, offer_text: str, configured: str | None
) -> None:
    """Lever's Offer stage keeps its system id `offer` when an account renames it (Lever's developer
    FAQ, https://hire.lever.co/developer/support); a pipeline whose offer stage has another id is named
    in the configuration."""
    seed = default_company()
    offer = next(s for s in seed["stages"] if s["id"] == "offer")
    offer["text"] = offer_text
    if configured:
        offer["id"] = "b6a1c3f0-0000-4000-8000-000000000001"
    app = create_app(seed, LOOPBACK)
    config = CONFIG.replace("{stage_reached: Offer, offer_accepted: true}", "{offer_accepted: true}")
    if configured:
        config = config.replace(
            "    poll_interval_seconds: 3600\n",
            f"    poll_interval_seconds: 3600\n    offer_stage: {configured}\n",
        )
    path = tmp_path / "renamed.yaml"
    path.write_text(config)
    async with lever(app) as client:
        in_offer = await add_candidate(client, "Chen Wei", stage=offer["id"])
        earlier = await add_candidate(client, "Dana Kowalski", stage="applicant-new")
    async with running(database_url, path, app) as service:
        await sweep_now(service, "main", Window())
        for subject in (in_offer, earlier):
            await service.reconcile(Subject("main", "opportunity", subject))
        offers = by_stream(await sweep_now(service, "main", Window()))["offers"]
    # The recipe names no stage: only the candidate in the Offer stage, whatever its name, is watched.
    assert offers.skipped is None and offers.listed == 1


async def test_periodic_passes_follow_the_interval(
    database_url: str, config_path: Path, lever_app: Any
) -> None:
    async with lever(lever_app) as client:
        await add_candidate(client, "Dana Kowalski")
    async with running(database_url, config_path, lever_app) as service:
        assert await sweep_due(service) == 4  # one opportunity, three requisitions
        assert await sweep_due(service) == 0  # not due again for an hour
        with psycopg.connect(database_url, autocommit=True) as conn:
            conn.execute("UPDATE sweep_cursors SET next_run_at = now() WHERE stream = 'opportunities'")
            # A pass that holds the lease elsewhere is not run twice.
            conn.execute("UPDATE sweep_cursors SET claimed_until = now() + interval '1 minute'")
        assert await sweep_due(service) == 0
        states = {c.stream: c for c in await cursors.all_cursors(service.pool)}
    assert states["opportunities"].last_summary["listed"] == 1
    assert states["requisitions"].last_finished_at is not None


async def _cursors(database_url: str) -> list[cursors.CursorState]:
    async with open_pool(database_url, max_size=1) as pool:
        return await cursors.all_cursors(pool)


def _write(path: Path, text: str) -> None:
    path.write_text(text)
