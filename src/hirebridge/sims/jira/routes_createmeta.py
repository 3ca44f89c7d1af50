"""Create metadata: the issue types of a project and the fields each one takes."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from hirebridge.sims.jira import render
from hirebridge.sims.jira.errors import JiraError
from hirebridge.sims.jira.http import Ctx, ctx, int_param, ok, platform
from hirebridge.sims.jira.routes_meta import field_details

CREATE_FIELDS = [
    "summary",
    "issuetype",
    "project",
    "parent",
    "description",
    "priority",
    "assignee",
    "reporter",
    "labels",
    "duedate",
    "environment",
]


def _page(request: Request, key: str, items: list[Any]) -> dict[str, Any]:
    start, limit = int_param(request, "startAt", 0), int_param(request, "maxResults", 50)
    if limit > 200:
        raise JiraError(400, ["Parameter 'maxResults' must not exceed the limit '200'"], {})
    return {key: items[start : start + limit], "maxResults": limit, "startAt": start, "total": len(items)}


def _project(c: Ctx, ref: str) -> dict[str, Any]:
    p = c.state.site.project(ref)
    if p is None:
        raise JiraError(404, [f"No project could be found with key '{ref}'."], {})
    return p


async def issuetypes(request: Request) -> Response:
    c = ctx(request)
    p = _project(c, request.path_params["project"])
    types = [render.issuetype(c.state.site, t, c.base, c.v) for t in c.state.site.project_types(p)]
    for t in types:
        t.pop("entityId", None)
        t.pop("scope", None)
    return ok(_page(request, "issueTypes", types))


def _allowed(c: Ctx, fid: str, p: dict[str, Any], t: dict[str, Any]) -> list[dict[str, Any]] | None:
    site = c.state.site
    if fid == "priority":
        return [render.priority(x, c.base, c.v) for x in site.seed["priorities"]]
    if fid == "issuetype":
        return [render.issuetype(site, t, c.base, c.v)]
    if fid == "project":
        return [render.project(site, p, c.base, c.v, full=False)]
    if fid in site.custom_fields and site.custom_fields[fid]["type"] == "select":
        return [
            {"self": f"{c.base}/rest/api/{c.v}/customFieldOption/{o['id']}", **o}
            for o in site.custom_fields[fid]["options"]
        ]
    return None


async def fields(request: Request) -> Response:
    c = ctx(request)
    p = _project(c, request.path_params["project"])
    t = next((x for x in c.state.site.project_types(p) if x["id"] == request.path_params["type"]), None)
    if t is None:
        raise JiraError(404, ["Issue type with id '" + request.path_params["type"] + "' does not exist."], {})
    details = {d["id"]: d for d in field_details(c)}
    wanted = [f for f in CREATE_FIELDS if f != "parent" or t["hierarchyLevel"] < 1] + list(
        c.state.site.custom_fields
    )
    out = []
    for fid in wanted:
        d = details[fid]
        meta: dict[str, Any] = {
            "fieldId": fid,
            "key": fid,
            "name": d["name"],
            "required": fid in ("summary", "issuetype", "project")
            or (fid == "parent" and t["hierarchyLevel"] < 0),
            "hasDefaultValue": fid in ("priority", "reporter"),
            "operations": ["add", "set", "remove"] if fid == "labels" else ["set"],
            "schema": d["schema"],
        }
        allowed = _allowed(c, fid, p, t)
        if allowed is not None:
            meta["allowedValues"] = allowed
        if fid in ("assignee", "reporter"):
            meta["autoCompleteUrl"] = f"{c.base}/rest/api/{c.v}/user/search?query="
        out.append(meta)
    return ok(_page(request, "fields", out))


ROUTES = platform(
    [
        ("/issue/createmeta/{project}/issuetypes", ["GET"], issuetypes),
        ("/issue/createmeta/{project}/issuetypes/{type}", ["GET"], fields),
    ]
)
