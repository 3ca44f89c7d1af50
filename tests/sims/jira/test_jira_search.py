from __future__ import annotations

import pytest

CHANGE_2046 = (
    "The requested API has been removed. Please migrate to the /rest/api/3/search/jql API. "
    "A full migration guideline is available at https://developer.atlassian.com/changelog/#CHANGE-2046"
)


def make(jira, project="ONB", issuetype="Task", **fields):
    body = {"fields": {"project": {"key": project}, "issuetype": {"name": issuetype}, **fields}}
    response = jira.post("/rest/api/3/issue", json=body)
    assert response.status_code == 201, response.text
    return response.json()


def keys(jira, jql, **params):
    response = jira.get("/rest/api/3/search/jql", params={"jql": jql, "fields": "key", **params})
    assert response.status_code == 200, response.text
    return [i["key"] for i in response.json()["issues"]]


@pytest.fixture
def issues(jira):
    epic = make(jira, issuetype="Epic", summary="Onboard Ada", labels=["hb-opp-1"])
    a = make(jira, summary="Laptop", parent={"key": epic["key"]}, labels=["hb-opp-1", "it"])
    b = make(jira, summary="Accounts", parent={"key": epic["key"]}, labels=["it"])
    hc = make(jira, project="HC", summary="Req 1", labels=["senior"])
    jira.post(f"/rest/api/3/issue/{b['key']}/transitions", json={"transition": {"id": "21"}})
    return {"epic": epic["key"], "a": a["key"], "b": b["key"], "hc": hc["key"]}


def test_default_fields_are_id_only(jira, issues):
    body = jira.get("/rest/api/3/search/jql", params={"jql": "project = HC"}).json()
    assert body == {"issues": [{"id": body["issues"][0]["id"]}], "isLast": True}


def test_jql_subset(jira, issues):
    i = issues
    assert set(keys(jira, "project = ONB")) == {i["epic"], i["a"], i["b"]}
    assert set(keys(jira, "labels = hb-opp-1")) == {i["epic"], i["a"]}
    assert set(keys(jira, "labels in (senior, it) AND NOT project = ONB")) == {i["hc"]}
    assert set(keys(jira, f"parent = {i['epic']}")) == {i["a"], i["b"]}
    assert set(keys(jira, f"key in ({i['a']}, {i['hc']})")) == {i["a"], i["hc"]}
    assert set(keys(jira, "statusCategory = Done")) == {i["b"]}
    assert set(keys(jira, "status = 'To Do' AND issuetype = Task")) == {i["a"]}
    assert set(keys(jira, "(project = HC OR labels = hb-opp-1) AND statusCategory != Done")) == {
        i["epic"],
        i["a"],
        i["hc"],
    }
    assert keys(jira, "project = ONB ORDER BY key ASC") == [i["epic"], i["a"], i["b"]]
    assert keys(jira, "project in (ONB, HC) ORDER BY created DESC, key DESC")[0] == i["hc"]
    assert set(keys(jira, "project = ONB AND parent is EMPTY")) == {i["epic"]}


def test_pagination_with_next_page_token(jira, issues):
    seen, token = [], None
    for _ in range(10):
        body = {"jql": "project = ONB ORDER BY key", "maxResults": 2, "fields": ["summary"]}
        if token:
            body["nextPageToken"] = token
        page = jira.post("/rest/api/3/search/jql", json=body).json()
        seen += [x["key"] for x in page["issues"]]
        if page["isLast"]:
            assert "nextPageToken" not in page
            break
        token = page["nextPageToken"]
    assert seen == [issues["epic"], issues["a"], issues["b"]]


def test_search_errors(jira, issues):
    unbounded = jira.get("/rest/api/3/search/jql", params={"jql": "order by key desc"})
    assert unbounded.status_code == 400
    assert unbounded.json()["errorMessages"] == [
        "Unbounded JQL queries are not allowed here. Please add a search restriction to your query."
    ]
    assert jira.get("/rest/api/3/search/jql", params={"jql": "project = NOPE"}).json()["errorMessages"] == [
        "The value 'NOPE' does not exist for the field 'project'."
    ]
    broken = jira.get("/rest/api/3/search/jql", params={"jql": "project in (ONB"}).json()
    assert broken["errorMessages"][0].startswith("Error in the JQL Query:")
    assert jira.post("/rest/api/3/search/jql", json={"jql": "project = ONB", "startAt": 0}).status_code == 400


def test_old_search_is_gone(jira):
    for method, path in [
        ("GET", "/rest/api/3/search"),
        ("POST", "/rest/api/3/search"),
        ("GET", "/rest/api/2/search"),
    ]:
        response = jira.request(method, path, params={"jql": "project = ONB"})
        assert response.status_code == 410
        assert response.json() == {"errorMessages": [CHANGE_2046], "errors": {}}


def test_search_lag_and_reconcile_issues(jira, control):
    control.post("/_sim/faults", json={"search_lag_seconds": 30})
    made = make(jira, summary="fresh", labels=["lagging"])
    assert jira.get(f"/rest/api/3/issue/{made['key']}").status_code == 200
    assert keys(jira, "labels = lagging") == []
    assert keys(jira, "labels = lagging", reconcileIssues=made["id"]) == [made["key"]]
    post = jira.post(
        "/rest/api/3/search/jql", json={"jql": "labels = lagging", "reconcileIssues": [int(made["id"])]}
    )
    assert [i["id"] for i in post.json()["issues"]] == [made["id"]]
    # an edit is also invisible until the lag has passed: search still sees the old labels
    jira.put(f"/rest/api/3/issue/{made['key']}", json={"update": {"labels": [{"add": "edited"}]}})
    control.post("/_sim/clock", json={"advance_seconds": 31})
    assert keys(jira, "labels = lagging") == [made["key"]]
    jira.put(f"/rest/api/3/issue/{made['key']}", json={"update": {"labels": [{"remove": "lagging"}]}})
    assert keys(jira, "labels = lagging") == [made["key"]]
    assert keys(jira, "labels = lagging", reconcileIssues=made["id"]) == []


def test_approximate_count(jira, issues):
    assert jira.post("/rest/api/3/search/approximate-count", json={"jql": "project = ONB"}).json() == {
        "count": 3
    }
