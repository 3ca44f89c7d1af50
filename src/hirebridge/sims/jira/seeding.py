"""Issues listed in a seed, created through the same code path as API calls."""

from __future__ import annotations

from typing import Any

from hirebridge.sims.jira import ops, workflow
from hirebridge.sims.jira.state import State


def load_issues(state: State) -> None:
    admin = next(iter(state.site.users))
    for entry in state.site.seed.get("issues", []):
        fields: dict[str, Any] = {
            "project": {"key": entry["project"]},
            "issuetype": {"name": entry.get("issuetype", "Task")},
            "summary": entry["summary"],
            **entry.get("fields", {}),
        }
        if entry.get("description"):
            fields["description"] = entry["description"]
        if entry.get("labels"):
            fields["labels"] = entry["labels"]
        if entry.get("parent"):
            fields["parent"] = {"key": entry["parent"]}
        if entry.get("assignee"):
            user = state.site.user_by_email(entry["assignee"])
            fields["assignee"] = {"accountId": user["accountId"] if user else entry["assignee"]}
        version = "2" if isinstance(entry.get("description"), str) else "3"
        properties = [{"key": k, "value": v} for k, v in entry.get("properties", {}).items()]
        issue, _ = ops.create_issue(state, {"fields": fields, "properties": properties}, version, admin, "")
        if entry.get("status"):
            workflow.move(state, issue, entry["status"])
        state.reindex(issue)
