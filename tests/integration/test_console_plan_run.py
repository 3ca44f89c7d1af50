"""The Recipes page's plan of every subject: an operator asks for it, the background job runs the
dry run over the Lever simulator, and the page and the facade show its summary; a viewer cannot ask."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import httpx2
import pytest
from console_app import ORIGIN, Running, running_console, signed_in

from hirebridge.runtime import plan_runs
from hirebridge.sims.lever.company import BACKEND_POSTING, ONSITE, RITA


@pytest.fixture
async def running(database_url: str, tmp_path: Path) -> AsyncIterator[Running]:
    async with running_console(database_url, tmp_path) as found:
        yield found


async def test_an_operator_plans_the_deployed_recipes_and_the_page_shows_the_summary(
    running: Running,
) -> None:
    service = running.inner.state.service
    async with httpx2.AsyncClient(
        transport=running.lever, base_url="http://lever", auth=("sim-lever-recruiter-key", "")
    ) as lever:
        created = await lever.post(
            "/v1/opportunities",
            params={"perform_as": RITA},
            json={"name": "Cleo Martin", "postings": [BACKEND_POSTING], "stage": ONSITE},
        )
        created.raise_for_status()
    viewer, viewer_csrf = await signed_in(running, "vic@example.com", "viewer")
    refused = await viewer.post(
        "/console/recipes/plan", data={"csrf": viewer_csrf}, headers={"Origin": ORIGIN}
    )
    assert refused.status_code == 403
    assert await plan_runs.latest(running.inner.state.pool) is None

    operator, csrf = await signed_in(running, "ops@example.com", "operator")
    asked = await operator.post("/console/recipes/plan", data={"csrf": csrf}, headers={"Origin": ORIGIN})
    assert asked.status_code == 303
    queued = (await operator.get("/console/recipes")).text
    assert "Queued since" in queued and "ops@example.com" in queued
    again = await operator.post("/console/recipes/plan", data={"csrf": csrf}, headers={"Origin": ORIGIN})
    assert again.status_code == 303
    run = await plan_runs.latest(running.inner.state.pool)
    assert run is not None and run["finished_at"] is None

    assert await plan_runs.run(service, run["id"]) == 1
    done = await running.inner.state.console.recipes()
    assert done.plan_run is not None and done.plan_run["id"] == run["id"]
    assert done.plan_run["error"] is None and done.plan_run["finished_at"] is not None
    assert done.plan_run["summary"] == [{"recipe": "onsite", "action": "note", "creates": 1}]
    page = (await viewer.get("/console/recipes")).text
    assert "Planned " in page and "1 subject." in page and "<code>onsite/note</code></th><td>1</td>" in page
    assert "Plan the deployed recipes" in page and " disabled>" in page  # a viewer sees, cannot ask
    at = run["requested_at"]
    audit = await running.inner.state.console.audit(at.replace(year=2000), at.replace(year=2100))
    assert [(a.actor, a.action) for a in audit if a.action == "plan-requested"] == [
        ("ops@example.com", "plan-requested"),
        ("ops@example.com", "plan-requested"),
    ]


async def test_a_run_no_worker_finished_is_closed_as_abandoned_and_a_new_one_can_be_asked_for(
    running: Running,
) -> None:
    import psycopg

    pool = running.inner.state.pool
    first, added = await plan_runs.request(pool, "ops@example.com")
    assert added and (await plan_runs.request(pool, "ops@example.com")) == (first, False)
    with psycopg.connect(running.database_url, autocommit=True) as conn:
        conn.execute("UPDATE plan_runs SET requested_at = now() - interval '7 hours' WHERE id = %s", (first,))
    latest = await plan_runs.latest(pool)
    assert latest is not None and latest["id"] == first and latest["finished_at"] is not None
    assert latest["error"] == "abandoned: no worker finished it within 360 minutes"
    second, added = await plan_runs.request(pool, "ops@example.com")
    assert added and second != first
