"""Remote links of an issue, upserted by `globalId`."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from hirebridge.sims.jira.errors import JiraError
from hirebridge.sims.jira.http import Ctx, body, ctx, empty, ok, platform
from hirebridge.sims.jira.state import Issue

LINK_FIELDS = ("globalId", "application", "relationship", "object")


LINK_FIELDS = ("globalId", "application", "relationship", "object")


def _link_json(c: Ctx, issue: Issue, link: dict[str, Any]) -> dict[str, Any]:
    out = {"id": link["id"], "self": f"{c.base}/rest/api/{c.v}/issue/{issue.key}/remotelink/{link['id']}"}
    out.update({k: link[k] for k in LINK_FIELDS if link.get(k) is not None})
    return out


async def list_remote(request: Request) -> Response:
    c = ctx(request)
    issue = c.state.issue(request.path_params["key"])
    gid = request.query_params.get("globalId")
    if gid is None:
        return ok([_link_json(c, issue, x) for x in issue.remote_links])
    found = next((x for x in issue.remote_links if x["globalId"] == gid), None)
    if found is None:
        raise JiraError(404, ["No remote link with the given globalId exists on this issue."], {})
    return ok(_link_json(c, issue, found))


def _validated(data: Any) -> dict[str, Any]:
    obj = data.get("object") if isinstance(data, dict) else None
    if not isinstance(obj, dict):
        raise JiraError(400, [], {"object": "'object' is required."})
    errors = {k: f"'{k}' is required." for k in ("url", "title") if not obj.get(k)}
    if errors:
        raise JiraError(400, [], errors)
    if len(str(data.get("globalId") or "")) > 255:
        raise JiraError(400, [], {"globalId": "The globalId must not be longer than 255 characters."})
    return {k: data.get(k) for k in LINK_FIELDS}


async def upsert_remote(request: Request) -> Response:
    c = ctx(request)
    issue = c.state.issue(request.path_params["key"])
    values = _validated(await body(request))
    c.state.note_write(issue)
    existing = next(
        (x for x in issue.remote_links if values["globalId"] and x["globalId"] == values["globalId"]), None
    )
    if existing is not None:
        existing.update(values)
        status, link = 200, existing
    else:
        link = {"id": int(c.state.next_id("remotelink")), **values}
        issue.remote_links.append(link)
        status = 201
    c.state.reindex(issue)
    return ok({"id": link["id"], "self": _link_json(c, issue, link)["self"]}, status)


def _remote(issue: Issue, link_id: str) -> dict[str, Any]:
    found = next((x for x in issue.remote_links if str(x["id"]) == link_id), None)
    if found is None:
        raise JiraError(404, ["Remote link does not exist."], {})
    return found


async def get_remote(request: Request) -> Response:
    c = ctx(request)
    issue = c.state.issue(request.path_params["key"])
    return ok(_link_json(c, issue, _remote(issue, request.path_params["id"])))


async def put_remote(request: Request) -> Response:
    c = ctx(request)
    issue = c.state.issue(request.path_params["key"])
    link = _remote(issue, request.path_params["id"])
    values = _validated(await body(request))
    c.state.note_write(issue)
    link.update(values)
    return empty()


async def delete_remote(request: Request) -> Response:
    c = ctx(request)
    issue = c.state.issue(request.path_params["key"])
    if "id" in request.path_params:
        doomed = [_remote(issue, request.path_params["id"])]
    else:
        gid = request.query_params.get("globalId")
        doomed = [x for x in issue.remote_links if x["globalId"] == gid]
        if not gid or not doomed:
            raise JiraError(404, ["No remote link with the given globalId exists on this issue."], {})
    c.state.note_write(issue)
    issue.remote_links = [x for x in issue.remote_links if x not in doomed]
    return empty()


ROUTES = platform(
    [
        ("/issue/{key}/remotelink", ["GET"], list_remote),
        ("/issue/{key}/remotelink", ["POST"], upsert_remote),
        ("/issue/{key}/remotelink", ["DELETE"], delete_remote),
        ("/issue/{key}/remotelink/{id}", ["GET"], get_remote),
        ("/issue/{key}/remotelink/{id}", ["PUT"], put_remote),
        ("/issue/{key}/remotelink/{id}", ["DELETE"], delete_remote),
    ]
)
