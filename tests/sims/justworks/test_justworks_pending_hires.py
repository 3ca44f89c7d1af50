from __future__ import annotations

from justworks_helpers import valid_packet

BASE = "/sim/v1/pending-hires"


async def create(api, **changes):
    response = await api.post(BASE, json=valid_packet(**changes))
    assert response.status_code == 201, response.text
    return response.json()


async def test_create_returns_the_record_and_emails_manage_employees_admins(api):
    response = await api.post(BASE, json=valid_packet())
    record = response.json()
    assert response.headers["location"] == f"{BASE}/{record['id']}"
    assert record["department"] == {"id": "dep_engineering", "name": "Engineering"}
    assert record["office"] == {"id": "off_remote_us", "name": "Remote US"}
    assert record["compensation"] == {"type_of_earnings": "year", "amount": 15000000, "currency": "USD"}
    assert record["source_ref"]["opportunity_id"] == "opp-1"
    assert record["member_id"] is None and record["invited_at"] is None
    mails = (await api.get("/_sim/outbox")).json()["items"]
    assert sorted(m["to"] for m in mails) == ["paula@example.com", "rita@example.com"]
    assert {m["subject"] for m in mails} == {"A candidate has been hired in Lever!"}
    assert all(m["pending_hire_id"] == record["id"] and m["kind"] == "admin_notification" for m in mails)
    review = await api.get(mails[0]["link"])
    assert review.json()["id"] == record["id"]


async def test_get_and_list_with_filters_and_paging(api):
    first = await create(api)
    second = await create(api, source_ref={"opportunity_id": "opp-2"}, first_name="Grace")
    assert (await api.get(f"{BASE}/{first['id']}")).json() == first
    assert (await api.get(f"{BASE}/ph_missing")).status_code == 404
    await api.post(f"{BASE}/{second['id']}/decline", json={})
    pending = (await api.get(BASE, params={"status": "pending"})).json()
    assert [h["id"] for h in pending["items"]] == [first["id"]]
    by_opportunity = (await api.get(BASE, params={"opportunity_id": "opp-2"})).json()["items"]
    assert [h["id"] for h in by_opportunity] == [second["id"]]
    page = (await api.get(BASE, params={"limit": 1})).json()
    assert len(page["items"]) == 1 and page["next_cursor"]
    rest = (await api.get(BASE, params={"limit": 1, "cursor": page["next_cursor"]})).json()
    assert rest["items"][0]["id"] == second["id"] and rest["next_cursor"] is None
    assert (await api.get(BASE, params={"status": "hired"})).status_code == 400


async def test_same_opportunity_same_content_is_idempotent(api):
    record = await create(api)
    retry = valid_packet(
        source_ref={"opportunity_id": "opp-1", "offer_id": "offer-1", "lever_event_token": "x"}
    )
    response = await api.post(BASE, json=retry)
    assert response.status_code == 200
    assert response.json()["id"] == record["id"]
    assert len((await api.get(BASE)).json()["items"]) == 1
    assert len((await api.get("/_sim/outbox")).json()["items"]) == 2


async def test_same_opportunity_different_content_conflicts(api):
    await create(api)
    response = await api.post(BASE, json=valid_packet(title="Staff Engineer"))
    assert response.status_code == 409
    assert response.json()["errors"][0]["code"] == "duplicate_pending_hire"


async def test_invite_creates_an_inactive_member_and_emails_the_hire(api):
    record = await create(api, work_email="ada@example.com")
    response = await api.post(
        f"{BASE}/{record['id']}/invite", json={"send_to": "home_email", "note": "Welcome!"}
    )
    assert response.status_code == 200, response.text
    invited = response.json()
    assert invited["status"] == "invited"
    assert invited["invite"]["send_to"] == "home_email" and invited["invite"]["sent_at"]
    member = (await api.get(f"/v1/members/{invited['member_id']}")).json()
    assert member["active"] is False
    assert member["name"]["given_name"] == "Ada" and member["type"] == "employee_full_time"
    assert member["manager"]["id"] == "mem_hank"
    assert member["department"]["name"] == "Engineering"
    assert member["employment_start_date"] == "2026-09-01"
    assert {"type": "personal", "address": "ada@home.example"} in member["emails"]
    mails = (await api.get("/_sim/outbox", params={"kind": "invitation"})).json()["items"]
    assert [m["to"] for m in mails] == ["ada@home.example"]
    assert "Welcome!" in mails[0]["body"]


async def test_transitions_are_terminal(api):
    invited = await create(api)
    declined = await create(api, source_ref={"opportunity_id": "opp-2"})
    assert (await api.post(f"{BASE}/{invited['id']}/invite")).status_code == 200
    response = await api.post(f"{BASE}/{declined['id']}/decline", json={"reason": "offer withdrawn"})
    assert response.json()["status"] == "declined"
    assert response.json()["decline_reason"] == "offer withdrawn"
    for hire, action in [
        (invited, "invite"),
        (invited, "decline"),
        (declined, "invite"),
        (declined, "decline"),
    ]:
        response = await api.post(f"{BASE}/{hire['id']}/{action}")
        assert response.status_code == 409, (hire["status"], action)
        assert response.json()["errors"][0]["code"] == "invalid_state_transition"
    assert (await api.post(f"{BASE}/ph_missing/invite")).status_code == 404


async def test_invite_needs_the_chosen_email(api):
    record = await create(api)
    response = await api.post(f"{BASE}/{record['id']}/invite", json={"send_to": "work_email"})
    assert response.status_code == 422
    assert response.json()["errors"][0] == {
        "field": "work_email",
        "code": "email_required",
        "message": "the pending hire has no work_email to invite",
    }
    bad = await api.post(f"{BASE}/{record['id']}/invite", json={"send_to": "pager"})
    assert bad.json()["errors"][0]["code"] == "invalid_send_to"
    assert (await api.get(f"{BASE}/{record['id']}")).json()["status"] == "pending"


async def test_work_email_requirement_is_configurable(api):
    await api.post("/_sim/config", json={"invite_requires_work_email": True})
    record = await create(api)
    response = await api.post(f"{BASE}/{record['id']}/invite", json={"send_to": "home_email"})
    assert response.status_code == 422
    assert response.json()["errors"][0]["code"] == "work_email_required"


async def test_admin_notification_can_be_switched_off(api):
    await api.post("/_sim/config", json={"notify_admins_on_create": False})
    await create(api)
    assert (await api.get("/_sim/outbox")).json()["items"] == []


async def test_v1_prefix_serves_the_same_surface(api):
    record = await create(api)
    assert (await api.get(f"/v1/pending-hires/{record['id']}")).json()["id"] == record["id"]
    assert (await api.post(f"/v1/pending-hires/{record['id']}/decline")).json()["status"] == "declined"
