from __future__ import annotations

import httpx2
from jira_helpers import ADF, adf

NOT_ADF = "Operation value must be an Atlassian Document (see the Atlassian Document Format)"
ONB_TASK = {"project": {"key": "ONB"}, "issuetype": {"name": "Task"}}


def create(jira, **fields):
    response = jira.post("/rest/api/3/issue", json={"fields": {**ONB_TASK, **fields}})
    assert response.status_code == 201, response.text
    return response.json()


def test_server_info_is_cloud_and_anonymous(jira, server):
    info = httpx2.get(f"{server.url}/rest/api/3/serverInfo").json()
    assert info["deploymentType"] == "Cloud"
    assert info["versionNumbers"][0] >= 1001
    assert info["baseUrl"] == server.url


def test_missing_or_wrong_credentials_are_401(jira, server):
    for auth in (None, ("admin@example.com", "wrong"), ("nobody@example.com", "sim-token")):
        response = httpx2.get(f"{server.url}/rest/api/3/myself", auth=auth)
        assert response.status_code == 401
        assert response.json()["message"] == "Client must be authenticated to access this resource."


def test_any_seeded_user_can_sign_in(jira, server):
    me = httpx2.get(f"{server.url}/rest/api/3/myself", auth=("rita@example.com", "sim-token")).json()
    assert me["displayName"] == "Rita Recruiter"
    assert jira.get("/rest/api/3/myself").json()["emailAddress"] == "admin@example.com"


def test_user_search_by_exact_email(jira):
    found = jira.get("/rest/api/3/user/search", params={"query": "hank@example.com"}).json()
    assert [u["displayName"] for u in found] == ["Hank Manager"]
    assert found[0]["accountId"] == "5b10ac8d82e05b22cc7d4e03"
    assert jira.get("/rest/api/3/user/search").status_code == 400


def test_projects_types_fields_priorities(jira):
    onb = jira.get("/rest/api/3/project/ONB").json()
    assert onb["style"] == "classic" and [t["name"] for t in onb["issueTypes"]] == [
        "Epic",
        "Task",
        "Sub-task",
    ]
    hire = jira.get("/rest/api/3/project/HIRE").json()
    assert hire["style"] == "next-gen" and hire["simplified"] is True
    assert "Subtask" in [t["name"] for t in hire["issueTypes"]]
    page = jira.get("/rest/api/3/project/search").json()
    assert {"ONB", "HC", "HIRE", "ITSD", "LEGAL"} <= {p["key"] for p in page["values"]}
    fields = {f["name"]: f for f in jira.get("/rest/api/3/field").json()}
    assert fields["Start date"]["id"] == "customfield_10015" and fields["Start date"]["custom"]
    assert fields["Team"]["schema"]["custom"].endswith(":select")
    assert [p["name"] for p in jira.get("/rest/api/3/priority").json()] == [
        "Highest",
        "High",
        "Medium",
        "Low",
        "Lowest",
    ]
    assert jira.get("/rest/api/3/issuetype").status_code == 200
    assert jira.get("/rest/api/3/status").status_code == 200
    assert jira.get("/rest/api/3/project/NOPE").status_code == 404


def test_createmeta(jira):
    types = jira.get("/rest/api/3/issue/createmeta/ONB/issuetypes").json()
    by_name = {t["name"]: t for t in types["issueTypes"]}
    assert by_name["Sub-task"]["subtask"] is True
    meta = jira.get(f"/rest/api/3/issue/createmeta/ONB/issuetypes/{by_name['Sub-task']['id']}").json()
    fields = {f["fieldId"]: f for f in meta["fields"]}
    assert fields["summary"]["required"] and fields["parent"]["required"]
    assert {v["value"] for v in fields["customfield_10020"]["allowedValues"]} >= {"IT", "Engineering"}


