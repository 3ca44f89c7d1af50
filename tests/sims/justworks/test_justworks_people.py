from __future__ import annotations

from justworks_helpers import PEOPLE, valid_form


async def test_an_added_person_is_a_member_the_api_reads_by_updated_at(api):
    since = (await api.get("/_sim/clock")).json()["now"]
    await api.post("/_sim/clock", json={"advance_seconds": 5})
    added = await api.post(PEOPLE, json=valid_form(invite={"when": "now", "send_to": "home_email"}))
    assert added.status_code == 201, added.text
    member_id = added.json()["member_id"]
    changed = (await api.get("/v1/members", params={"updated_at_gt": since})).json()["items"]
    assert [m["id"] for m in changed] == [member_id]
    member = changed[0]
    assert member["emails"] == [{"type": "personal", "address": "ada@home.example"}]
    assert member["employment_start_date"] == "2026-09-01" and member["active"] is False
    invitations = (await api.get("/_sim/outbox", params={"kind": "invitation"})).json()["items"]
    assert [i["to"] for i in invitations] == ["ada@home.example"]


async def test_added_but_not_invited_then_invited(api):
    person = (await api.post(PEOPLE, json=valid_form(invite={"when": "later"}))).json()
    assert person["invited_at"] is None
    assert (await api.get("/_sim/outbox")).json()["items"] == []
    invited = await api.post(f"{PEOPLE}/{person['member_id']}/invite")
    assert invited.json()["invite"]["send_to"] == "home_email"
    assert (await api.post(f"{PEOPLE}/{person['member_id']}/invite")).status_code == 409


async def test_the_partner_api_has_no_write_surface(api):
    for path in ("/v1/pending-hires", "/sim/v1/pending-hires", "/v1/members"):
        assert (await api.post(path, json=valid_form())).status_code in (404, 405), path
    assert (await api.get("/v1/admins")).status_code == 404
