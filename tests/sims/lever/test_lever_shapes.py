"""Responses match the sample payloads of Lever's API documentation and captured sandbox answers, key for
key and type for type."""

from __future__ import annotations

from typing import Any

from lever_helpers import create_opportunity

from hirebridge.sims.lever.company import BACKEND_POSTING, HIRED, RITA

OPPORTUNITY_8_7 = {
    "id": "2087af84-f146-4535-9368-2309e33e049f",
    "name": "karan",
    "contact": "e2719ee1-21f5-4287-a60a-59bd29deac80",
    "headline": "",
    "stage": "lead-new",
    "confidentiality": "non-confidential",
    "location": "",
    "phones": [],
    "emails": [],
    "links": [],
    "archived": None,
    "tags": ["Hiring Software developer"],
    "sources": ["Added manually"],
    "stageChanges": [
        {
            "toStageId": "lead-new",
            "toStageIndex": 0,
            "updatedAt": 1750233426190,
            "userId": "2c713392-d0e4-4355-8673-378d6a851cb8",
        }
    ],
    "origin": "sourced",
    "sourcedBy": "2c713392-d0e4-4355-8673-378d6a851cb8",
    "owner": "2c713392-d0e4-4355-8673-378d6a851cb8",
    "followers": ["2c713392-d0e4-4355-8673-378d6a851cb8"],
    "applications": ["2b7f3433-111a-4659-a302-58a32cd2e33c"],
    "createdAt": 1750233426190,
    "updatedAt": 1750247948243,
    "lastInteractionAt": 1750247948074,
    "lastAdvancedAt": 1750233426190,
    "snoozedUntil": None,
    "urls": {
        "list": "https://hire.sandbox.lever.co/candidates",
        "show": "https://hire.sandbox.lever.co/candidates/2087af84-f146-4535-9368-2309e33e049f",
    },
    "isAnonymized": False,
    "dataProtection": None,
    "opportunityLocation": "Chennai",
}
NOTE_8_13 = {
    "completedAt": 1750421318058,
    "createdAt": 1750421318058,
    "deletedAt": None,
    "fields": [
        {
            "createdAt": 1750421318058,
            "score": None,
            "stage": "lead-new",
            "text": "Comment",
            "type": "note",
            "user": None,
            "value": "Hiring on 2+ experience",
        }
    ],
    "id": "26b6397a-c2a3-4e90-85e2-5a4f9b8f11c3",
    "noteId": "26b6397a-c2a3-4e90-85e2-5a4f9b8f11c3",
    "secret": False,
    "text": "Note",
    "user": None,
}
WEBHOOK_CREATED_8_4 = {
    "id": "e2befaae-b830-4c21-a002-2d5019486d1a",
    "event": "candidateStageChange",
    "url": "https://lever.co/webhookHandler",
    "configuration": {"signatureToken": "73311ged32110cc40e00c672c2e03e1a42fa28a4fabde089"},
    "createdAt": 1407357447018,
    "updatedAt": 1407357447200,
}
WEBHOOK_LISTED_8_4 = {
    "id": "e2befaae-b830-4c21-a002-2d5019486d1a",
    "url": "https://lever.co/webhookHandler",
    "event": "candidateStageChange",
    "createdAt": 1407357447018,
    "updatedAt": 1407357447200,
    "configuration": {"conditions": {"origins": ["applied", "sourced"]}},
}
USER_8_20 = {
    "id": "8890620d-7348-461c-9a14-42fd7d927d61",
    "name": "Integration Test User",
    "username": "integration-test-user",
    "email": "integration-test-user@airbyte.io",
    "accessRole": "interviewer",
    "photo": None,
    "createdAt": 1711661927140,
    "deactivatedAt": None,
    "externalDirectoryId": None,
    "linkedContactIds": None,
    "jobTitle": None,
    "managerId": None,
}
OFFER_8_14_KEYS = {
    "id",
    "posting",
    "createdAt",
    "status",
    "creator",
    "fields",
    "signatures",
    "approved",
    "approvedAt",
    "sentAt",
    "sentDocument",
    "signedDocument",
}
INTERVIEW_8_11_KEYS = {
    "id",
    "panel",
    "subject",
    "note",
    "interviewers",
    "timezone",
    "createdAt",
    "date",
    "duration",
    "location",
    "feedbackTemplate",
    "feedbackForms",
    "feedbackReminder",
    "user",
    "stage",
    "canceledAt",
    "postings",
    "gcalEventUrl",
}
REQUISITION_8_15_KEYS = {
    "id",
    "requisitionCode",
    "name",
    "backfill",
    "confidentiality",
    "createdAt",
    "creator",
    "headcountHired",
    "headcountTotal",
    "status",
    "hiringManager",
    "owner",
    "compensationBand",
    "employmentStatus",
    "location",
    "internalNotes",
    "postings",
    "department",
    "team",
    "offerIds",
    "approval",
    "customFields",
    "closedAt",
    "timeToFillStartAt",
    "timeToFillEndAt",
    "updatedAt",
}
POSTING_8_16_KEYS = {
    "id",
    "text",
    "createdAt",
    "updatedAt",
    "user",
    "owner",
    "hiringManager",
    "confidentiality",
    "categories",
    "content",
    "country",
    "tags",
    "state",
    "distributionChannels",
    "reqCode",
    "requisitionCodes",
    "salaryDescription",
    "salaryDescriptionHtml",
    "salaryRange",
    "urls",
    "workplaceType",
}


