"""Data API behaviour: filters, expand/include, dedupe, hiring, requisitions, activity, control."""

from __future__ import annotations

from lever_helpers import create_opportunity

from hirebridge.sims.lever.company import (
    AE_POSTING,
    BACKEND_POSTING,
    BACKEND_REQ,
    ERIN,
    HANK,
    HIRED,
    INTERVIEW_TEMPLATE,
    PEOPLE_REQ,
    RITA,
    WITHDREW,
)


async def test_default_company(lever):
    stages = (await lever.get("/v1/stages")).json()["data"]
    assert [s["text"] for s in stages] == [
        "New Lead",
        "Reached Out",
        "New Applicant",
        "Phone Screen",
        "Technical Assessment",
        "Onsite",
        "Offer",
    ]
    assert [s["id"] for s in stages][:3] == ["lead-new", "lead-reached-out", "applicant-new"]
    hired = (await lever.get("/v1/archive_reasons", params={"type": "hired"})).json()["data"]
    assert [r["text"] for r in hired] == ["Hired"]
    others = (await lever.get("/v1/archive_reasons", params={"type": "non-hired"})).json()["data"]
    assert {r["text"] for r in others} == {"Withdrew", "Not a fit", "Offer declined", "Position filled"}
    rita = (await lever.get("/v1/users", params={"email": "RITA@example.com"})).json()["data"]
    assert [(u["id"], u["accessRole"]) for u in rita] == [(RITA, "super admin")]
    postings = (await lever.get("/v1/postings")).json()["data"]
    backend = next(p for p in postings if p["id"] == BACKEND_POSTING)
    assert backend["hiringManager"] == HANK and backend["categories"]["team"] == "Platform"
    assert backend["requisitionCodes"] == ["ENG-101"]
    requisitions = (await lever.get("/v1/requisitions", params={"status": "open"})).json()["data"]
    assert len(requisitions) == 3 and all(r["postings"] for r in requisitions)
    assert (await lever.get("/v1/opportunities")).json()["data"] == []


async def test_opportunity_filters(lever):
    ada = await create_opportunity(lever, postings=[BACKEND_POSTING])
    bob = await create_opportunity(lever, name="Bob", emails=["bob@example.org"], postings=[AE_POSTING])
    await lever.put(f"/v1/opportunities/{bob['id']}/stage", json={"stage": "offer"})
    await lever.put(f"/v1/opportunities/{ada['id']}/archived", json={"reason": WITHDREW})

    async def ids(**params: object) -> set[str]:
        response = await lever.get("/v1/opportunities", params=params)
        assert response.status_code == 200, response.text
        return {o["id"] for o in response.json()["data"]}

    assert await ids(stage_id="offer") == {bob["id"]}
    assert await ids(posting_id=BACKEND_POSTING) == {ada["id"]}
    assert await ids(archived="true") == {ada["id"]}
    assert await ids(archived="false") == {bob["id"]}
    assert await ids(email="Bob@Example.org") == {bob["id"]}
    assert await ids(contact_id=ada["contact"]) == {ada["id"]}
    assert await ids(posting_id=[BACKEND_POSTING, AE_POSTING]) == {ada["id"], bob["id"]}
    later = (await lever.get(f"/v1/opportunities/{bob['id']}")).json()["data"]["updatedAt"]
    assert bob["id"] in await ids(updated_at_start=later)
    assert await ids(updated_at_end=ada["createdAt"] - 1) == set()


async def test_expand_and_include(lever):
    opp = await create_opportunity(lever, postings=[BACKEND_POSTING])
    params = {"expand": ["applications", "stage", "owner", "followers", "sourcedBy", "contact"]}
    data = (await lever.get(f"/v1/opportunities/{opp['id']}", params=params)).json()["data"]
    assert data["stage"] == {"id": "lead-new", "text": "New Lead"}
    assert data["owner"]["email"] == "rita@example.com" and data["sourcedBy"]["id"] == RITA
    assert data["followers"][0]["name"] == "Rita Recruiter"
    assert data["applications"][0]["posting"] == BACKEND_POSTING
    assert data["applications"][0]["postingHiringManager"] == HANK
    assert data["contact"]["emails"] == ["ada@example.org"]
    slim = (await lever.get("/v1/opportunities", params={"include": ["name", "stage"]})).json()["data"][0]
    assert set(slim) == {"id", "name", "stage"}
    bad = await lever.get("/v1/opportunities", params={"expand": "resume"})
    assert bad.status_code == 400


