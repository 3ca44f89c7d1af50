"""Where the simulator is as strict as Lever: each test names its public source, Lever's API
documentation (https://hire.lever.co/developer/documentation) or sandbox answers captured in the tests
of open-source Lever connectors."""

from __future__ import annotations

import json
from urllib.parse import quote

import httpx2
from lever_helpers import Live, create_opportunity, subscribe

from hirebridge.sims.lever import create_app
from hirebridge.sims.lever.company import API_KEY, BACKEND_POSTING


async def test_pipeline_ends_with_offer(lever):
    """Lever's developer FAQ (https://hire.lever.co/developer/support): every pipeline ends with "Offer"
    (system id `offer`); sandbox records give it the highest `toStageIndex` (airbytehq/airbyte,
    airbyte-integrations/connectors/source-lever-hiring/integration_tests/expected_records.jsonl). There
    is no stage after it: an accepted offer is a signed offer."""
    stages = (await lever.get("/v1/stages")).json()["data"]
    assert stages[-1] == {"id": "offer", "text": "Offer"}
    assert [s["text"] for s in stages].count("Offer") == 1
    opp = await create_opportunity(lever, postings=[BACKEND_POSTING])
    moved = (await lever.put(f"/v1/opportunities/{opp['id']}/stage", json={"stage": "offer"})).json()["data"]
    assert moved["stageChanges"][-1]["toStageIndex"] == len(stages) - 1


async def test_lists_are_newest_first(lever):
    """A real sandbox page (amp-labs/connectors, providers/lever/test/opportunities.json): the list is
    newest first, and its `next` token carries a `createdAt` older than the page's items."""
    await lever.post("/_sim/faults", json={"rate_limit": {"rps": 0}})
    made = []
    for n in range(3):
        made.append(await create_opportunity(lever, name=f"C{n}", emails=[f"c{n}@example.org"]))
        await lever.post("/_sim/clock", json={"advance_seconds": 1})
    listed = (await lever.get("/v1/opportunities", params={"limit": 2})).json()
    assert [o["id"] for o in listed["data"]] == [made[2]["id"], made[1]["id"]]
    assert json.loads(httpx2.URL(f"/?o={listed['next']}").params["o"])[1] == made[1]["createdAt"]
    opp = made[0]["id"]
    for status in ("sent", "signed"):
        await lever.post("/_sim/offers", json={"opportunityId": opp, "status": status})
        await lever.post("/_sim/clock", json={"advance_seconds": 1})
    offers = (await lever.get(f"/v1/opportunities/{opp}/offers")).json()["data"]
    assert [o["status"] for o in offers] == ["signed", "sent"]
    for text in ("first", "second"):
        await lever.post(f"/v1/opportunities/{opp}/notes", json={"value": text})
        await lever.post("/_sim/clock", json={"advance_seconds": 1})
    notes = (await lever.get(f"/v1/opportunities/{opp}/notes")).json()["data"]
    assert [n["fields"][0]["value"] for n in notes] == ["second", "first"]


async def test_offset_token_is_a_sort_key_valid_in_any_process(lever):
    """The same sandbox page (amp-labs/connectors, providers/lever/test/opportunities.json): the token
    is URL-encoded JSON `[1, <ms>, "<id>"]`, the sort key of the last item given.
    A token made elsewhere (another process of the client, another simulator) is accepted; the page
    starts strictly after the key it names."""
    await lever.post("/_sim/faults", json={"rate_limit": {"rps": 0}})
    made = []
    for n in range(3):
        made.append(await create_opportunity(lever, name=f"C{n}", emails=[f"c{n}@example.org"]))
        await lever.post("/_sim/clock", json={"advance_seconds": 1})
    newest = made[2]
    token = quote(json.dumps([1, newest["createdAt"], newest["id"]], separators=(",", ":")), safe="")
    after = (await lever.get("/v1/opportunities", params={"offset": token})).json()["data"]
    assert [o["id"] for o in after] == [made[1]["id"], made[0]["id"]]
    other = create_app()
    async with httpx2.AsyncClient(
        transport=httpx2.ASGITransport(app=other), base_url="http://other.sim", auth=(API_KEY, "")
    ) as elsewhere:
        answer = await elsewhere.get("/v1/opportunities", params={"offset": token})
    await other.state.sim.deliveries.aclose()
    assert answer.status_code == 200 and answer.json()["data"] == []


