"""Webhook delivery over real loopback HTTP: triggers, envelope, signatures, retries, rerun and test ping."""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import itertools

from lever_helpers import Live, create_opportunity, subscribe

from hirebridge.sims.lever.company import BACKEND_POSTING, BACKEND_REQ, ERIN, HIRED, PHONE_SCREEN, RITA
from hirebridge.sims.lever.delivery import sign


def lever_verify(signature_token: str, body: dict) -> bool:
    """Lever's documented check: HMAC-SHA256 over token + triggeredAt, hex, compared in constant time."""
    plain = (body["token"] + str(body["triggeredAt"])).encode()
    expected = hmac.new(signature_token.encode(), plain, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, body["signature"])


def test_signature_reproduces_fact_sheet_vector():
    token = "be58f711f349c7780e4579cd7c63341ac6f881e4dccc3154"
    expected = "67237316b71be6f4595c3313d347b09353b22d7cbab3726261b73d409acd8fd7"
    assert sign("test-signature-token", token, 1431454330072) == expected
    assert lever_verify(
        "test-signature-token", {"token": token, "triggeredAt": 1431454330072, "signature": expected}
    )


async def deliveries(live: Live, **params: str) -> dict:
    await live.control.post("/_sim/deliveries/wait", json={"timeout_seconds": 5})
    return (await live.control.get("/_sim/deliveries", params=params)).json()


async def test_stage_change_delivery_is_signed_lever_envelope(live: Live):
    hook = await subscribe(live, "candidateStageChange")
    opp = await create_opportunity(live.lever)
    await live.lever.put(f"/v1/opportunities/{opp['id']}/stage", json={"stage": PHONE_SCREEN})
    [received] = await live.receiver.wait_for(1)
    body, headers = received["body"], received["headers"]
    assert set(body) == {"id", "event", "triggeredAt", "token", "data", "signature"}
    assert body["event"] == "candidateStageChange" and isinstance(body["triggeredAt"], int)
    assert len(body["token"]) == 48
    assert body["data"] == {
        "opportunityId": opp["id"],
        "candidateId": opp["id"],
        "contactId": opp["contact"],
        "fromStageId": "lead-new",
        "toStageId": PHONE_SCREEN,
    }
    assert headers["user-agent"] == "Lever-Webhooks" and headers["content-type"] == "application/json"
    assert lever_verify(hook["configuration"]["signatureToken"], body)
    assert not lever_verify("another-webhooks-token", body)
    history = await deliveries(live)
    assert history["pending"] == 0
    [record] = history["data"]
    assert record["state"] == "delivered" and record["webhookId"] == hook["id"] and record["body"] == body
    assert record["attempts"][0]["status"] == 200


async def test_events_fire_on_their_triggers_in_order(live: Live):
    events = [
        "applicationCreated",
        "candidateStageChange",
        "candidateArchiveChange",
        "candidateHired",
        "candidateDeleted",
        "interviewCreated",
        "interviewUpdated",
        "interviewDeleted",
        "contactCreated",
        "contactUpdated",
    ]
    for event in events:
        await subscribe(live, event)
    await live.control.post("/_sim/faults", json={"rate_limit": {"rps": 0}})
    opp = await create_opportunity(live.lever, postings=[BACKEND_POSTING])
    oid, as_rita = opp["id"], {"perform_as": RITA}
    await create_opportunity(live.lever, emails=["ada@example.org", "ada@second.example"])
    await live.lever.put(f"/v1/opportunities/{oid}/stage", json={"stage": "offer"})
    interview = {"interviewers": [{"id": ERIN}], "date": 1767268800000, "duration": 30}
    panel = await live.lever.post(
        f"/v1/opportunities/{oid}/panels", params=as_rita, json={"timezone": "UTC", "interviews": [interview]}
    )
    iid = panel.json()["data"]["interviews"][0]["id"]
    await live.lever.put(f"/v1/opportunities/{oid}/interviews/{iid}", params=as_rita, json=interview)
    await live.lever.delete(f"/v1/opportunities/{oid}/interviews/{iid}", params=as_rita)
    await live.lever.put(
        f"/v1/opportunities/{oid}/archived", json={"reason": HIRED, "requisitionId": BACKEND_REQ}
    )
    await live.lever.put(f"/v1/opportunities/{oid}/archived", json={"reason": None})
    await live.control.delete(f"/_sim/opportunities/{oid}", params={"deleted_by": RITA})
    expected = [
        "contactCreated",
        "applicationCreated",
        "contactUpdated",
        "applicationCreated",
        "candidateStageChange",
        "interviewCreated",
        "interviewUpdated",
        "interviewDeleted",
        "candidateArchiveChange",
        "candidateHired",
        "candidateArchiveChange",
        "candidateDeleted",
    ]
    received = await live.receiver.wait_for(len(expected))
    bodies = [r["body"] for r in received]
    assert [b["event"] for b in bodies] == expected
    hired_change, hired, unarchived, deleted = bodies[8], bodies[9], bodies[10], bodies[11]
    assert hired_change["data"]["fromArchived"] is None
    assert hired_change["data"]["toArchived"]["reason"] == HIRED
    assert set(hired["data"]) == {"opportunityId", "candidateId", "contactId"}
    assert unarchived["data"]["fromArchived"]["reason"] == HIRED and unarchived["data"]["toArchived"] is None
    assert deleted["data"]["deletedBy"] == RITA
    assert bodies[5]["data"]["opportunityId"] == oid and bodies[5]["data"]["interviewId"] == iid
    assert bodies[1]["data"]["applicationId"] == opp["applications"][0]


