"""Confidential postings, candidates and requisitions (Lever's API documentation): only keys made with
confidential access (or OAuth grants with `confidential:access:admin`) see them; lists leave them out by
default."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx2
import pytest

from hirebridge.sims.lever import create_app
from hirebridge.sims.lever.company import API_KEY, CONFIDENTIAL_KEY, RITA, default_company

SECRET_POSTING = "5ecre7ed-0000-4000-8000-000000000001"
PLAIN, CONFIDENTIAL = (API_KEY, ""), (CONFIDENTIAL_KEY, "")


@pytest.fixture
async def sim() -> AsyncIterator[httpx2.AsyncClient]:
    seed = default_company()
    seed["postings"].append(
        {
            "id": SECRET_POSTING,
            "text": "Chief of Staff (confidential search)",
            "owner": RITA,
            "confidentiality": "confidential",
            "categories": {"team": "Office of the CEO", "department": "Executive"},
        }
    )
    seed["requisitions"].append(
        {
            "requisitionCode": "EXE-1",
            "name": "Chief of Staff",
            "headcountTotal": 1,
            "confidentiality": "confidential",
            "postings": [SECRET_POSTING],
        }
    )
    app = create_app(seed)
    async with httpx2.AsyncClient(transport=httpx2.ASGITransport(app=app), base_url="http://lever.sim") as c:
        yield c
    await app.state.sim.deliveries.aclose()


async def ids(sim: httpx2.AsyncClient, path: str, auth: tuple[str, str], **params: str) -> list[str]:
    response = await sim.get(path, auth=auth, params=params)
    assert response.status_code == 200, response.text
    return [r["id"] for r in response.json()["data"]]


async def test_confidential_candidates_are_hidden_without_access(sim: httpx2.AsyncClient) -> None:
    created = await sim.post(
        "/v1/opportunities",
        params={"perform_as": RITA},
        auth=CONFIDENTIAL,
        json={"name": "Quiet Candidate", "postings": [SECRET_POSTING]},
    )
    assert created.status_code == 201
    opp = created.json()["data"]
    assert opp["confidentiality"] == "confidential"

    # Without access: not listed, and asking for it (or anything under it) is refused.
    assert opp["id"] not in await ids(sim, "/v1/opportunities", PLAIN)
    refused = await sim.get("/v1/opportunities", auth=PLAIN, params={"confidentiality": "all"})
    assert refused.status_code == 403 and refused.json()["code"] == "ForbiddenError"
    for path in (f"/v1/opportunities/{opp['id']}", f"/v1/opportunities/{opp['id']}/notes"):
        assert (await sim.get(path, auth=PLAIN)).status_code == 403
    written = await sim.post(
        "/v1/opportunities",
        params={"perform_as": RITA},
        auth=PLAIN,
        json={"name": "Another", "postings": [SECRET_POSTING]},
    )
    assert written.status_code == 403

    # With access: listed only when asked for, readable by id.
    assert opp["id"] not in await ids(sim, "/v1/opportunities", CONFIDENTIAL)
    assert opp["id"] in await ids(sim, "/v1/opportunities", CONFIDENTIAL, confidentiality="all")
    assert await ids(sim, "/v1/opportunities", CONFIDENTIAL, confidentiality="confidential") == [opp["id"]]
    assert (await sim.get(f"/v1/opportunities/{opp['id']}", auth=CONFIDENTIAL)).status_code == 200


async def test_confidential_postings_and_requisitions_follow_the_same_rule(sim: httpx2.AsyncClient) -> None:
    assert SECRET_POSTING not in await ids(sim, "/v1/postings", PLAIN)
    assert SECRET_POSTING in await ids(sim, "/v1/postings", CONFIDENTIAL, confidentiality="all")
    assert (await sim.get(f"/v1/postings/{SECRET_POSTING}", auth=PLAIN)).status_code == 403

    plain_codes = [
        r["requisitionCode"] for r in (await sim.get("/v1/requisitions", auth=PLAIN)).json()["data"]
    ]
    assert "EXE-1" not in plain_codes and plain_codes
    every = await sim.get("/v1/requisitions", auth=CONFIDENTIAL, params={"confidentiality": "all"})
    assert "EXE-1" in [r["requisitionCode"] for r in every.json()["data"]]
    bad = await sim.get("/v1/requisitions", auth=CONFIDENTIAL, params={"confidentiality": "secret"})
    assert bad.status_code == 400