def test_create_get_edit_delete(jira):
    made = create(
        jira,
        summary="Onboard Ada",
        description=adf("Welcome"),
        labels=["hb-opp-1"],
        priority={"name": "High"},
        assignee={"accountId": "5b10ac8d82e05b22cc7d4e07"},
        customfield_10015="2026-12-01",
        customfield_10020={"value": "IT"},
        customfield_10030="https://hire.lever.co/candidates/abc",
    )
    assert made["key"].startswith("ONB-") and made["self"].endswith(f"/rest/api/3/issue/{made['id']}")
    issue = jira.get(f"/rest/api/3/issue/{made['key']}").json()
    f = issue["fields"]
    assert f["summary"] == "Onboard Ada" and f["description"] == adf("Welcome")
    assert f["status"]["name"] == "To Do" and f["priority"]["name"] == "High"
    assert f["assignee"]["displayName"] == "Ivy IT" and f["customfield_10020"]["value"] == "IT"
    assert f["resolution"] is None
    response = jira.put(
        f"/rest/api/3/issue/{made['key']}",
        json={"update": {"labels": [{"add": "urgent"}], "summary": [{"set": "Onboard Ada L."}]}},
    )
    assert response.status_code == 204
    f = jira.get(f"/rest/api/3/issue/{made['id']}", params={"fields": "summary,labels"}).json()["fields"]
    assert f == {"summary": "Onboard Ada L.", "labels": ["hb-opp-1", "urgent"]}
    assert jira.delete(f"/rest/api/3/issue/{made['key']}").status_code == 204
    missing = jira.get(f"/rest/api/3/issue/{made['key']}")
    assert missing.status_code == 404
    assert missing.json()["errorMessages"] == [
        "Issue does not exist or you do not have permission to see it."
    ]


def test_create_errors(jira):
    cases = [
        (
            {**ONB_TASK, "summary": "x", "labels": ["two words"]},
            {"labels": "The label 'two words' contains spaces which is invalid."},
        ),
        ({**ONB_TASK}, {"summary": "You must specify a summary of the issue."}),
        (
            {"project": {"key": "ONB"}, "issuetype": {"name": "Bug"}, "summary": "x"},
            {"issuetype": "The issue type selected is invalid."},
        ),
        (
            {**ONB_TASK, "summary": "x", "description": "plain"},
            {"description": NOT_ADF},
        ),
        (
            {**ONB_TASK, "summary": "x", "foo": 1},
            {"foo": "Field 'foo' cannot be set. It is not on the appropriate screen, or unknown."},
        ),
    ]
    for fields, errors in cases:
        response = jira.post("/rest/api/3/issue", json={"fields": fields})
        assert response.status_code == 400
        assert response.json() == {"errorMessages": [], "errors": errors}
    bad_adf = {
        "type": "doc",
        "version": 1,
        "content": [{"type": "paragraph", "content": [{"type": "text", "text": ""}]}],
    }
    response = jira.post(
        "/rest/api/3/issue", json={"fields": {**ONB_TASK, "summary": "x", "description": bad_adf}}
    )
    assert response.json() == {"errorMessages": ["INVALID_INPUT"], "errors": {}}


def test_bulk_partial_failure_and_all_failed(jira):
    good = {"fields": {**ONB_TASK, "summary": "ok"}}
    bad = {"fields": {**ONB_TASK, "summary": "bad", "labels": ["a b"]}}
    response = jira.post("/rest/api/3/issue/bulk", json={"issueUpdates": [good, bad, good]})
    assert response.status_code == 201
    body = response.json()
    assert len(body["issues"]) == 2 and body["errors"][0]["failedElementNumber"] == 1
    assert body["errors"][0]["elementErrors"]["errors"]["labels"].startswith("The label 'a b'")
    response = jira.post("/rest/api/3/issue/bulk", json={"issueUpdates": [bad]})
    assert response.status_code == 400 and response.json()["issues"] == []
    too_many = jira.post("/rest/api/3/issue/bulk", json={"issueUpdates": [good] * 51})
    assert too_many.status_code == 400


def test_epics_and_subtasks(jira):
    epic = create(jira, summary="Epic", issuetype={"name": "Epic"})
    task = create(jira, summary="Task", parent={"key": epic["key"]})
    sub = create(jira, summary="Sub", issuetype={"name": "Sub-task"}, parent={"key": task["key"]})
    assert jira.get(f"/rest/api/3/issue/{sub['key']}").json()["fields"]["parent"]["key"] == task["key"]
    no_parent = jira.post(
        "/rest/api/3/issue",
        json={"fields": {**ONB_TASK, "issuetype": {"name": "Sub-task"}, "summary": "orphan"}},
    )
    assert no_parent.status_code == 400 and "parent" in no_parent.json()["errors"]
    hire_task = jira.post(
        "/rest/api/3/issue",
        json={"fields": {"project": {"key": "HIRE"}, "issuetype": {"name": "Task"}, "summary": "t"}},
    ).json()
    cross = jira.post(
        "/rest/api/3/issue",
        json={
            "fields": {
                "project": {"key": "HIRE"},
                "issuetype": {"name": "Subtask"},
                "summary": "s",
                "parent": {"key": task["key"]},
            }
        },
    )
    assert cross.status_code == 400
    ok = jira.post(
        "/rest/api/3/issue",
        json={
            "fields": {
                "project": {"key": "HIRE"},
                "issuetype": {"name": "Subtask"},
                "summary": "s",
                "parent": {"key": hire_task["key"]},
            }
        },
    )
    assert ok.status_code == 201


