from __future__ import annotations

import warnings
from collections.abc import Iterator
from typing import Any

import pytest
from jira_helpers import AUTH, ServerThread, check_exchange

from hirebridge.sims.jira import create_app

jira_pkg = pytest.importorskip("jira")


@pytest.fixture(scope="module")
def served() -> Iterator[ServerThread]:
    with ServerThread(create_app()) as running:
        yield running


@pytest.fixture
def client(served: ServerThread, spec_loaded: None) -> Iterator[Any]:
    # Only the simulator's answers are checked: the package itself sends e.g. transition ids as integers.
    checked: list[tuple[str, str, int, str]] = []

    def validate(response: Any, *args: Any, **kwargs: Any) -> None:
        req = response.request
        body = req.body.encode() if isinstance(req.body, str) else req.body
        outcome = check_exchange(
            req.method,
            req.url,
            dict(req.headers),
            body,
            response.status_code,
            dict(response.headers),
            response.content,
            validate_request=False,
        )
        checked.append((req.method, req.path_url, response.status_code, outcome))

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        client = jira_pkg.JIRA(server=served.url, basic_auth=AUTH, max_retries=0)
    client._session.hooks["response"].append(validate)
    client.checked = checked
    yield client
    client.close()


def test_scripted_session_with_the_jira_package(client):
    assert client.server_info()["deploymentType"] == "Cloud"
    epic = client.create_issue(
        project="ONB",
        summary="Onboard Ada",
        issuetype={"name": "Epic"},
        description="Welcome *Ada*",
        labels=["hb-opp-7"],
    )
    assert epic.key.startswith("ONB-") and epic.fields.summary == "Onboard Ada"
    results = client.create_issues(
        [
            {
                "project": {"key": "ONB"},
                "summary": "Laptop",
                "issuetype": {"name": "Task"},
                "parent": {"key": epic.key},
                "labels": ["hb-opp-7"],
            },
            {
                "project": {"key": "ONB"},
                "summary": "Accounts",
                "issuetype": {"name": "Task"},
                "parent": {"key": epic.key},
                "labels": ["hb-opp-7"],
            },
        ]
    )
    assert [r["status"] for r in results] == ["Success", "Success"]
    task = results[0]["issue"]
    names = {t["name"]: t["id"] for t in client.transitions(task)}
    assert {"Start", "Done", "Cancel"} <= set(names)
    client.transition_issue(task, names["Start"])
    assert client.issue(task.key).fields.status.name == "In Progress"
    comment = client.add_comment(task, "Laptop ordered")
    assert comment.body == "Laptop ordered"
    assert [c.body for c in client.comments(task)] == ["Laptop ordered"]
    link = client.add_simple_link(
        task, {"url": "https://hire.lever.co/candidates/7", "title": "Ada in Lever"}
    )
    assert link.id
    assert client.remote_links(task)[0].object.title == "Ada in Lever"
    found = client.enhanced_search_issues(f"parent = {epic.key} ORDER BY key", maxResults=10)
    assert [i.key for i in found] == [task.key, results[1]["issue"].key]
    assert found[0].fields.status.name == "In Progress"
    labelled = client.enhanced_search_issues("labels = hb-opp-7", fields="summary")
    assert len(labelled) == 3
    assert {outcome for *_, outcome in client.checked} <= {"validated", "validated-empty"}
    assert any(outcome == "validated" for *_, outcome in client.checked)
