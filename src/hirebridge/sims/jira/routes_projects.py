"""Projects, issue types, priorities, statuses, resolutions and link types."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from hirebridge.sims.jira import render
from hirebridge.sims.jira.errors import JiraError
from hirebridge.sims.jira.http import Ctx, ctx, int_param, ok, platform
from hirebridge.sims.jira.site import CATEGORIES

ARRAY_ITEMS = {"labels": "string", "subtasks": "issuelinks", "issuelinks": "issuelinks"}


def _project(c: Ctx, ref: str) -> dict[str, Any]:
    p = c.state.site.project(ref)
    if p is None:
        raise JiraError(404, [f"No project could be found with key '{ref}'."], {})
    return p


async def projects(request: Request) -> Response:
    c = ctx(request)
    return ok(
        [render.project(c.state.site, p, c.base, c.v, full=False) for p in c.state.site.projects.values()]
    )


async def project_search(request: Request) -> Response:
    c = ctx(request)
    keys = {k for v in request.query_params.getlist("keys") for k in v.split(",")}
    query = (request.query_params.get("query") or "").lower()
    found = [
        p
        for p in c.state.site.projects.values()
        if (not keys or p["key"] in keys) and (query in p["key"].lower() or query in p["name"].lower())
    ]
    start, limit = int_param(request, "startAt", 0), int_param(request, "maxResults", 50)
    page = found[start : start + limit]
    return ok(
        {
            "self": str(request.url),
            "maxResults": limit,
            "startAt": start,
            "total": len(found),
            "isLast": start + len(page) >= len(found),
            "values": [render.project(c.state.site, p, c.base, c.v) for p in page],
        }
    )


async def project_get(request: Request) -> Response:
    c = ctx(request)
    return ok(render.project(c.state.site, _project(c, request.path_params["key"]), c.base, c.v))


async def project_statuses(request: Request) -> Response:
    c = ctx(request)
    p = _project(c, request.path_params["key"])
    statuses = [render.status(s, c.base, c.v) for s in c.state.site.project_statuses(p)]
    return ok(
        [
            {
                "self": f"{c.base}/rest/api/{c.v}/issuetype/{t['id']}",
                "id": t["id"],
                "name": t["name"],
                "subtask": t["hierarchyLevel"] < 0,
                "statuses": statuses,
            }
            for t in c.state.site.project_types(p)
        ]
    )


async def issuetypes(request: Request) -> Response:
    c = ctx(request)
    return ok([render.issuetype(c.state.site, t, c.base, c.v) for t in c.state.site.issuetypes.values()])


async def issuetype_get(request: Request) -> Response:
    c = ctx(request)
    t = c.state.site.issuetypes.get(request.path_params["id"])
    if t is None:
        raise JiraError(404, ["The issue type ID is invalid."], {})
    return ok(render.issuetype(c.state.site, t, c.base, c.v))


async def priorities(request: Request) -> Response:
    c = ctx(request)
    out = []
    for p in c.state.site.seed["priorities"]:
        out.append(
            {
                **render.priority(p, c.base, c.v),
                "description": p.get("description", p["name"]),
                "statusColor": p.get("statusColor", "#999999"),
                "isDefault": bool(p.get("isDefault")),
            }
        )
    return ok(out)


async def statuses(request: Request) -> Response:
    c = ctx(request)
    return ok([render.status(s, c.base, c.v) for s in c.state.site.statuses.values()])


async def status_categories(request: Request) -> Response:
    c = ctx(request)
    return ok([render.category(k, c.base, c.v) for k in CATEGORIES])


async def resolutions(request: Request) -> Response:
    c = ctx(request)
    return ok(
        [render.resolution(c.state.site, r["name"], c.base, c.v) for r in c.state.site.seed["resolutions"]]
    )


async def link_types(request: Request) -> Response:
    c = ctx(request)
    types = [
        {**t, "self": f"{c.base}/rest/api/{c.v}/issueLinkType/{t['id']}"}
        for t in c.state.site.seed["linktypes"]
    ]
    return ok({"issueLinkTypes": types})


ROUTES = platform(
    [
        ("/project", ["GET"], projects),
        ("/project/search", ["GET"], project_search),
        ("/project/{key}", ["GET"], project_get),
        ("/project/{key}/statuses", ["GET"], project_statuses),
        ("/issuetype", ["GET"], issuetypes),
        ("/issuetype/{id}", ["GET"], issuetype_get),
        ("/priority", ["GET"], priorities),
        ("/status", ["GET"], statuses),
        ("/statuscategory", ["GET"], status_categories),
        ("/resolution", ["GET"], resolutions),
        ("/issueLinkType", ["GET"], link_types),
    ]
)
