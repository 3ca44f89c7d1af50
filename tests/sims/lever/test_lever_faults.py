"""Each fault knob happens and is observable."""

from __future__ import annotations

import asyncio
import time

from lever_helpers import Live, create_opportunity, subscribe

from hirebridge.sims.lever.company import RITA


async def test_latency_ms(lever):
    await lever.post("/_sim/faults", json={"latency_ms": 150})
    started = time.perf_counter()
    assert (await lever.get("/v1/stages")).status_code == 200
    assert time.perf_counter() - started >= 0.15
    started = time.perf_counter()
    await lever.get("/_sim/state")
    assert time.perf_counter() - started < 0.15


async def test_rate_429(lever):
    await lever.post("/_sim/faults", json={"rate_429": 1.0})
    response = await lever.get("/v1/stages")
    assert response.status_code == 429 and set(response.json()) == {"code", "message"}
    assert (await lever.get("/_sim/stats")).json()["byStatus"] == {"429": 1}


async def test_rate_5xx_happens_before_the_write(lever):
    await lever.post("/_sim/faults", json={"rate_5xx": 1.0})
    response = await lever.post("/v1/opportunities", params={"perform_as": RITA}, json={"name": "Lost"})
    assert response.status_code == 500 and response.json()["code"] == "InternalServerError"
    await lever.delete("/_sim/faults")
    assert (await lever.get("/v1/opportunities")).json()["data"] == []


async def test_rate_5xx_after_write_applies_the_write(lever):
    opp = await create_opportunity(lever)
    await lever.post("/_sim/faults", json={"rate_5xx_after_write": 1.0})
    response = await lever.post(f"/v1/opportunities/{opp['id']}/notes", json={"value": "Written anyway"})
    assert response.status_code == 500
    assert (await lever.get(f"/v1/opportunities/{opp['id']}")).status_code == 200
    notes = (await lever.get(f"/v1/opportunities/{opp['id']}/notes")).json()["data"]
    assert [n["fields"][0]["value"] for n in notes] == ["Written anyway"]


async def test_fault_knobs_are_validated_and_cleared(lever):
    assert (await lever.post("/_sim/faults", json={"rate_5xxx": 1})).status_code == 400
    assert (await lever.post("/_sim/faults", json={"rate_429": 2})).status_code == 400
    assert (await lever.post("/_sim/faults", json={"webhook_reorder": "yes"})).status_code == 400
    knobs = (await lever.post("/_sim/faults", json={"latency_ms": 5, "webhook_duplicate": 2})).json()
    assert knobs["latency_ms"] == 5 and knobs["webhook_duplicate"] == 2
    await lever.post("/_sim/reset")
    assert (await lever.get("/_sim/faults")).json()["latency_ms"] == 0


async def test_stats_and_request_log(lever):
    opp = await create_opportunity(lever)
    await lever.get(f"/v1/opportunities/{opp['id']}")
    await lever.get(f"/v1/opportunities/{opp['id']}")
    stats = (await lever.get("/_sim/stats")).json()
    assert stats["byRoute"]["GET /v1/opportunities/{opportunity_id}"] == 2
    assert stats["byMethod"] == {"POST": 1, "GET": 2} and stats["total"] == 3
    log = (await lever.get("/_sim/requests")).json()["data"]
    assert [(e["method"], e["status"], e["key"]) for e in log] == [
        ("POST", 201, "sim-lever-key"),
        ("GET", 200, "sim-lever-key"),
        ("GET", 200, "sim-lever-key"),
    ]


async def _history(live: Live) -> dict:
    await live.control.post("/_sim/deliveries/wait", json={"timeout_seconds": 5})
    return (await live.control.get("/_sim/deliveries")).json()


async def test_webhook_drop(live: Live):
    await subscribe(live, "applicationCreated")
    await live.control.post("/_sim/faults", json={"webhook_drop": 1.0})
    await create_opportunity(live.lever)
    history = await _history(live)
    assert [d["state"] for d in history["data"]] == ["dropped"]
    assert history["data"][0]["attempts"] == []
    await asyncio.sleep(0.1)
    assert live.receiver.received == []


async def test_webhook_duplicate_integer(live: Live):
    await subscribe(live, "applicationCreated")
    await live.control.post("/_sim/faults", json={"webhook_duplicate": 2})
    await create_opportunity(live.lever)
    received = await live.receiver.wait_for(3)
    assert received[0]["body"] == received[1]["body"] == received[2]["body"]
    history = await _history(live)
    original = history["data"][0]["id"]
    assert [d.get("duplicateOf") for d in history["data"]] == [None, original, original]


async def test_webhook_duplicate_probability(live: Live):
    await subscribe(live, "applicationCreated")
    await live.control.post(
        "/_sim/faults", json={"webhook_duplicate": 0.5, "random_seed": 7, "rate_limit": {"rps": 0}}
    )
    for n in range(12):
        await create_opportunity(live.lever, name=f"C{n}", emails=[f"c{n}@example.org"])
    history = await _history(live)
    copies = [d for d in history["data"] if d.get("duplicateOf")]
    assert 0 < len(copies) < 12
    assert len(history["data"]) == 12 + len(copies)


async def test_webhook_reorder(live: Live):
    await subscribe(live, "applicationCreated")
    await live.control.post("/_sim/config", json={"webhook_reorder_window_ms": 300})
    await live.control.post("/_sim/faults", json={"webhook_reorder": True})
    for n in range(5):
        await create_opportunity(live.lever, name=f"C{n}", emails=[f"c{n}@example.org"])
    received = await live.receiver.wait_for(5)
    sent_order = [d["body"]["id"] for d in (await _history(live))["data"]]
    arrival_order = [r["body"]["id"] for r in received]
    assert sorted(arrival_order) == sorted(sent_order)
    assert arrival_order != sent_order


async def test_webhook_delay_does_not_block_the_api_call(live: Live):
    await subscribe(live, "applicationCreated")
    await live.control.post("/_sim/faults", json={"webhook_delay_ms": 500})
    started = asyncio.get_running_loop().time()
    await create_opportunity(live.lever)
    assert asyncio.get_running_loop().time() - started < 0.4
    assert (await live.control.get("/_sim/deliveries")).json()["pending"] == 1
    [received] = await live.receiver.wait_for(1)
    assert received["at"] - started >= 0.5
