"""Comments and transitions of an issue."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from hirebridge.sims.jira import issue_view, ops, workflow
from hirebridge.sims.jira.adf import rich_input
from hirebridge.sims.jira.errors import JiraError
from hirebridge.sims.jira.http import body, csv_params, ctx, empty, int_param, ok, platform
from hirebridge.sims.jira.state import Issue


def _find(issue: Issue, comment_id: str) -> dict[str, Any]:
    found = next((c for c in issue.comments if c["id"] == comment_id), None)
    if found is None:
        raise JiraError(404, ["Can not find a comment for the id: " + comment_id + "."], {})
    return found


async def list_comments(request: Request) -> Response:
    c = ctx(request)
    issue = c.state.issue(request.path_params["key"])
    order = request.query_params.get("orderBy", "created")
    if order not in ("created", "-created", "+created"):
        raise JiraError(400, ["Invalid orderBy value. Valid values are: created, -created, +created."], {})
    comments = sorted(issue.comments, key=lambda x: (x["created"], int(x["id"])), reverse=order == "-created")
    start, limit = int_param(request, "startAt", 0), int_param(request, "maxResults", 100)
    rendered = "renderedBody" in (csv_params(request, "expand") or [])
    page = comments[start : start + limit]
    return ok(
        {
            "startAt": start,
            "maxResults": limit,
            "total": len(comments),
            "comments": [issue_view.comment(c.state, issue, x, c.base, c.v, rendered) for x in page],
        }
    )


def _body(data: Any, v: str) -> dict[str, Any]:
    if not isinstance(data, dict) or "body" not in data:
        raise JiraError(400, [], {"comment": "Comment body can not be empty!"})
    adf = rich_input(data["body"], "comment", v)
    if adf is None or not adf.get("content"):
        raise JiraError(400, [], {"comment": "Comment body can not be empty!"})
    return adf


async def add_comment(request: Request) -> Response:
    c = ctx(request)
    issue = c.state.issue(request.path_params["key"])
    data = await body(request)
    adf = _body(data, c.v)
    c.state.note_write(issue)
    made = ops.add_comment(c.state, issue, adf, c.actor, c.base, visibility=data.get("visibility"))
    rendered = "renderedBody" in (csv_params(request, "expand") or [])
    return ok(issue_view.comment(c.state, issue, made, c.base, c.v, rendered), 201)


async def get_comment(request: Request) -> Response:
    c = ctx(request)
    issue = c.state.issue(request.path_params["key"])
    return ok(issue_view.comment(c.state, issue, _find(issue, request.path_params["id"]), c.base, c.v))


async def update_comment(request: Request) -> Response:
    c = ctx(request)
    issue = c.state.issue(request.path_params["key"])
    found = _find(issue, request.path_params["id"])
    adf = _body(await body(request), c.v)
    c.state.note_write(issue)
    ops.update_comment(c.state, issue, found, adf, c.actor, c.base)
    return ok(issue_view.comment(c.state, issue, found, c.base, c.v))


async def delete_comment(request: Request) -> Response:
    c = ctx(request)
    issue = c.state.issue(request.path_params["key"])
    found = _find(issue, request.path_params["id"])
    c.state.note_write(issue)
    issue.comments.remove(found)
    issue.updated = c.state.now()
    c.state.reindex(issue)
    return empty()


async def get_transitions(request: Request) -> Response:
    c = ctx(request)
    issue = c.state.issue(request.path_params["key"])
    found = workflow.available_transitions(c.state, issue, c.base, c.v)
    wanted = request.query_params.get("transitionId")
    if wanted is not None:
        found = [t for t in found if t["id"] == wanted]
    return ok({"expand": "transitions", "transitions": found})


async def do_transition(request: Request) -> Response:
    c = ctx(request)
    issue = c.state.issue(request.path_params["key"])
    ops.transition(c.state, issue, await body(request), c.v, c.actor, c.base)
    return empty()


ROUTES = platform(
    [
        ("/issue/{key}/comment", ["GET"], list_comments),
        ("/issue/{key}/comment", ["POST"], add_comment),
        ("/issue/{key}/comment/{id}", ["GET"], get_comment),
        ("/issue/{key}/comment/{id}", ["PUT"], update_comment),
        ("/issue/{key}/comment/{id}", ["DELETE"], delete_comment),
        ("/issue/{key}/transitions", ["GET"], get_transitions),
        ("/issue/{key}/transitions", ["POST"], do_transition),
    ]
)