def assert_like(sample: Any, actual: Any, path: str = "$") -> None:
    """Same keys and JSON types as the sample; a sample `null` allows any value (the field is nullable)."""
    if sample is None:
        return
    if isinstance(sample, dict):
        assert isinstance(actual, dict), path
        assert set(actual) == set(sample), f"{path}: {set(actual) ^ set(sample)}"
        for key, value in sample.items():
            assert_like(value, actual[key], f"{path}.{key}")
    elif isinstance(sample, list):
        assert isinstance(actual, list), path
        if sample and actual:
            assert_like(sample[0], actual[0], f"{path}[0]")
    else:
        assert type(actual) is type(sample), f"{path}: {type(actual).__name__} != {type(sample).__name__}"


async def test_opportunity_create_get_list_match_real_capture(lever):
    created = await create_opportunity(lever, tags=["Backend"], postings=[BACKEND_POSTING])
    assert_like(OPPORTUNITY_8_7, created)
    got = (await lever.get(f"/v1/opportunities/{created['id']}")).json()
    assert set(got) == {"data"}
    assert_like(OPPORTUNITY_8_7, got["data"])
    listed = (await lever.get("/v1/opportunities")).json()
    assert set(listed) == {"data", "hasNext"} and listed["hasNext"] is False
    assert_like(OPPORTUNITY_8_7, listed["data"][0])
    assert created["opportunityLocation"] == "Remote US"


async def test_stage_put_returns_full_opportunity(lever):
    opp = await create_opportunity(lever)
    response = await lever.put(f"/v1/opportunities/{opp['id']}/stage", json={"stage": "offer"})
    assert response.status_code == 200
    data = response.json()["data"]
    assert_like(OPPORTUNITY_8_7, data)
    assert data["stage"] == "offer"
    assert [c["toStageId"] for c in data["stageChanges"]] == ["lead-new", "offer"]
    assert data["stageChanges"][-1]["toStageIndex"] == 6
    assert data["lastAdvancedAt"] == data["updatedAt"] == data["stageChanges"][-1]["updatedAt"]


async def test_archived_opportunity_shape(lever):
    opp = await create_opportunity(lever)
    response = await lever.put(f"/v1/opportunities/{opp['id']}/archived", json={"reason": HIRED})
    archived = response.json()["data"]["archived"]
    assert set(archived) == {"archivedAt", "reason"} and archived["reason"] == HIRED
    assert isinstance(archived["archivedAt"], int)


