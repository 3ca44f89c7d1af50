from __future__ import annotations


async def test_company_has_departments_and_offices(api):
    company = (await api.get("/v1/company")).json()
    assert company["id"] == "cmp_example"
    assert company["display_name"] == "Example Co"
    assert [d["name"] for d in company["departments"]] == ["Engineering", "Sales", "People", "Operations"]
    assert company["offices"] == [
        {"id": "off_remote_us", "name": "Remote US"},
        {"id": "off_new_york", "name": "New York"},
        {"id": "off_berlin", "name": "Berlin"},
    ]


async def test_members_include_the_managers(api):
    members = (await api.get("/v1/members")).json()
    assert members["next_cursor"] is None
    emails = {e["address"]: m["id"] for m in members["items"] for e in m["emails"]}
    assert emails["hank@example.com"] == "mem_hank"
    assert emails["mona@example.com"] == "mem_mona"
    hank = (await api.get("/v1/members/mem_hank")).json()
    assert hank["name"]["full_preferred_name"] == "Hank Manager"
    assert hank["company_id"] == "cmp_example" and hank["active"] is True
    assert hank["department"] == {"id": "dep_engineering", "name": "Engineering"}
    missing = await api.get("/v1/members/mem_nobody")
    assert missing.status_code == 404
    assert missing.json()["errors"][0]["code"] == "not_found"


async def test_members_paginate_with_cursor(api):
    seen, cursor = [], None
    while True:
        params = {"limit": 3, **({"cursor": cursor} if cursor else {})}
        body = (await api.get("/v1/members", params=params)).json()
        assert len(body["items"]) <= 3
        seen += [m["id"] for m in body["items"]]
        cursor = body["next_cursor"]
        if cursor is None:
            break
    everyone = [m["id"] for m in (await api.get("/v1/members")).json()["items"]]
    assert seen == everyone and len(seen) == 7


async def test_member_list_rejects_bad_parameters(api):
    for params in ({"limit": 0}, {"limit": 101}, {"limit": "x"}, {"cursor": "garbage!"}, {"status": "gone"}):
        response = await api.get("/v1/members", params=params)
        assert response.status_code == 400, params
    bad = await api.get("/v1/members", params={"updated_at_gt": "yesterday"})
    assert bad.json()["errors"][0]["code"] == "invalid_filter"


async def test_member_filters(api):
    active = (await api.get("/v1/members", params={"status": "active"})).json()["items"]
    assert "mem_tess" not in {m["id"] for m in active} and len(active) == 6
    terminated = (await api.get("/v1/members", params={"status": "terminated"})).json()["items"]
    assert [m["id"] for m in terminated] == ["mem_tess"]
    later = (await api.get("/v1/members", params={"updated_at_gt": "2099-01-01T00:00:00Z"})).json()
    assert later["items"] == []
    earlier = (await api.get("/v1/members", params={"updated_at_gte": "2000-01-01T00:00:00+00:00"})).json()
    assert len(earlier["items"]) == 7
