"""Issue create (single and bulk), get, edit, delete and assign."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from hirebridge.sims.jira import issue_view, ops, webhooks
from hirebridge.sims.jira.errors import JiraError
from hirebridge.sims.jira.fields import FieldError, _user
from hirebridge.sims.jira.http import body, csv_params, ctx, empty, ok, platform
from hirebridge.sims.jira.state import Issue

BULK_LIMIT = 50


def created(base: str, v: str, issue: Issue, transition: dict[str, Any] | None) -> dict[str, Any]:
    out: dict[str, Any] = {"id": issue.id, "key": issue.key, "self": f"{base}/rest/api/{v}/issue/{issue.id}"}
    if transition is not None:
        out["transition"] = transition
    return out


async def create(request: Request) -> Response:
    c = ctx(request)
    issue, transition = ops.create_issue(c.state, await body(request), c.v, c.actor, c.base)
    return ok(created(c.base, c.v, issue, transition), 201)


async def create_bulk(request: Request) -> Response:
    c = ctx(request)
    data = await body(request)
    updates = data.get("issueUpdates") if isinstance(data, dict) else None
    if not isinstance(updates, list):
        return _bulk_refusal("Request must contain 'issueUpdates'.")
    if len(updates) > BULK_LIMIT:
        return _bulk_refusal(f"Number of issues exceeds the maximum allowed ({BULK_LIMIT}).")
    issues, errors = [], []
    for n, update in enumerate(updates):
        try:
            issue, transition = ops.create_issue(c.state, update, c.v, c.actor, c.base)
            issues.append(created(c.base, c.v, issue, transition))
        except JiraError as exc:
            errors.append({"status": exc.status, "failedElementNumber": n, "elementErrors": exc.body()})
    return ok({"issues": issues, "errors": errors}, 201 if issues or not updates else 400)


def _bulk_refusal(message: str) -> Response:
    # Jira answers a refused bulk request in the same shape as a per-element failure.
    error = {"status": 400, "elementErrors": {"errorMessages": [message], "errors": {}}}
    return ok({"issues": [], "errors": [error]}, 400)


async def get(request: Request) -> Response:
    c = ctx(request)
    issue = c.state.issue(request.path_params["key"])
    chosen = issue_view.select_fields(c.state, csv_params(request, "fields"), "*all")
    expand = set(csv_params(request, "expand") or [])
    out = issue_view.bean(c.state, issue, c.base, c.v, chosen, expand, csv_params(request, "properties"))
    return ok(out)


async def edit(request: Request) -> Response:
    c = ctx(request)
    issue = c.state.issue(request.path_params["key"])
    ops.edit_issue(c.state, issue, await body(request), c.v, c.actor, c.base)
    if request.query_params.get("returnIssue") == "true":
        chosen = issue_view.select_fields(c.state, None, "*all")
        return ok(issue_view.bean(c.state, issue, c.base, c.v, chosen))
    return empty()


async def delete(request: Request) -> Response:
    c = ctx(request)
    issue = c.state.issue(request.path_params["key"])
    children = [
        i
        for i in c.state.issues.values()
        if i.fields.get("parent") == issue.id and c.state.site.issuetypes[i.type_id]["hierarchyLevel"] < 0
    ]
    if children and request.query_params.get("deleteSubtasks") != "true":
        raise JiraError(
            400,
            [
                f"The issue '{issue.key}' has subtasks.  You must specify the 'deleteSubtasks' "
                "parameter to delete this issue and all its subtasks."
            ],
            {},
        )
    c.state.note_write(issue)
    for victim in [*children, issue]:
        webhooks.emit(c.state, "jira:issue_deleted", victim, c.base, c.actor, type_name="issue_deleted")
        del c.state.issues[victim.id]
        c.state.keys.pop(victim.key, None)
        c.state.unindex(victim.id)
    for link_id in [k for k, link in c.state.links.items() if issue.id in (link["inward"], link["outward"])]:
        del c.state.links[link_id]
    for other in c.state.issues.values():
        if other.fields.get("parent") == issue.id:
            other.fields["parent"] = None
    return empty()


async def assign(request: Request) -> Response:
    c = ctx(request)
    issue = c.state.issue(request.path_params["key"])
    data = await body(request)
    if not isinstance(data, dict) or "accountId" not in data:
        raise JiraError(400, ["You must specify an accountId."], {})
    account = data["accountId"]
    if account == "-1":
        account = None
    try:
        new = _user(c.state, {"accountId": account} if account else None, "assignee")
    except FieldError as exc:
        raise JiraError(400, [], {"assignee": str(exc)}) from None
    ops.edit_issue(
        c.state, issue, {"fields": {"assignee": {"accountId": new} if new else None}}, c.v, c.actor, c.base
    )
    return empty()


ROUTES = platform(
    [
        ("/issue", ["POST"], create),
        ("/issue/bulk", ["POST"], create_bulk),
        ("/issue/{key}", ["GET"], get),
        ("/issue/{key}", ["PUT"], edit),
        ("/issue/{key}", ["DELETE"], delete),
        ("/issue/{key}/assignee", ["PUT"], assign),
    ]
)