def test_transitions_and_resolution(jira):
    made = create(jira, summary="t")
    names = {
        t["name"]: t["id"]
        for t in jira.get(f"/rest/api/3/issue/{made['key']}/transitions").json()["transitions"]
    }
    assert set(names) == {"Start", "Done", "Cancel"}
    assert (
        jira.post(
            f"/rest/api/3/issue/{made['key']}/transitions", json={"transition": {"id": names["Cancel"]}}
        ).status_code
        == 204
    )
    f = jira.get(f"/rest/api/3/issue/{made['key']}").json()["fields"]
    assert f["status"]["name"] == "Cancelled" and f["status"]["statusCategory"]["key"] == "done"
    assert f["resolution"]["name"] == "Won't Do" and f["resolutiondate"]
    reopen = {
        t["name"]: t["id"]
        for t in jira.get(f"/rest/api/3/issue/{made['key']}/transitions").json()["transitions"]
    }["Reopen"]
    jira.post(f"/rest/api/3/issue/{made['key']}/transitions", json={"transition": {"id": reopen}})
    f = jira.get(f"/rest/api/3/issue/{made['key']}").json()["fields"]
    assert f["status"]["name"] == "To Do" and f["resolution"] is None
    bad = jira.post(f"/rest/api/3/issue/{made['key']}/transitions", json={"transition": {"id": "999"}})
    assert bad.status_code == 400


def test_headcount_workflow(jira):
    made = jira.post(
        "/rest/api/3/issue",
        json={"fields": {"project": {"key": "HC"}, "issuetype": {"name": "Task"}, "summary": "Req 12"}},
    ).json()
    ts = jira.get(f"/rest/api/3/issue/{made['key']}/transitions").json()["transitions"]
    assert {t["name"] for t in ts} == {"On Hold", "Closed", "Filled"}
    filled = next(t["id"] for t in ts if t["name"] == "Filled")
    jira.post(f"/rest/api/3/issue/{made['key']}/transitions", json={"transition": {"id": filled}})
    f = jira.get(f"/rest/api/3/issue/{made['key']}").json()["fields"]
    assert f["status"]["name"] == "Filled" and f["resolution"]["name"] == "Done"


def test_comments_adf_validation_and_crud(jira):
    key = create(jira, summary="c")["key"]
    assert jira.post(f"/rest/api/3/issue/{key}/comment", json={"body": "plain"}).json() == {
        "errorMessages": [],
        "errors": {"comment": "Comment body is not valid!"},
    }
    broken = {"type": "doc", "version": 1, "content": [{"type": "text", "text": "not in a paragraph"}]}
    assert jira.post(f"/rest/api/3/issue/{key}/comment", json={"body": broken}).json()["errorMessages"] == [
        "INVALID_INPUT"
    ]
    made = jira.post(f"/rest/api/3/issue/{key}/comment", json={"body": ADF})
    assert made.status_code == 201 and made.json()["body"] == ADF
    cid = made.json()["id"]
    assert jira.put(f"/rest/api/3/issue/{key}/comment/{cid}", json={"body": adf("edited")}).status_code == 200
    listing = jira.get(f"/rest/api/3/issue/{key}/comment").json()
    assert listing["total"] == 1 and listing["comments"][0]["body"] == adf("edited")
    assert jira.get(f"/rest/api/3/issue/{key}/comment/{cid}").status_code == 200
    assert jira.delete(f"/rest/api/3/issue/{key}/comment/{cid}").status_code == 204
    assert jira.get(f"/rest/api/3/issue/{key}/comment").json()["total"] == 0


