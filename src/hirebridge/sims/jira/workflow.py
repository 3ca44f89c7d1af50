"""Workflows: which transitions an issue has, and what moving it does to status and resolution."""

from __future__ import annotations

from typing import Any

from hirebridge.sims.jira import render
from hirebridge.sims.jira.errors import JiraError
from hirebridge.sims.jira.state import Issue, State


def transitions_for(state: State, issue: Issue) -> list[dict[str, Any]]:
    site = state.site
    project = site.projects[issue.project_id]
    current = site.statuses[issue.status_id]["name"]
    return [
        t
        for t in site.workflow(project)["transitions"]
        if (not t["from"] or current in t["from"]) and t["to"] != current
    ]


def available_transitions(state: State, issue: Issue, base: str, v: str) -> list[dict[str, Any]]:
    out = []
    for t in transitions_for(state, issue):
        out.append(
            {
                "id": t["id"],
                "name": t["name"],
                "to": render.status(state.site.status_by_name(t["to"]), base, v),
                "hasScreen": False,
                "isGlobal": not t["from"],
                "isInitial": False,
                "isAvailable": True,
                "isConditional": False,
                "isLooped": False,
            }
        )
    return out


def find_transition(state: State, issue: Issue, ref: dict[str, Any] | None) -> dict[str, Any]:
    ref = ref or {}
    tid, name = ref.get("id"), ref.get("name")
    if tid is None and name is None:
        raise JiraError(400, ["Missing 'transition' identifier"], {})
    for t in transitions_for(state, issue):
        if str(tid) == t["id"] or (tid is None and name == t["name"]):
            return t
    raise JiraError(
        400, [f"Transition id '{tid if tid is not None else name}' is not valid for this issue."], {}
    )


def move(state: State, issue: Issue, target_name: str) -> list[dict[str, Any]]:
    """Moves the issue to a status; returns the changelog items."""
    site = state.site
    old = site.statuses[issue.status_id]
    new = site.status_by_name(target_name)
    items = [
        {
            "field": "status",
            "fieldtype": "jira",
            "fieldId": "status",
            "from": old["id"],
            "fromString": old["name"],
            "to": new["id"],
            "toString": new["name"],
        }
    ]
    issue.status_id = new["id"]
    if old["category"] != new["category"]:
        issue.fields["statuscategorychangedate"] = state.now()
    old_res = issue.fields.get("resolution")
    new_res = new.get("resolution") if new["category"] == "done" else None
    if old_res != new_res:
        issue.fields["resolution"] = new_res
        issue.fields["resolutiondate"] = state.now() if new_res else None
        items.append(
            {
                "field": "resolution",
                "fieldtype": "jira",
                "fieldId": "resolution",
                "from": site.resolution(old_res)["id"] if old_res else None,
                "fromString": old_res,
                "to": site.resolution(new_res)["id"] if new_res else None,
                "toString": new_res,
            }
        )
    return items