async def test_email_dedupe_links_to_existing_contact(lever):
    first = await create_opportunity(
        lever, emails=["ada@example.org"], phones=[{"type": "mobile", "value": "1"}]
    )
    second = await create_opportunity(
        lever, name="A. Lovelace", emails=["ADA@example.org", "ada@work.example"]
    )
    assert second["contact"] == first["contact"] and second["id"] != first["id"]
    assert second["name"] == "Ada Lovelace"
    assert second["emails"] == ["ada@example.org", "ada@work.example"]
    too_many = await lever.post(
        "/v1/opportunities",
        params={"perform_as": RITA},
        json={"name": "X", "postings": [BACKEND_POSTING, AE_POSTING]},
    )
    assert too_many.status_code == 400


async def test_hire_against_requisition_and_unarchive(lever):
    opp = await create_opportunity(lever, postings=[BACKEND_POSTING])
    await lever.put(f"/v1/opportunities/{opp['id']}/stage", json={"stage": "offer"})
    before = (await lever.get(f"/v1/requisitions/{BACKEND_REQ}")).json()["data"]
    response = await lever.put(
        f"/v1/opportunities/{opp['id']}/archived", json={"reason": HIRED, "requisitionId": BACKEND_REQ}
    )
    assert response.status_code == 200
    after = (await lever.get(f"/v1/requisitions/{BACKEND_REQ}")).json()["data"]
    assert after["headcountHired"] == before["headcountHired"] + 1
    assert after["updatedAt"] == before["updatedAt"]
    expanded = await lever.get(f"/v1/opportunities/{opp['id']}", params={"expand": "applications"})
    assert expanded.json()["data"]["applications"][0]["requisitionForHire"]["requisitionCode"] == "ENG-101"
    back = await lever.put(f"/v1/opportunities/{opp['id']}/archived", json={"reason": None})
    assert back.json()["data"]["archived"] is None


async def test_requisition_lifecycle(lever):
    body = {
        "name": "Staff Engineer",
        "requisitionCode": "ENG-900",
        "headcountTotal": 1,
        "status": "draft",
        "postingIds": [BACKEND_POSTING],
        "customFields": {"seniority": "Staff", "urgency": "High"},
    }
    created = await lever.post("/v1/requisitions", json=body)
    assert created.status_code == 201
    req = created.json()["data"]
    assert req["status"] == "draft" and req["postings"] == [BACKEND_POSTING] and req["creator"] == RITA
    posting = (await lever.get(f"/v1/postings/{BACKEND_POSTING}")).json()["data"]
    assert "ENG-900" in posting["requisitionCodes"]
    await lever.post("/_sim/clock", json={"advance_seconds": 60})
    same = await lever.put(f"/v1/requisitions/{req['id']}", json={**body, "status": "draft"})
    assert same.json()["data"]["updatedAt"] == req["updatedAt"]
    opened = (await lever.put(f"/v1/requisitions/{req['id']}", json={**body, "status": "open"})).json()[
        "data"
    ]
    assert opened["updatedAt"] >= req["updatedAt"] + 60_000
    assert (await lever.put(f"/v1/requisitions/{req['id']}", json=body)).status_code == 400
    closed = (await lever.put(f"/v1/requisitions/{req['id']}", json={**body, "status": "closed"})).json()[
        "data"
    ]
    assert isinstance(closed["closedAt"], int)
    on_hold = await lever.get("/v1/requisitions", params={"status": ["closed", "onHold"]})
    assert [r["id"] for r in on_hold.json()["data"]] == [req["id"]]
    bad = await lever.post(
        "/v1/requisitions", json={**body, "requisitionCode": "X", "customFields": {"nope": 1}}
    )
    assert bad.status_code == 400
    bad_option = {**body, "requisitionCode": "Y", "customFields": {"seniority": "Emperor"}}
    assert (await lever.post("/v1/requisitions", json=bad_option)).status_code == 400
    assert (await lever.delete(f"/v1/requisitions/{PEOPLE_REQ}")).status_code == 204