def test_remote_link_upsert_by_global_id(jira):
    key = create(jira, summary="r")["key"]
    link = {
        "globalId": "lever:opp:1",
        "application": {"type": "lever", "name": "Lever"},
        "object": {"url": "https://hire.lever.co/candidates/1", "title": "Ada in Lever", "summary": "s"},
    }
    first = jira.post(f"/rest/api/3/issue/{key}/remotelink", json=link)
    assert first.status_code == 201
    again = jira.post(
        f"/rest/api/3/issue/{key}/remotelink",
        json={"globalId": "lever:opp:1", "object": {"url": "https://x", "title": "New"}},
    )
    assert again.status_code == 200 and again.json()["id"] == first.json()["id"]
    one = jira.get(f"/rest/api/3/issue/{key}/remotelink", params={"globalId": "lever:opp:1"}).json()
    assert one["object"]["title"] == "New" and "application" not in one
    assert len(jira.get(f"/rest/api/3/issue/{key}/remotelink").json()) == 1
    bad = jira.post(f"/rest/api/3/issue/{key}/remotelink", json={"object": {"url": "https://x"}})
    assert bad.json() == {"errorMessages": [], "errors": {"title": "'title' is required."}}


def test_entity_properties(jira):
    key = create(jira, summary="p")["key"]
    url = f"/rest/api/3/issue/{key}/properties/hirebridge"
    assert jira.put(url, json={"intent": "abc"}).status_code == 201
    assert jira.put(url, json={"intent": "def"}).status_code == 200
    assert jira.get(url).json() == {"key": "hirebridge", "value": {"intent": "def"}}
    assert [k["key"] for k in jira.get(f"/rest/api/3/issue/{key}/properties").json()["keys"]] == [
        "hirebridge"
    ]
    got = jira.get(
        f"/rest/api/3/issue/{key}", params={"properties": "hirebridge", "fields": "summary"}
    ).json()
    assert got["properties"] == {"hirebridge": {"intent": "def"}}
    assert jira.delete(url).status_code == 204
    assert jira.get(url).status_code == 404


def test_issue_links_and_assignee(jira):
    a, b = create(jira, summary="a")["key"], create(jira, summary="b")["key"]
    response = jira.post(
        "/rest/api/3/issueLink",
        json={"type": {"name": "Blocks"}, "inwardIssue": {"key": a}, "outwardIssue": {"key": b}},
    )
    assert response.status_code == 201 and response.content == b""
    links = jira.get(f"/rest/api/3/issue/{a}", params={"fields": "issuelinks"}).json()["fields"]["issuelinks"]
    assert links[0]["outwardIssue"]["key"] == b
    assert (
        jira.put(
            f"/rest/api/3/issue/{a}/assignee", json={"accountId": "5b10ac8d82e05b22cc7d4e05"}
        ).status_code
        == 204
    )
    assert jira.get(f"/rest/api/3/issue/{a}").json()["fields"]["assignee"]["displayName"] == "Erin Engineer"
    assert jira.put(f"/rest/api/3/issue/{a}/assignee", json={"accountId": "-1"}).status_code == 204
    assert jira.get(f"/rest/api/3/issue/{a}").json()["fields"]["assignee"] is None


def test_v2_uses_wiki_strings(jira):
    made = jira.post(
        "/rest/api/2/issue", json={"fields": {**ONB_TASK, "summary": "v2", "description": "line 1\n\npara 2"}}
    )
    assert made.status_code == 201
    assert (
        jira.get(f"/rest/api/3/issue/{made.json()['key']}").json()["fields"]["description"]["type"] == "doc"
    )
    v2 = jira.get(f"/rest/api/2/issue/{made.json()['key']}").json()
    assert v2["fields"]["description"] == "line 1\n\npara 2"
    comment = jira.post(f"/rest/api/2/issue/{made.json()['key']}/comment", json={"body": "hello"}).json()
    assert comment["body"] == "hello"


def test_expand_changelog_names_transitions(jira):
    key = create(jira, summary="e")["key"]
    jira.put(f"/rest/api/3/issue/{key}", json={"fields": {"summary": "e2"}})
    got = jira.get(
        f"/rest/api/3/issue/{key}", params={"expand": "changelog,names,transitions,renderedFields"}
    ).json()
    items = got["changelog"]["histories"][0]["items"]
    assert items[0]["field"] == "summary" and items[0]["toString"] == "e2"
    assert got["names"]["summary"] == "Summary"
    assert {t["name"] for t in got["transitions"]} == {"Start", "Done", "Cancel"}
