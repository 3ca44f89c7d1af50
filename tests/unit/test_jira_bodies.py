from __future__ import annotations

from hirebridge.connectors.jira import bulk_failures, issue_fields, issue_properties, request_field_value
from hirebridge.domain.effects import IssueContent

CONTENT = IssueContent(
    project="ONB",
    issue_type="Epic",
    summary="x" * 300,
    description={"type": "doc", "version": 1, "content": []},
    assignee_email="hank@example.com",
    labels=("onboarding",),
    priority="High",
    due_date="2026-01-05",
)


def test_a_create_carries_project_type_labels_with_the_marker_and_parent() -> None:
    fields = issue_fields(CONTENT, marker="hb-1", parent="ONB-7")
    assert fields == {
        "summary": "x" * 255,
        "project": {"key": "ONB"},
        "issuetype": {"name": "Epic"},
        "labels": ["onboarding", "hb-1"],
        "parent": {"key": "ONB-7"},
        "description": CONTENT.description,
        "priority": {"name": "High"},
        "duedate": "2026-01-05",
    }


def test_an_edit_leaves_project_type_labels_and_parent_alone() -> None:
    fields = issue_fields(CONTENT, parent="ONB-7")
    assert set(fields) == {"summary", "description", "priority", "duedate"}


def test_the_property_names_the_effect() -> None:
    [prop] = issue_properties("hb-1", recipe="onboarding", key="epic", subject="opp-1")
    assert prop == {
        "key": "hirebridge",
        "value": {"marker": "hb-1", "recipe": "onboarding", "key": "epic", "subject": "opp-1"},
    }


def test_request_values_follow_the_field_type() -> None:
    assert request_field_value({"jiraSchema": {"type": "option"}}, "Laptop") == {"value": "Laptop"}
    assert request_field_value({"validValues": [{"value": "a"}]}, "a") == {"value": "a"}
    assert request_field_value({"jiraSchema": {"type": "string"}}, "text") == "text"


def test_bulk_failures_are_indexed_with_jiras_reasons() -> None:
    body = {
        "issues": [{"id": "1", "key": "ONB-1"}],
        "errors": [
            {
                "status": 400,
                "failedElementNumber": 1,
                "elementErrors": {"errorMessages": ["bad"], "errors": {"priority": "unknown"}},
            }
        ],
    }
    [(index, error)] = bulk_failures(body).items()
    assert index == 1
    assert error.message == "Jira refused the issue (400): bad; priority: unknown"