async def test_interviews_on_externally_managed_panels(lever):
    opp = await create_opportunity(lever, postings=[BACKEND_POSTING])
    interview = {"interviewers": [{"id": ERIN}], "date": 1767268800000, "duration": 60, "subject": "Onsite"}
    panel = (
        await lever.post(
            f"/v1/opportunities/{opp['id']}/panels",
            params={"perform_as": RITA},
            json={"timezone": "UTC", "interviews": [interview]},
        )
    ).json()["data"]
    assert panel["externallyManaged"] is True and panel["end"] == 1767268800000 + 3_600_000
    url = f"/v1/opportunities/{opp['id']}/interviews"
    added = await lever.post(url, params={"perform_as": RITA}, json={**interview, "panel": panel["id"]})
    assert added.status_code == 201
    iid = added.json()["data"]["id"]
    moved = await lever.put(
        f"{url}/{iid}", params={"perform_as": RITA}, json={**interview, "date": 1767272400000}
    )
    assert moved.json()["data"]["date"] == 1767272400000 and moved.json()["data"]["id"] == iid
    assert (await lever.delete(f"{url}/{iid}", params={"perform_as": RITA})).status_code == 204
    assert len((await lever.get(url)).json()["data"]) == 1
    internal = await lever.post(
        "/_sim/panels", json={"opportunityId": opp["id"], "timezone": "UTC", "interviews": [interview]}
    )
    locked = await lever.post(
        url, params={"perform_as": RITA}, json={**interview, "panel": internal.json()["data"]["id"]}
    )
    assert locked.status_code == 403


async def test_feedback(lever):
    opp = await create_opportunity(lever)
    template = (await lever.get("/v1/feedback_templates")).json()["data"][0]
    values = [
        {"id": template["fields"][0]["id"], "value": "3 - Hire"},
        {"id": template["fields"][1]["id"], "value": "Good"},
    ]
    url = f"/v1/opportunities/{opp['id']}/feedback"
    created = await lever.post(
        url, params={"perform_as": ERIN}, json={"baseTemplateId": INTERVIEW_TEMPLATE, "fieldValues": values}
    )
    assert created.status_code == 201
    listed = (await lever.get(url)).json()["data"]
    assert listed[0]["fields"][0]["value"] == "3 - Hire" and listed[0]["user"] == ERIN


async def test_offers_seeded_through_control(lever):
    opp = await create_opportunity(lever, postings=[BACKEND_POSTING])
    fields = {
        "anticipated_start_date": 1767225600000,
        "salary_amount": 185000,
        "compensation_currency": "USD",
        "salary_interval": "per-year-salary",
        "custom_equity": 1000,
    }
    await lever.post("/_sim/offers", json={"opportunityId": opp["id"], "status": "signed", "fields": fields})
    offer = (await lever.get(f"/v1/opportunities/{opp['id']}/offers")).json()["data"][0]
    by_id = {f["identifier"]: f for f in offer["fields"]}
    assert by_id["salary_amount"] == {
        "text": "Offered compensation amount",
        "identifier": "salary_amount",
        "value": 185000,
    }
    assert by_id["job_title"]["value"] == "Senior Backend Engineer"
    assert by_id["custom_equity"]["text"] == "equity"
    assert offer["signedDocument"] is not None and offer["status"] == "signed"
    assert (await lever.post(f"/v1/opportunities/{opp['id']}/offers", json={})).status_code == 405


async def test_deleted_opportunities(lever):
    opp = await create_opportunity(lever, postings=[BACKEND_POSTING])
    assert (
        await lever.delete(f"/_sim/opportunities/{opp['id']}", params={"deleted_by": RITA})
    ).status_code == 204
    assert (await lever.get(f"/v1/opportunities/{opp['id']}")).status_code == 404
    deleted = (await lever.get("/v1/opportunities/deleted")).json()["data"]
    assert deleted == [{"id": opp["id"], "deletedAt": deleted[0]["deletedAt"], "deletedBy": RITA}]
    apps = (await lever.get("/v1/applications/deleted")).json()["data"]
    assert apps[0]["opportunityId"] == opp["id"] and apps[0]["postingId"] == BACKEND_POSTING


