"""Remote links (upsert by globalId), issue links, entity properties and watchers."""

from __future__ import annotations

import json
from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from hirebridge.sims.jira import ops, render
from hirebridge.sims.jira.errors import JiraError, not_found
from hirebridge.sims.jira.http import Ctx, body, ctx, empty, ok, platform
from hirebridge.sims.jira.state import Issue

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


async def list_properties(request: Request) -> Response:
    c = ctx(request)
    issue = c.state.issue(request.path_params["key"])
    return ok(
        {
            "keys": [
                {"key": k, "self": f"{c.base}/rest/api/{c.v}/issue/{issue.id}/properties/{k}"}
                for k in issue.properties
            ]
        }
    )


async def get_property(request: Request) -> Response:
    c = ctx(request)
    issue = c.state.issue(request.path_params["key"])
    key = request.path_params["prop"]
    if key not in issue.properties:
        raise JiraError(404, [f"The property with key '{key}' does not exist."], {})
    return ok({"key": key, "value": issue.properties[key]})


async def put_property(request: Request) -> Response:
    c = ctx(request)
    issue = c.state.issue(request.path_params["key"])
    key = request.path_params["prop"]
    value = await body(request)
    if len(key) > 255:
        raise JiraError(400, ["The property key can not be longer than 255 characters."], {})
    if len(json.dumps(value)) > 32768:
        raise JiraError(400, ["The property value can not be longer than 32768 characters."], {})
    c.state.note_write(issue)
    status = 200 if key in issue.properties else 201
    issue.properties[key] = value
    c.state.reindex(issue)
    return empty(status)


async def delete_property(request: Request) -> Response:
    c = ctx(request)
    issue = c.state.issue(request.path_params["key"])
    key = request.path_params["prop"]
    if key not in issue.properties:
        raise JiraError(404, [f"The property with key '{key}' does not exist."], {})
    c.state.note_write(issue)
    del issue.properties[key]
    c.state.reindex(issue)
    return empty()


def _ref(c: Ctx, ref: Any, side: str) -> Issue:
    key = (ref.get("key") or ref.get("id")) if isinstance(ref, dict) else None
    if not key:
        raise JiraError(400, [], {side: f"'{side}' is required."})
    return c.state.issue(str(key))


async def create_link(request: Request) -> Response:
    c = ctx(request)
    data = await body(request)
    ltype = c.state.site.linktype(data.get("type") or {})
    if ltype is None:
        raise JiraError(
            404, [f"No issue link type with name '{(data.get('type') or {}).get('name')}' found."], {}
        )
    inward, outward = (
        _ref(c, data.get("inwardIssue"), "inwardIssue"),
        _ref(c, data.get("outwardIssue"), "outwardIssue"),
    )
    same = [
        x
        for x in c.state.links.values()
        if (x["type"], x["inward"], x["outward"]) == (ltype["id"], inward.id, outward.id)
    ]
    if not same:
        link_id = c.state.next_id("issuelink")
        c.state.links[link_id] = {
            "id": link_id,
            "type": ltype["id"],
            "inward": inward.id,
            "outward": outward.id,
        }
        for issue in (inward, outward):
            ops.record(c.state, issue, c.actor, [], c.base, "issue_updated")
    comment = data.get("comment")
    if isinstance(comment, dict) and comment.get("body"):
        from hirebridge.sims.jira.adf import rich_input

        ops.add_comment(c.state, inward, rich_input(comment["body"], "comment", c.v) or {}, c.actor, c.base)
    return empty(201)


def _link(c: Ctx, link_id: str) -> dict[str, Any]:
    if link_id not in c.state.links:
        raise not_found("No issue link with id '" + link_id + "' exists.")
    return c.state.links[link_id]


async def get_link(request: Request) -> Response:
    c = ctx(request)
    link = _link(c, request.path_params["id"])
    t = c.state.site.linktype({"id": link["type"]}) or {}
    return ok(
        {
            "id": link["id"],
            "self": f"{c.base}/rest/api/{c.v}/issueLink/{link['id']}",
            "type": {**t, "self": f"{c.base}/rest/api/{c.v}/issueLinkType/{t['id']}"},
            "inwardIssue": render.issue_ref(c.state, c.state.issues[link["inward"]], c.base, c.v),
            "outwardIssue": render.issue_ref(c.state, c.state.issues[link["outward"]], c.base, c.v),
        }
    )


async def delete_link(request: Request) -> Response:
    c = ctx(request)
    link = _link(c, request.path_params["id"])
    del c.state.links[link["id"]]
    return empty()


ROUTES = platform(
    [
        ("/issue/{key}/remotelink", ["GET"], list_remote),
        ("/issue/{key}/remotelink", ["POST"], upsert_remote),
        ("/issue/{key}/remotelink", ["DELETE"], delete_remote),
        ("/issue/{key}/remotelink/{id}", ["GET"], get_remote),
        ("/issue/{key}/remotelink/{id}", ["PUT"], put_remote),
        ("/issue/{key}/remotelink/{id}", ["DELETE"], delete_remote),
        ("/issue/{key}/properties", ["GET"], list_properties),
        ("/issue/{key}/properties/{prop}", ["GET"], get_property),
        ("/issue/{key}/properties/{prop}", ["PUT"], put_property),
        ("/issue/{key}/properties/{prop}", ["DELETE"], delete_property),
        ("/issueLink", ["POST"], create_link),
        ("/issueLink/{id}", ["GET"], get_link),
        ("/issueLink/{id}", ["DELETE"], delete_link),
    ]
)
