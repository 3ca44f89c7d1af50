"""Site metadata: server info, users and fields."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from hirebridge.sims.jira import render
from hirebridge.sims.jira.errors import JiraError
from hirebridge.sims.jira.http import Ctx, ctx, int_param, ok, platform
from hirebridge.sims.jira.site import CUSTOM_TYPES, SYSTEM_FIELDS

ARRAY_ITEMS = {"labels": "string", "subtasks": "issuelinks", "issuelinks": "issuelinks"}


ARRAY_ITEMS = {"labels": "string", "subtasks": "issuelinks", "issuelinks": "issuelinks"}


async def server_info(request: Request) -> Response:
    c = ctx(request)
    return ok(
        {
            "baseUrl": c.base,
            "displayUrl": c.base,
            "version": "1001.0.0-SNAPSHOT",
            "versionNumbers": [1001, 0, 0],
            "deploymentType": "Cloud",
            "buildNumber": 100282,
            "buildDate": "2026-11-01T00:00:00.000+0000",
            "serverTime": c.state.stamp(),
            "scmInfo": "9d700605f271a8b0e0e0b8e6c6d1d2a6d0a1b2c3",
            "serverTitle": "Jira (simulated)",
        }
    )


async def myself(request: Request) -> Response:
    c = ctx(request)
    return ok(render.user(c.state.site, c.actor, c.base, c.v, viewer=c.actor))


async def user_get(request: Request) -> Response:
    c = ctx(request)
    found = render.user(c.state.site, request.query_params.get("accountId"), c.base, c.v, viewer=c.actor)
    if found is None:
        raise JiraError(404, ["Specified user does not exist or you do not have required permissions"], {})
    return ok(found)


async def user_search(request: Request) -> Response:
    c = ctx(request)
    query, account = request.query_params.get("query"), request.query_params.get("accountId")
    if (query is None) == (account is None):
        raise JiraError(
            400, ["One of 'query' or 'accountId' query parameters must be provided, but not both."], {}
        )
    site = c.state.site
    users = list(site.users.values())
    if account is not None:
        found = [u for u in users if u["accountId"] == account]
    else:
        q = query.strip().lower()  # type: ignore[union-attr]
        # A hidden email is not searchable (undocumented: the stricter choice, docs/sims/jira.md).
        emails = {u["accountId"]: (site.email_shown(u["accountId"], c.actor) or "").lower() for u in users}
        exact = [u for u in users if emails[u["accountId"]] and emails[u["accountId"]] == q]
        found = exact or [
            u
            for u in users
            if (emails[u["accountId"]] and emails[u["accountId"]].startswith(q))
            or any(w.lower().startswith(q) for w in [u["displayName"], *u["displayName"].split()])
        ]
    start, limit = int_param(request, "startAt", 0), int_param(request, "maxResults", 50)
    page = found[start : start + limit]
    return ok([render.user(site, u["accountId"], c.base, c.v, viewer=c.actor) for u in page])


async def users_search(request: Request) -> Response:
    """`GET /users/search`: every user of the site, a page at a time (a bare array, as `getAllUsers` in
    Atlassian's REST API v3 answers)."""
    c = ctx(request)
    start, limit = int_param(request, "startAt", 0), int_param(request, "maxResults", 50)
    page = list(c.state.site.users)[start : start + limit]
    return ok([render.user(c.state.site, a, c.base, c.v, viewer=c.actor) for a in page])


def field_details(c: Ctx) -> list[dict[str, Any]]:
    out = []
    for fid, name, kind in SYSTEM_FIELDS:
        schema: dict[str, Any] = {"type": kind, "system": fid}
        if fid in ARRAY_ITEMS:
            schema["items"] = ARRAY_ITEMS[fid]
        out.append(
            {
                "id": fid,
                "key": fid,
                "name": name,
                "custom": False,
                "orderable": fid not in ("status", "created"),
                "navigable": fid != "comment",
                "searchable": True,
                "clauseNames": [fid],
                "schema": schema,
            }
        )
    for fid, spec in c.state.site.custom_fields.items():
        kind, plugin = CUSTOM_TYPES[spec["type"]]
        number = int(fid.rsplit("_", 1)[1])
        out.append(
            {
                "id": fid,
                "key": fid,
                "name": spec["name"],
                "custom": True,
                "orderable": True,
                "navigable": True,
                "searchable": True,
                "clauseNames": [f"cf[{number}]", spec["name"]],
                "schema": {"type": kind, "custom": plugin, "customId": number},
            }
        )
    return out


async def fields(request: Request) -> Response:
    return ok(field_details(ctx(request)))


ROUTES = platform(
    [
        ("/serverInfo", ["GET"], server_info),
        ("/myself", ["GET"], myself),
        ("/user", ["GET"], user_get),
        ("/user/search", ["GET"], user_search),
        ("/users/search", ["GET"], users_search),
        ("/field", ["GET"], fields),
    ]
)
