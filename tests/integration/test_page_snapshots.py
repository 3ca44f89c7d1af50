"""A snapshot built from a list page (as the sweep and the backfill read Lever) equals the one built
from reading the opportunity alone (as a webhook's reconcile does), whatever the opportunities are."""

from __future__ import annotations

import asyncio
from typing import Any

import httpx2
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hirebridge.config.models import LeverConnection
from hirebridge.connectors.lever import LeverClient
from hirebridge.runtime.observe import LeverSide, read_opportunity
from hirebridge.runtime.reference import LeverReference
from hirebridge.sims.lever import create_app
from hirebridge.sims.lever.company import AE_POSTING, API_KEY, BACKEND_POSTING, PEOPLE_POSTING, RITA

STAGES = ["lead-new", "lead-reached-out", "applicant-new", "offer"]
opportunity = st.fixed_dictionaries(
    {
        "name": st.text(alphabet="abcdé XYZ-'", min_size=1, max_size=12),
        "posting": st.sampled_from([BACKEND_POSTING, AE_POSTING, PEOPLE_POSTING, None]),
        "moves": st.lists(st.sampled_from(STAGES), max_size=3),
        "tags": st.lists(st.sampled_from(["referral", "senior", "remote"]), max_size=3, unique=True),
        "origin": st.sampled_from(["sourced", "applied", "referred", "agency"]),
        "emails": st.lists(st.emails(), max_size=2),
        "archive": st.sampled_from([None, 0, 1, -1]),  # an archive reason by position, if any
        "unarchive": st.booleans(),
    }
)


async def _seed(client: httpx2.AsyncClient, people: list[dict[str, Any]]) -> None:
    reasons = (await client.get("/v1/archive_reasons")).json()["data"]
    for person in people:
        body: dict[str, Any] = {
            "name": person["name"],
            "tags": person["tags"],
            "origin": person["origin"],
            "emails": person["emails"],
        }
        if person["posting"]:
            body["postings"] = [person["posting"]]
        created = await client.post("/v1/opportunities", params={"perform_as": RITA}, json=body)
        created.raise_for_status()
        opp = created.json()["data"]["id"]
        for stage in person["moves"]:
            await client.post("/_sim/clock", json={"advance_seconds": 60})
            (await client.put(f"/v1/opportunities/{opp}/stage", json={"stage": stage})).raise_for_status()
        if person["archive"] is not None:
            reason = reasons[person["archive"]]["id"]
            archived = await client.put(f"/v1/opportunities/{opp}/archived", json={"reason": reason})
            archived.raise_for_status()
            if person["unarchive"]:
                await client.put(f"/v1/opportunities/{opp}/archived", json={"reason": None})


async def _compare(people: list[dict[str, Any]]) -> int:
    app = create_app()
    transport = httpx2.ASGITransport(app=app)
    async with httpx2.AsyncClient(transport=transport, base_url="http://lever", auth=(API_KEY, "")) as sim:
        await sim.post("/_sim/faults", json={"rate_limit": {"rps": 100000, "burst": 100000}})
        await _seed(sim, people)
    config = LeverConnection(base_url="http://lever", api_key=API_KEY, requests_per_second=10000, burst=10000)
    client = LeverClient(config, transport=transport)
    side = LeverSide(client=client, reference=LeverReference(client), perform_as_email=None, recipes=())
    try:
        compared = 0
        async for listed in client.opportunities([("expand", "applications")]):
            from_page = await read_opportunity(side, str(listed["id"]), listed)
            alone = await read_opportunity(side, str(listed["id"]))
            assert from_page == alone
            compared += 1
        return compared
    finally:
        await client.aclose()


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(opportunity, min_size=1, max_size=6))
def test_page_built_snapshots_equal_one_by_one_snapshots(people: list[dict[str, Any]]) -> None:
    # Every opportunity was compared (the simulator's seed company has some of its own).
    assert asyncio.run(_compare(people)) >= len(people)