async def test_note_create_returns_full_note_with_id_and_note_id(lever):
    opp = await create_opportunity(lever)
    response = await lever.post(
        f"/v1/opportunities/{opp['id']}/notes", json={"value": "Strong systems background"}
    )
    assert response.status_code == 201
    note = response.json()["data"]
    assert_like(NOTE_8_13, note)
    assert note["id"] == note["noteId"] and note["fields"][0]["stage"] == "lead-new"
    listed = (await lever.get(f"/v1/opportunities/{opp['id']}/notes")).json()["data"]
    assert listed[0]["id"] == note["id"] and "noteId" not in listed[0]


async def test_webhook_create_and_list_shapes(lever):
    response = await lever.post(
        "/v1/webhooks", json={"url": "https://receiver.example/hook", "event": "candidateStageChange"}
    )
    assert response.status_code == 201
    created = response.json()["data"]
    assert_like(WEBHOOK_CREATED_8_4, created)
    assert len(created["configuration"]["signatureToken"]) == 48
    conditions = {"conditions": {"origins": ["applied", "sourced"]}}
    await lever.put("/v1/webhooks", json={"data": [{"id": created["id"], "configuration": conditions}]})
    listed = (await lever.get("/v1/webhooks")).json()
    assert_like(WEBHOOK_LISTED_8_4, listed["data"][0])
    assert "signatureToken" not in listed["data"][0]["configuration"]


async def test_reference_shapes(lever):
    users = (await lever.get("/v1/users")).json()["data"]
    for user in users:
        assert_like(USER_8_20, user)
    stages = (await lever.get("/v1/stages")).json()["data"]
    assert all(set(s) == {"id", "text"} for s in stages)
    reasons = (await lever.get("/v1/archive_reasons")).json()["data"]
    assert all(set(r) == {"id", "text", "status", "type"} for r in reasons)
    posting = (await lever.get(f"/v1/postings/{BACKEND_POSTING}")).json()["data"]
    assert POSTING_8_16_KEYS <= set(posting)
    requisition = (await lever.get("/v1/requisitions")).json()["data"][0]
    assert set(requisition) == REQUISITION_8_15_KEYS


async def test_offer_and_interview_shapes(lever):
    opp = await create_opportunity(lever, postings=[BACKEND_POSTING])
    await lever.post(
        "/_sim/offers",
        json={"opportunityId": opp["id"], "status": "signed", "fields": {"salary_amount": 180000}},
    )
    offer = (await lever.get(f"/v1/opportunities/{opp['id']}/offers")).json()["data"][0]
    assert set(offer) == OFFER_8_14_KEYS
    assert all(set(f) == {"text", "identifier", "value"} for f in offer["fields"])
    panel_body = {
        "timezone": "America/New_York",
        "interviews": [{"interviewers": [{"id": RITA}], "date": 1767268800000, "duration": 45}],
    }
    panel = await lever.post(
        f"/v1/opportunities/{opp['id']}/panels", params={"perform_as": RITA}, json=panel_body
    )
    assert panel.status_code == 201
    interview = (await lever.get(f"/v1/opportunities/{opp['id']}/interviews")).json()["data"][0]
    assert set(interview) == INTERVIEW_8_11_KEYS
    assert set(interview["interviewers"][0]) == {"id", "email", "name", "feedbackTemplate"}


async def test_errors_are_code_and_message(lever):
    cases = [
        (await lever.get("/v1/opportunities/nope"), 404),
        (await lever.get("/v1/no-such-route"), 404),
        (await lever.put("/v1/opportunities/nope/stage", json={"stage": "offer"}), 404),
        (await lever.get("/v1/opportunities", params={"limit": 0}), 400),
        (await lever.get("/v1/opportunities", params={"email": "not-an-email"}), 400),
        (await lever.post("/v1/opportunities", json={"name": "No performer"}), 400),
    ]
    for response, status in cases:
        assert response.status_code == status
        body = response.json()
        assert set(body) == {"code", "message"} and all(isinstance(v, str) for v in body.values())
    missing = (await lever.get("/v1/stages/a80bbbe0-d4dd-4eac-bdbf-302345414f93")).json()
    assert missing == {
        "code": "ResourceNotFound",
        "message": "stages a80bbbe0-d4dd-4eac-bdbf-302345414f93 was not found",
    }