async def _gaps(live: Live, script: list[int]) -> tuple[list[float], dict]:
    live.receiver.script = list(script)
    await subscribe(live, "applicationCreated")
    await create_opportunity(live.lever)
    received = await live.receiver.wait_for(len(script) + (1 if script[-1] >= 300 else 0), seconds=10)
    times = [r["at"] for r in received]
    assert all(r["body"] == received[0]["body"] for r in received)
    [record] = (await deliveries(live))["data"]
    return [b - a for a, b in itertools.pairwise(times)], record


async def test_retries_on_500_with_growing_gaps_and_identical_body(live: Live):
    gaps, record = await _gaps(live, [500, 500, 500, 200])
    # Base 0.05 s: the gaps are at least 0.05, 0.1 and 0.2 s (sleeps never end early).
    assert gaps[0] >= 0.045 and gaps[1] >= 0.095 and gaps[2] >= 0.195
    assert [a["status"] for a in record["attempts"]] == [500, 500, 500, 200]
    assert record["state"] == "delivered"


async def test_redirect_counts_as_failure(live: Live):
    gaps, record = await _gaps(live, [302, 302, 200])
    assert [a["status"] for a in record["attempts"]] == [302, 302, 200]
    assert gaps[0] >= 0.045 and gaps[1] >= 0.095


async def test_gives_up_after_five_retries(live: Live):
    await live.control.post("/_sim/config", json={"webhook_retry_base_seconds": 0.01})
    live.receiver.script = [500] * 10
    await subscribe(live, "applicationCreated")
    await create_opportunity(live.lever)
    await live.receiver.wait_for(6)
    [record] = (await deliveries(live))["data"]
    assert record["state"] == "failed" and len(record["attempts"]) == 6


async def test_connection_error_is_retried(live: Live):
    await live.control.post("/_sim/config", json={"webhook_retry_base_seconds": 0.01, "webhook_retries": 2})
    hook = await live.lever.post(
        "/v1/webhooks", json={"url": "http://127.0.0.1:9/hook", "event": "applicationCreated"}
    )
    assert hook.status_code == 201
    await create_opportunity(live.lever)
    [record] = (await deliveries(live))["data"]
    assert record["state"] == "failed" and len(record["attempts"]) == 3
    assert all("error" in a for a in record["attempts"])


async def test_redeliver_resends_the_same_body(live: Live):
    await subscribe(live, "applicationCreated")
    await create_opportunity(live.lever)
    [first] = await live.receiver.wait_for(1)
    [record] = (await deliveries(live))["data"]
    rerun = await live.control.post(f"/_sim/deliveries/{record['id']}/redeliver")
    assert rerun.status_code == 202 and rerun.json()["data"]["redeliveryOf"] == record["id"]
    received = await live.receiver.wait_for(2)
    assert received[1]["body"] == first["body"]
    assert (await live.control.post("/_sim/deliveries/nope/redeliver")).status_code == 404


async def test_test_ping_sends_signed_empty_data(live: Live):
    hook = await subscribe(live, "candidateHired")
    response = await live.control.post(f"/_sim/webhooks/{hook['id']}/test")
    assert response.json()["ok"] is True
    [received] = await live.receiver.wait_for(1)
    body = received["body"]
    assert body["event"] == "candidateHired" and body["data"] == {}
    assert lever_verify(hook["configuration"]["signatureToken"], body)
    live.receiver.script = [503]
    failed = (await live.control.post(f"/_sim/webhooks/{hook['id']}/test")).json()
    assert failed["ok"] is False and failed["data"]["attempts"][0]["status"] == 503


async def test_origin_conditions_filter_deliveries(live: Live):
    conditions = {"conditions": {"origins": ["applied"]}}
    await live.lever.post(
        "/v1/webhooks",
        json={"url": live.receiver.url, "event": "applicationCreated", "configuration": conditions},
    )
    await create_opportunity(live.lever, origin="sourced")
    await create_opportunity(live.lever, name="Applicant", emails=["app@example.org"], origin="applied")
    [received] = await live.receiver.wait_for(1)
    assert (await deliveries(live))["data"][0]["body"] == received["body"]
    assert len(live.receiver.received) == 1


async def test_deleted_webhook_receives_nothing(live: Live):
    hook = await subscribe(live, "applicationCreated")
    assert (await live.lever.delete(f"/v1/webhooks/{hook['id']}")).status_code == 204
    await create_opportunity(live.lever)
    assert (await deliveries(live))["data"] == []
    assert (await live.lever.get("/v1/webhooks")).json()["data"] == []


async def test_slow_receiver_only_delays_its_own_deliveries(live: Live):
    slow = live.receiver.url.replace("/hook", "/slow")
    await live.lever.post("/v1/webhooks", json={"url": slow, "event": "applicationCreated"})
    await subscribe(live, "applicationCreated")
    started = asyncio.get_running_loop().time()
    await create_opportunity(live.lever)
    [fast] = await live.receiver.wait_for(1)
    assert fast["at"] - started < 0.8
    assert (await live.control.get("/_sim/deliveries")).json()["pending"] == 1
    await live.receiver.wait_for(2)


async def test_reset_clears_deliveries_and_can_keep_webhooks(live: Live):
    hook = await subscribe(live, "applicationCreated")
    await create_opportunity(live.lever)
    await deliveries(live)
    await live.control.post("/_sim/reset", json={"keep_webhooks": True})
    assert (await live.control.get("/_sim/deliveries")).json() == {"data": [], "pending": 0}
    assert [w["id"] for w in (await live.lever.get("/v1/webhooks")).json()["data"]] == [hook["id"]]
    await live.control.post("/_sim/reset")
    assert (await live.lever.get("/v1/webhooks")).json()["data"] == []
