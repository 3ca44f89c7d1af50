from __future__ import annotations

import time

import httpx2
from justworks_helpers import valid_form

from hirebridge.sims.justworks import create_app


async def test_fault_latency(api):
    await api.post("/_sim/faults", json={"latency_ms": 200})
    started = time.monotonic()
    assert (await api.get("/v1/company")).status_code == 200
    assert time.monotonic() - started >= 0.2
    started = time.monotonic()
    await api.get("/_sim/state")
    assert time.monotonic() - started < 0.2


async def test_fault_rate_429(api):
    assert (await api.post("/_sim/faults", json={"rate_429": 1.0, "retry_after_seconds": 7})).is_success
    response = await api.get("/v1/members")
    assert response.status_code == 429
    assert response.headers["retry-after"] == "7"
    assert response.json()["errors"][0]["code"] == "rate_limited"
    await api.post("/_sim/faults", json={"rate_429": 0.0})
    assert (await api.get("/v1/members")).status_code == 200


async def test_fault_rate_5xx(api):
    await api.post("/_sim/faults", json={"rate_5xx": 1.0})
    statuses = {(await api.get("/v1/members")).status_code for _ in range(10)}
    assert statuses <= {500, 502, 503} and statuses
    await api.post("/_sim/faults", json={"rate_5xx": 0.5, "random_seed": 3})
    mixed = [(await api.get("/v1/members")).status_code for _ in range(40)]
    assert 200 in mixed and any(s >= 500 for s in mixed)


async def test_fault_settings_are_checked(anon):
    assert (await anon.post("/_sim/faults", json={"rate_429": 2})).status_code == 400
    assert (await anon.post("/_sim/faults", json={"latency": 5})).status_code == 400
    assert (await anon.post("/_sim/faults", json={"latency_ms": "slow"})).status_code == 400
    assert (await anon.get("/_sim/faults")).json()["rate_429"] == 0.0


async def test_requests_and_stats_by_route_template(api):
    await api.get("/v1/members/mem_hank")
    await api.get("/v1/members/mem_mona")
    await api.get("/v1/members/nobody")
    stats = (await api.get("/_sim/stats")).json()
    assert stats["by_route"]["GET /v1/members/{member_id}"] == 3
    assert stats["by_route"]["POST /oauth/token"] == 1
    assert stats["by_status"] == {"302": 1, "200": 3, "404": 1}  # authorize, token, three reads
    log = (await api.get("/_sim/requests", params={"limit": 1})).json()["items"]
    assert log[0]["path"] == "/v1/members/nobody" and log[0]["status"] == 404
    await api.delete("/_sim/requests")
    assert (await api.get("/_sim/stats")).json()["total"] == 0


async def test_clock_and_config(anon):
    before = (await anon.get("/_sim/clock")).json()
    after = (await anon.post("/_sim/clock", json={"advance_seconds": 86400})).json()
    assert after["offset_seconds"] == 86400 and after["now"] > before["now"]
    assert (await anon.post("/_sim/clock", json={"advance_seconds": -1})).status_code == 400
    config = (await anon.post("/_sim/config", json={"access_token_ttl_seconds": 5})).json()
    assert config["access_token_ttl_seconds"] == 5
    assert (await anon.get("/_sim/config")).json() == config
    assert (await anon.post("/_sim/config", json={"reject_hourly_exempt": "no"})).status_code == 400


async def test_reset_restores_data_and_keeps_tokens(api):
    await api.post("/_sim/people", json=valid_form())
    await api.post("/_sim/faults", json={"latency_ms": 1})
    assert (await api.post("/_sim/reset")).json() == {"ok": True}
    state = (await api.get("/_sim/state")).json()
    assert state["people"] == [] and state["outbox"] == []
    assert state["faults"]["latency_ms"] == 0
    assert (await api.get("/v1/company")).status_code == 200


async def test_seed_replaces_the_company(api):
    seed = {
        "company": {
            "id": "cmp_tiny",
            "display_name": "Tiny",
            "legal_name": "Tiny LLC",
            "departments": [{"id": "dep_r_d", "name": "R&D"}],
            "offices": [{"id": "off_hq", "name": "HQ"}],
        },
        "members": [
            {"id": "mem_boss", "given_name": "Bo", "family_name": "Ss", "email": "bo@tiny.example",
             "department": "R&D", "office": "HQ"}
        ],
    }  # fmt: skip
    assert (await api.post("/_sim/seed", json=seed)).json()["members"] == 1
    assert (await api.get("/v1/company")).json()["departments"] == [{"id": "dep_r_d", "name": "R&D"}]
    packet = valid_form(department={"name": "R&D"}, office={"name": "HQ"}, manager={"member_id": "mem_boss"})
    assert (await api.post("/_sim/people", json=packet)).status_code == 201
    assert (await api.post("/_sim/seed", json={"people": []})).status_code == 400
    assert (await api.post("/_sim/seed", json={"members": [{"id": "x"}]})).status_code == 400
    assert (await api.get("/v1/members/mem_boss")).status_code == 200


async def test_create_app_takes_a_seed():
    app = create_app({"admins": [{"id": "adm_x", "member_id": None, "name": "X", "email": "x@example.com",
                                  "permissions": ["manage_employees"]}]})  # fmt: skip
    async with httpx2.AsyncClient(transport=httpx2.ASGITransport(app=app), base_url="http://sim") as client:
        state = (await client.get("/_sim/state")).json()
        assert [a["email"] for a in state["admins"]] == ["x@example.com"]
        assert state["company"]["display_name"] == "Example Co"
        await client.post("/_sim/seed", json={"admins": []})
        await client.post("/_sim/reset")
        assert len((await client.get("/_sim/state")).json()["admins"]) == 1


async def test_unknown_routes_use_the_error_format(anon):
    response = await anon.get("/v1/nothing")
    assert response.status_code == 404
    assert response.json()["errors"][0]["code"] == "not_found"