async def test_offer_draft_lists_every_template_field(lever):
    """A real sandbox draft (airbytehq/airbyte, airbyte-integrations/connectors/source-lever-hiring/
    integration_tests/expected_records.jsonl): every field of the offer template is listed, `null` when
    empty."""
    opp = await create_opportunity(lever, postings=[BACKEND_POSTING])
    await lever.post("/_sim/offers", json={"opportunityId": opp["id"], "fields": {"salary_amount": 5000}})
    offer = (await lever.get(f"/v1/opportunities/{opp['id']}/offers")).json()["data"][0]
    fields = {f["identifier"]: f["value"] for f in offer["fields"]}
    sandbox = [
        "job_posting", "job_title", "candidate_name", "team", "location/office", "salary_amount",
        "compensation_currency", "salary_interval", "today_date", "direct_manager", "offered_equity",
        "offer_expiration_date", "anticipated_start_date", "company_signature_1", "hiring_manager",
        "candidate_signature",
    ]  # fmt: skip
    assert [f["identifier"] for f in offer["fields"]] == sandbox
    assert fields["salary_amount"] == 5000 and fields["job_posting"] == BACKEND_POSTING
    assert fields["anticipated_start_date"] is None and fields["offered_equity"] is None
    assert offer["status"] == "draft" and offer["sentAt"] is None and offer["signedDocument"] is None


async def test_api_webhooks_need_https_and_an_enabled_event(live: Live):
    """Lever's API documentation (https://hire.lever.co/developer/documentation), "Receiving webhooks":
    delivery over HTTPS only; "Webhooks via the API" and help.lever.co's "What is Lever's Webhooks
    Subscription API?": an API-created webhook sends nothing until a Super Admin turns its event group on
    in the settings. Plain HTTP on loopback is a switch for tests."""
    await live.control.post(
        "/_sim/webhook_settings", json={"enabled_events": [], "allow_http_loopback": False}
    )
    refused = await live.lever.post(
        "/v1/webhooks", json={"url": live.receiver.url, "event": "candidateStageChange"}
    )
    assert refused.status_code == 400 and "HTTPS" in refused.json()["message"]
    await live.control.post("/_sim/webhook_settings", json={"allow_http_loopback": True})
    remote = await live.lever.post(
        "/v1/webhooks", json={"url": "http://hooks.example.com/x", "event": "candidateStageChange"}
    )
    assert remote.status_code == 400
    https = await live.lever.post(
        "/v1/webhooks", json={"url": "https://hooks.example.com/x", "event": "applicationCreated"}
    )
    assert https.status_code == 201
    await live.lever.delete(f"/v1/webhooks/{https.json()['data']['id']}")
    await subscribe(live, "candidateStageChange")
    opp = await create_opportunity(live.lever)
    await live.lever.put(f"/v1/opportunities/{opp['id']}/stage", json={"stage": "offer"})
    state = (await live.control.get("/_sim/deliveries")).json()
    assert state["data"] == [] and state["pending"] == 0
    await live.control.post("/_sim/webhook_settings", json={"enabled_events": ["candidateStageChange"]})
    await live.lever.put(f"/v1/opportunities/{opp['id']}/stage", json={"stage": "applicant-new"})
    received = await live.receiver.wait_for(1)
    await live.control.post("/_sim/deliveries/wait", json={"timeout_seconds": 5})
    assert [r["body"]["data"]["toStageId"] for r in received] == ["applicant-new"]
