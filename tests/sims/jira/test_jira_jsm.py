from __future__ import annotations

API = "/rest/servicedeskapi"


def test_desks_and_request_types(jira):
    desks = jira.get(f"{API}/servicedesk").json()
    assert desks["isLastPage"] and [(d["projectKey"], d["id"]) for d in desks["values"]] == [
        ("ITSD", "1"),
        ("LEGAL", "2"),
    ]
    types = jira.get(f"{API}/servicedesk/1/requesttype").json()["values"]
    assert [t["name"] for t in types] == ["Provision equipment", "Contractor onboarding"]
    fields = jira.get(f"{API}/servicedesk/1/requesttype/1/field").json()["requestTypeFields"]
    by_name = {f["name"]: f for f in fields}
    assert set(by_name) == {"Summary", "Description", "Laptop", "Start date"}
    assert "MacBook Air 13" in [v["label"] for v in by_name["Laptop"]["validValues"]]
    legal = jira.get(f"{API}/servicedesk/2/requesttype").json()["values"]
    assert [t["name"] for t in legal] == ["Contract review"]


def test_create_request_comment_and_transition(jira, control):
    body = {
        "serviceDeskId": "1",
        "requestTypeId": "1",
        "raiseOnBehalfOf": "5b10ac8d82e05b22cc7d4e06",
        "requestFieldValues": {
            "summary": "Laptop for Ada",
            "description": "Prefers a 14 inch screen",
            "customfield_10050": {"value": "MacBook Pro 14"},
            "customfield_10015": "2026-12-01",
        },
    }
    made = jira.post(f"{API}/request", json=body)
    assert made.status_code == 201, made.text
    req = made.json()
    assert req["issueKey"].startswith("ITSD-") and req["currentStatus"]["status"] == "Waiting for support"
    assert (
        req["currentStatus"]["statusCategory"] == "NEW" and req["reporter"]["displayName"] == "Paula People"
    )
    values = {v["fieldId"]: v["value"] for v in req["requestFieldValues"]}
    assert values["customfield_10050"]["value"] == "MacBook Pro 14"
    key = req["issueKey"]
    issue = jira.get(f"/rest/api/3/issue/{key}").json()
    assert issue["fields"]["project"]["key"] == "ITSD" and issue["fields"]["description"]["type"] == "doc"
    assert (
        jira.post(f"{API}/request/{key}/comment", json={"body": "On it", "public": True}).status_code == 201
    )
    assert (
        jira.post(f"{API}/request/{key}/comment", json={"body": "internal note", "public": False}).status_code
        == 201
    )
    public = jira.get(f"{API}/request/{key}/comment", params={"internal": "false"}).json()["values"]
    assert [c["body"] for c in public] == ["On it"]
    assert len(jira.get(f"{API}/request/{key}/comment").json()["values"]) == 2
    transitions = {t["name"]: t["id"] for t in jira.get(f"{API}/request/{key}/transition").json()["values"]}
    assert set(transitions) == {"Start progress", "Resolve", "Decline"}
    assert (
        jira.post(f"{API}/request/{key}/transition", json={"id": transitions["Resolve"]}).status_code == 204
    )
    again = jira.get(f"{API}/request/{key}").json()
    assert again["currentStatus"] == {
        **again["currentStatus"],
        "status": "Resolved",
        "statusCategory": "DONE",
    }
    state = control.get("/_sim/state").json()
    assert [r["key"] for r in state["requests"]] == [key]
    assert state["requests"][0]["comments"][1]["public"] is False


def test_request_errors(jira):
    missing = jira.post(
        f"{API}/request",
        json={
            "serviceDeskId": "1",
            "requestTypeId": "1",
            "requestFieldValues": {"summary": "no laptop choice"},
        },
    )
    assert missing.status_code == 400 and "customfield_10050" in missing.json()["errorMessage"]
    assert jira.post(f"{API}/request", json={"serviceDeskId": "9", "requestTypeId": "1"}).status_code == 404
    assert jira.get(f"{API}/request/ONB-999").status_code == 404


def test_contractor_and_legal_requests(jira):
    for desk, rt, values in [
        (
            "1",
            "2",
            {"summary": "Contractor Bo", "customfield_10060": "Sent", "customfield_10070": "NDA, W-9"},
        ),
        ("2", "3", {"summary": "Review Bo's contract", "customfield_10060": {"value": "Sent"}}),
    ]:
        response = jira.post(
            f"{API}/request", json={"serviceDeskId": desk, "requestTypeId": rt, "requestFieldValues": values}
        )
        assert response.status_code == 201, response.text
    assert (
        jira.get(f"{API}/request", params={"serviceDeskId": "2"}).json()["values"][0]["issueKey"] == "LEGAL-1"
    )
