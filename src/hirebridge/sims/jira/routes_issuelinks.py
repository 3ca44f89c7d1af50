"""Issue links between two issues."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from hirebridge.sims.jira import ops, render
from hirebridge.sims.jira.errors import JiraError, not_found
from hirebridge.sims.jira.http import Ctx, body, ctx, empty, ok, platform
from hirebridge.sims.jira.state import Issue

LINK_FIELDS = ("globalId", "application", "relationship", "object")


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
        ("/issueLink", ["POST"], create_link),
        ("/issueLink/{id}", ["GET"], get_link),
        ("/issueLink/{id}", ["DELETE"], delete_link),
    ]
)
