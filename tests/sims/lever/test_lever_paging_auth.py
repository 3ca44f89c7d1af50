"""Offset-token pagination, API-key auth and the per-key token bucket."""

from __future__ import annotations

import json
from urllib.parse import unquote

import httpx2
from lever_helpers import create_opportunity

from hirebridge.sims.lever import create_app
from hirebridge.sims.lever.company import RECRUITER_KEY


async def _no_limit(lever: httpx2.AsyncClient) -> None:
    await lever.post("/_sim/faults", json={"rate_limit": {"rps": 0}})


async def test_pagination_with_offset_tokens(lever):
    await _no_limit(lever)
    created = [await create_opportunity(lever, name=f"C{n}", emails=[f"c{n}@example.org"]) for n in range(7)]
    seen, offset, pages = [], None, 0
    while pages < 10:
        params = {"limit": 3, **({"offset": offset} if offset else {})}
        body = (await lever.get("/v1/opportunities", params=params)).json()
        pages += 1
        seen += [o["id"] for o in body["data"]]
        if not body["hasNext"]:
            assert "next" not in body
            break
        offset = body["next"]
        assert offset.startswith("%5B")
        assert json.loads(unquote(offset))[0] == 1
    assert pages == 3
    assert sorted(seen) == sorted(o["id"] for o in created) and len(set(seen)) == 7


async def test_offset_token_accepted_decoded_and_rejected_when_malformed(lever):
    await _no_limit(lever)
    for n in range(3):
        await create_opportunity(lever, name=f"C{n}", emails=[f"c{n}@example.org"])
    first = (await lever.get("/v1/opportunities", params={"limit": 2})).json()
    decoded = await lever.get("/v1/opportunities", params={"limit": 2, "offset": unquote(first["next"])})
    assert decoded.status_code == 200 and len(decoded.json()["data"]) == 1
    for garbage in ("garbage", "%5B1%2C%22x%22%5D", '[2,1,"a"]'):
        invalid = await lever.get("/v1/opportunities", params={"offset": garbage})
        assert invalid.status_code == 400 and invalid.json()["code"] == "BadRequestError"
        assert invalid.json()["message"].startswith("Invalid offset token")


async def test_limit_bounds(lever):
    assert (await lever.get("/v1/users", params={"limit": 101})).status_code == 400
    assert (await lever.get("/v1/users", params={"limit": "x"})).status_code == 400
    assert (await lever.get("/v1/users", params={"limit": 100})).status_code == 200


async def test_auth_required(lever):
    transport = httpx2.ASGITransport(app=lever.app)
    async with httpx2.AsyncClient(transport=transport, base_url="http://lever.sim") as anonymous:
        missing = await anonymous.get("/v1/users")
        wrong = await anonymous.get("/v1/users", auth=("wrong-key", ""))
        recruiter = await anonymous.get("/v1/users", auth=(RECRUITER_KEY, ""))
        control = await anonymous.get("/_sim/state")
    for response in (missing, wrong):
        assert response.status_code == 401
        assert response.json()["code"] == "UnauthorizedError"
    assert recruiter.status_code == 200
    assert control.status_code == 200


async def test_rate_limit_429_at_burst_per_key():
    app = create_app()
    transport = httpx2.ASGITransport(app=app)
    async with (
        httpx2.AsyncClient(transport=transport, base_url="http://s", auth=("sim-lever-key", "")) as main,
        httpx2.AsyncClient(transport=transport, base_url="http://s", auth=(RECRUITER_KEY, "")) as other,
    ):
        statuses = [(await main.get("/v1/stages")).status_code for _ in range(25)]
        assert statuses[:20] == [200] * 20
        assert 429 in statuses[20:]
        limited = next(r for r in [await main.get("/v1/stages")] if r.status_code == 429)
        assert set(limited.json()) == {"code", "message"}
        assert (await other.get("/v1/stages")).status_code == 200
        log = (await main.get("/_sim/requests")).json()["data"]
        assert {e["key"] for e in log if e["status"] == 429} == {"sim-lever-key"}
        await main.post("/_sim/faults", json={"rate_limit": {"rps": 0}})
        assert all([(await main.get("/v1/stages")).status_code == 200 for _ in range(30)])
        await main.post("/_sim/faults", json={"rate_limit": {"rps": 10, "burst": 3}})
        assert [(await main.get("/v1/stages")).status_code for _ in range(4)] == [200, 200, 200, 429]


async def test_exempt_keys_skip_the_bucket_and_requests_are_counted_by_key():
    app = create_app()
    transport = httpx2.ASGITransport(app=app)
    async with (
        httpx2.AsyncClient(transport=transport, base_url="http://s", auth=("sim-lever-key", "")) as main,
        httpx2.AsyncClient(transport=transport, base_url="http://s", auth=(RECRUITER_KEY, "")) as other,
    ):
        faults = {"rate_limit": {"rps": 10, "burst": 2}, "rate_limit_exempt": [RECRUITER_KEY]}
        assert (await main.post("/_sim/faults", json=faults)).status_code == 200
        assert [(await other.get("/v1/stages")).status_code for _ in range(5)] == [200] * 5
        assert [(await main.get("/v1/stages")).status_code for _ in range(3)] == [200, 200, 429]
        by_key = (await main.get("/_sim/stats")).json()["byKey"]
        assert by_key == {f"{RECRUITER_KEY} 200": 5, "sim-lever-key 200": 2, "sim-lever-key 429": 1}
        bad = await main.post("/_sim/faults", json={"rate_limit_exempt": "everyone"})
        assert bad.status_code == 400
