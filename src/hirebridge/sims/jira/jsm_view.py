"""Service Management representations: pages, desks, request types, customer requests, comments."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from starlette.requests import Request

from hirebridge.sims.jira.adf import adf_to_text
from hirebridge.sims.jira.errors import JiraError
from hirebridge.sims.jira.http import Ctx, int_param
from hirebridge.sims.jira.render import avatars
from hirebridge.sims.jira.routes_meta import field_details
from hirebridge.sims.jira.state import Issue

CATEGORY = {"new": "NEW", "indeterminate": "INDETERMINATE", "done": "DONE"}


def page(request: Request, c: Ctx, items: list[Any]) -> dict[str, Any]:
    start, limit = int_param(request, "start", 0), int_param(request, "limit", 50)
    if start < 0 or limit < 1:
        raise JiraError(400, ["start and limit must be positive."], {})
    chunk = items[start : start + limit]
    links: dict[str, str] = {"base": c.base, "context": "", "self": str(request.url)}
    if start + len(chunk) < len(items):
        links["next"] = str(request.url.include_query_params(start=start + limit, limit=limit))
    if start > 0:
        links["prev"] = str(request.url.include_query_params(start=max(0, start - limit), limit=limit))
    return {
        "_expands": [],
        "size": len(chunk),
        "start": start,
        "limit": limit,
        "isLastPage": start + len(chunk) >= len(items),
        "_links": links,
        "values": chunk,
    }


def date(when: float) -> dict[str, Any]:
    moment = datetime.fromtimestamp(when, UTC)
    return {
        "iso8601": moment.strftime("%Y-%m-%dT%H:%M:%S+0000"),
        "jira": moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}+0000",
        "friendly": moment.strftime("%d/%b/%y %I:%M %p"),
        "epochMillis": int(when * 1000),
    }


def user(c: Ctx, account_id: str | None) -> dict[str, Any] | None:
    u = c.state.site.users.get(account_id or "")
    if u is None:
        return None
    return {
        "accountId": u["accountId"],
        **({"emailAddress": u["email"]} if c.state.site.email_shown(u["accountId"]) else {}),
        "displayName": u["displayName"],
        "active": True,
        "timeZone": "Etc/UTC",
        "_links": {
            "jiraRest": f"{c.base}/rest/api/2/user?accountId={u['accountId']}",
            "avatarUrls": avatars(c.base, "user", u["accountId"]),
            "self": f"{c.base}/rest/api/2/user?accountId={u['accountId']}",
        },
    }


def desk(c: Ctx, d: dict[str, Any]) -> dict[str, Any]:
    p = c.state.site.project(d["project"]) or {}
    return {
        "id": d["id"],
        "projectId": p.get("id"),
        "projectKey": p.get("key"),
        "projectName": p.get("name"),
        "_links": {"self": f"{c.base}/rest/servicedeskapi/servicedesk/{d['id']}"},
    }


def request_type(c: Ctx, d: dict[str, Any], rt: dict[str, Any]) -> dict[str, Any]:
    return {
        "_expands": [],
        "id": rt["id"],
        "_links": {"self": f"{c.base}/rest/servicedeskapi/servicedesk/{d['id']}/requesttype/{rt['id']}"},
        "name": rt["name"],
        "description": rt.get("description", ""),
        "helpText": rt.get("helpText", ""),
        "issueTypeId": rt.get("issueTypeId", "10020"),
        "serviceDeskId": d["id"],
        "portalId": d["id"],
        "groupIds": [],
        "restrictionStatus": "OPEN",
        "icon": {"id": "10500", "_links": {"iconUrls": avatars(c.base, "requesttype", rt["id"])}},
    }


def rt_field(c: Ctx, rt: dict[str, Any], fid: str) -> dict[str, Any]:
    details = {d["id"]: d for d in field_details(c)}
    spec = c.state.site.custom_fields.get(fid, {})
    valid = [{"value": o["id"], "label": o["value"], "children": []} for o in spec.get("options", [])]
    return {
        "fieldId": fid,
        "name": details[fid]["name"],
        "description": "",
        "required": fid in rt.get("required", []),
        "defaultValues": [],
        "validValues": valid,
        "presetValues": [],
        "jiraSchema": details[fid]["schema"],
        "visible": True,
    }


def _field_value(c: Ctx, issue: Issue, fid: str) -> Any:
    value = issue.fields.get(fid)
    spec = c.state.site.custom_fields.get(fid)
    if value is None:
        return None
    if fid == "description" or (spec and spec["type"] == "textarea"):
        return adf_to_text(value)
    if spec and spec["type"] == "select":
        opt = next((o for o in spec["options"] if o["id"] == value), None)
        return opt and {"self": f"{c.base}/rest/api/2/customFieldOption/{opt['id']}", **opt}
    return value


def customer_request(c: Ctx, issue: Issue) -> dict[str, Any]:
    meta = issue.fields["_request"]
    rt = c.state.site.request_type(meta["requestTypeId"])
    names = c.state.site.field_names()
    st = c.state.site.statuses[issue.status_id]
    values = [
        {"fieldId": f, "label": names.get(f, f), "value": _field_value(c, issue, f)}
        for f in (rt[1]["fields"] if rt else ["summary"])
    ]
    status_when = issue.changelog[-1]["created"] if issue.changelog else issue.created
    return {
        "_expands": [
            "participant",
            "status",
            "sla",
            "requestType",
            "serviceDesk",
            "attachment",
            "action",
            "comment",
        ],
        "issueId": issue.id,
        "issueKey": issue.key,
        "requestTypeId": meta["requestTypeId"],
        "serviceDeskId": meta["serviceDeskId"],
        "createdDate": date(issue.created),
        "reporter": user(c, issue.fields.get("reporter")),
        "requestFieldValues": values,
        "currentStatus": {
            "status": st["name"],
            "statusCategory": CATEGORY[st["category"]],
            "statusDate": date(status_when),
        },
        "_links": {
            "jiraRest": f"{c.base}/rest/api/2/issue/{issue.id}",
            "web": f"{c.base}/servicedesk/customer/portal/{meta['serviceDeskId']}/{issue.key}",
            "agent": f"{c.base}/browse/{issue.key}",
            "self": f"{c.base}/rest/servicedeskapi/request/{issue.id}",
        },
    }


def status_history(c: Ctx, issue: Issue) -> list[dict[str, Any]]:
    site = c.state.site
    wf = site.workflow(site.projects[issue.project_id])
    out = [{"status": wf["initial"], "statusCategory": "NEW", "statusDate": date(issue.created)}]
    for h in issue.changelog:
        for item in h["items"]:
            if item["field"] == "status":
                st = site.statuses[item["to"]]
                out.append(
                    {
                        "status": st["name"],
                        "statusCategory": CATEGORY[st["category"]],
                        "statusDate": date(h["created"]),
                    }
                )
    return list(reversed(out))


def comment(c: Ctx, issue: Issue, x: dict[str, Any]) -> dict[str, Any]:
    return {
        "_expands": ["attachment", "renderedBody"],
        "id": x["id"],
        "body": adf_to_text(x["body"]) or "",
        "public": x.get("public", True),
        "author": user(c, x["author"]),
        "created": date(x["created"]),
        "_links": {"self": f"{c.base}/rest/servicedeskapi/request/{issue.id}/comment/{x['id']}"},
    }
