"""The `IssueBean` of get-issue and search: field selection, `expand` and `properties`."""

from __future__ import annotations

from typing import Any

from hirebridge.sims.jira import render
from hirebridge.sims.jira.adf import adf_to_html, rich_output
from hirebridge.sims.jira.site import SYSTEM_FIELDS
from hirebridge.sims.jira.state import Issue, State

NOT_NAVIGABLE = {"comment"}


def comment(state: State, issue: Issue, c: dict[str, Any], base: str, v: str, rendered: bool = False) -> dict:
    out = {
        "self": f"{base}/rest/api/{v}/issue/{issue.id}/comment/{c['id']}",
        "id": c["id"],
        "author": render.user(state.site, c["author"], base, v),
        "body": rich_output(c["body"], v),
        "updateAuthor": render.user(state.site, c["updateAuthor"], base, v),
        "created": state.stamp(c["created"]),
        "updated": state.stamp(c["updated"]),
        "jsdPublic": c.get("public", True),
    }
    if c.get("visibility"):
        out["visibility"] = c["visibility"]
    if rendered:
        out["renderedBody"] = adf_to_html(c["body"])
    return out


def all_fields(state: State, issue: Issue, base: str, v: str) -> dict[str, Any]:
    site = state.site
    f = issue.fields
    st = site.statuses[issue.status_id]
    subtasks = [
        render.issue_ref(state, i, base, v)
        for i in state.issues.values()
        if i.fields.get("parent") == issue.id
    ]
    out: dict[str, Any] = {
        "summary": f["summary"],
        "description": rich_output(f.get("description"), v),
        "environment": rich_output(f.get("environment"), v),
        "issuetype": render.issuetype(site, site.issuetypes[issue.type_id], base, v),
        "project": render.project(site, site.projects[issue.project_id], base, v, full=False),
        "status": render.status(st, base, v),
        "statusCategory": render.category(st["category"], base, v),
        "priority": render.priority(site.priority({"id": f["priority"]}) or {}, base, v),
        "assignee": render.user(site, f.get("assignee"), base, v),
        "reporter": render.user(site, f.get("reporter"), base, v),
        "creator": render.user(site, f.get("creator"), base, v),
        "labels": list(f.get("labels", [])),
        "subtasks": subtasks,
        "issuelinks": issue_links(state, issue, base, v),
        "duedate": f.get("duedate"),
        "created": state.stamp(issue.created),
        "updated": state.stamp(issue.updated),
        "resolution": render.resolution(site, f.get("resolution"), base, v),
        "resolutiondate": state.stamp(f["resolutiondate"]) if f.get("resolutiondate") else None,
        "statuscategorychangedate": state.stamp(f.get("statuscategorychangedate", issue.created)),
        "comment": {
            "comments": [comment(state, issue, c, base, v) for c in issue.comments],
            "self": f"{base}/rest/api/{v}/issue/{issue.id}/comment",
            "maxResults": len(issue.comments),
            "total": len(issue.comments),
            "startAt": 0,
        },
    }
    parent = f.get("parent")
    if parent and parent in state.issues:
        out["parent"] = render.issue_ref(state, state.issues[parent], base, v)
    for fid in site.custom_fields:
        out[fid] = render.custom_value(site, fid, f.get(fid), base, v)
    return out


def issue_links(state: State, issue: Issue, base: str, v: str) -> list[dict[str, Any]]:
    out = []
    for link in state.links.values():
        t = next(t for t in state.site.seed["linktypes"] if t["id"] == link["type"])
        ltype = {**t, "self": f"{base}/rest/api/{v}/issueLinkType/{t['id']}"}
        for mine, other, side in (
            ("outward", "inward", "inwardIssue"),
            ("inward", "outward", "outwardIssue"),
        ):
            if link[mine] == issue.id and link[other] in state.issues:
                entry = {
                    "id": link["id"],
                    "self": f"{base}/rest/api/{v}/issueLink/{link['id']}",
                    "type": ltype,
                }
                entry[side] = render.issue_ref(state, state.issues[link[other]], base, v)
                out.append(entry)
    return out


def select_fields(state: State, requested: list[str] | None, default: str) -> set[str]:
    names = {n.lower(): fid for fid, n in state.site.field_names().items()}
    everything = [fid for fid, _, _ in SYSTEM_FIELDS] + list(state.site.custom_fields)
    items = [p.strip() for r in (requested or [default]) for p in str(r).split(",") if p.strip()]
    chosen: set[str] = set()
    excluded: set[str] = set()
    for item in items:
        if item == "*all":
            chosen.update(everything)
        elif item == "*navigable":
            chosen.update(f for f in everything if f not in NOT_NAVIGABLE)
        elif item.startswith("-"):
            excluded.add(names.get(item[1:].lower(), item[1:]))
        else:
            chosen.add(item if item in everything else names.get(item.lower(), item))
    if not chosen and excluded:
        chosen.update(everything)
    return chosen - excluded


def bean(
    state: State,
    issue: Issue,
    base: str,
    v: str,
    fields: set[str],
    expand: set[str] | None = None,
    properties: list[str] | None = None,
) -> dict[str, Any]:
    expand = expand or set()
    out: dict[str, Any] = {
        "expand": "renderedFields,names,schema,operations,editmeta,changelog,versionedRepresentations",
        "id": issue.id,
        "self": f"{base}/rest/api/{v}/issue/{issue.id}",
        "key": issue.key,
    }
    wanted = fields - {"id", "key"}
    if wanted:
        full = all_fields(state, issue, base, v)
        out["fields"] = {k: val for k, val in full.items() if k in wanted}
    if "renderedFields" in expand:
        out["renderedFields"] = {"description": adf_to_html(issue.fields.get("description"))}
    if "names" in expand:
        names = state.site.field_names()
        out["names"] = {k: names[k] for k in out.get("fields", {}) if k in names}
    if "changelog" in expand:
        hist = [history(state, h, base, v) for h in issue.changelog]
        out["changelog"] = {"startAt": 0, "maxResults": len(hist), "total": len(hist), "histories": hist}
    if "transitions" in expand:
        from hirebridge.sims.jira.workflow import available_transitions

        out["transitions"] = available_transitions(state, issue, base, v)
    props = _wanted_properties(issue, properties)
    if props is not None:
        out["properties"] = props
    return out


def _wanted_properties(issue: Issue, requested: list[str] | None) -> dict[str, Any] | None:
    items = [p.strip() for r in requested or [] for p in str(r).split(",") if p.strip()]
    if not items:
        return None
    keys = set(issue.properties) if "*all" in items else {k for k in items if not k.startswith("-")}
    keys -= {k[1:] for k in items if k.startswith("-")}
    return {k: issue.properties[k] for k in sorted(keys) if k in issue.properties}


def history(state: State, h: dict[str, Any], base: str, v: str) -> dict[str, Any]:
    return {
        "id": h["id"],
        "author": render.user(state.site, h["author"], base, v),
        "created": state.stamp(h["created"]),
        "items": [{k: val for k, val in item.items() if val is not None} for item in h["items"]],
    }