async def test_clock_reset_state_seed(lever):
    before = (await lever.get("/_sim/clock")).json()["now"]
    after = (await lever.post("/_sim/clock", json={"advance_seconds": 86_400})).json()["now"]
    assert after - before >= 86_400_000
    opp = await create_opportunity(lever)
    assert opp["createdAt"] >= after
    state = (await lever.get("/_sim/state")).json()
    assert [o["id"] for o in state["opportunities"]] == [opp["id"]]
    assert (await lever.post("/_sim/reset")).status_code == 200
    assert (await lever.get("/v1/opportunities")).json()["data"] == []
    assert (await lever.get("/_sim/clock")).json()["offsetMs"] == 0
    seed = (await lever.get("/_sim/seed")).json()
    seed["users"] = seed["users"][:1]
    seed["opportunities"] = [
        {
            "name": "Seeded",
            "emails": ["s@example.org"],
            "stage": "offer",
            "postings": [BACKEND_POSTING],
            "perform_as": RITA,
        }
    ]
    assert (await lever.post("/_sim/seed", json=seed)).status_code == 200
    assert len((await lever.get("/v1/users")).json()["data"]) == 1
    seeded = (await lever.get("/v1/opportunities")).json()["data"]
    assert seeded[0]["name"] == "Seeded" and seeded[0]["stage"] == "offer"


async def test_profile_edits_and_apply(lever):
    await lever.post("/_sim/config", json={"webhook_retries": 0, "webhook_timeout_seconds": 0.5})
    settings = {"enabled_events": ["contactUpdated"], "allow_http_loopback": True}
    await lever.post("/_sim/webhook_settings", json=settings)
    await lever.post("/v1/webhooks", json={"url": "http://127.0.0.1:9/hook", "event": "contactUpdated"})
    opp = await create_opportunity(lever, tags=["a"])
    tagged = await lever.post(f"/v1/opportunities/{opp['id']}/addTags", json={"tags": ["b", "a"]})
    assert tagged.json()["data"]["tags"] == ["a", "b"]
    untagged = await lever.post(f"/v1/opportunities/{opp['id']}/removeTags", json={"tags": ["a"]})
    assert untagged.json()["data"]["tags"] == ["b"]
    linked = await lever.post(f"/v1/opportunities/{opp['id']}/addLinks", json={"links": ["https://ada.dev"]})
    assert linked.json()["data"]["links"] == ["https://ada.dev"]
    contact = await lever.put(
        f"/v1/contacts/{opp['contact']}", json={"headline": "Analyst", "location": "London"}
    )
    assert contact.json()["data"]["location"] == {"name": "London"}
    refreshed = (await lever.get(f"/v1/opportunities/{opp['id']}")).json()["data"]
    assert refreshed["headline"] == "Analyst" and refreshed["location"] == "London"
    events = [d["event"] for d in (await lever.get("/_sim/deliveries")).json()["data"]]
    assert events == ["contactUpdated"]
    info = [{"name": "fullName", "value": "Grace Hopper"}, {"name": "email", "value": "grace@example.org"}]
    applied = await lever.post(f"/v1/postings/{BACKEND_POSTING}/apply", json={"personalInformation": info})
    assert applied.status_code == 201
    app_id = applied.json()["data"]["applicationId"]
    found = (await lever.get("/v1/opportunities", params={"email": "grace@example.org"})).json()["data"]
    assert found[0]["applications"] == [app_id]
    assert found[0]["origin"] == "applied" and found[0]["stage"] == "applicant-new"
    await lever.post("/_sim/deliveries/wait", json={"timeout_seconds": 2})


async def test_malformed_bodies_are_400(lever):
    url, params = "/v1/opportunities", {"perform_as": RITA}
    for body in ({"name": 5}, {"name": "X", "emails": "x@example.org"}, {"name": "X", "stage": 3}):
        response = await lever.post(url, params=params, json=body)
        assert response.status_code == 400, body
    assert (await lever.post(url, params=params, content=b"{not json")).status_code == 400
    assert (await lever.post(url, params=params, json=[1])).status_code == 400
    assert (await lever.post(url, params={"perform_as": "nobody"}, json={"name": "X"})).status_code == 400
