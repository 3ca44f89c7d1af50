"""Jira Service Management (`/rest/servicedeskapi`): desks, request types, requests, comments, transitions."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from hirebridge.sims.jira import jsm_view as view
from hirebridge.sims.jira import ops, workflow
from hirebridge.sims.jira.adf import text_to_adf
from hirebridge.sims.jira.errors import JiraError
from hirebridge.sims.jira.http import Ctx, body, ctx, empty, ok, plain
from hirebridge.sims.jira.state import Issue

API = "/rest/servicedeskapi"


class JsmError(JiraError):
    def response(self) -> JSONResponse:
        message = " ".join([*self.messages, *self.errors.values()]) or "Bad request"
        data = {"errorMessage": message, "i18nErrorMessage": {"i18nKey": "sd.error", "parameters": []}}
        return JSONResponse(data, status_code=self.status, headers=self.headers)


def _desk(c: Ctx, desk_id: str) -> dict[str, Any]:
    desk = c.state.site.desks.get(desk_id) or next(
        (d for d in c.state.site.desks.values() if d["project"] == desk_id), None
    )
    if desk is None:
        raise JsmError(404, ["The service desk you are trying to view does not exist."])
    return desk


def _request(c: Ctx, ref: str) -> Issue:
    try:
        issue = c.state.issue(ref)
    except JiraError:
        issue = None
    if issue is None or not issue.fields.get("_request"):
        raise JsmError(404, ["The request does not exist or you do not have permission to see it."])
    return issue


async def desks(request: Request) -> Response:
    c = ctx(request)
    return ok(view.page(request, c, [view.desk(c, d) for d in c.state.site.desks.values()]))


async def desk_get(request: Request) -> Response:
    c = ctx(request)
    return ok(view.desk(c, _desk(c, request.path_params["desk"])))


async def request_types(request: Request) -> Response:
    c = ctx(request)
    desk = _desk(c, request.path_params["desk"])
    query = (request.query_params.get("searchQuery") or "").lower()
    found = [view.request_type(c, desk, rt) for rt in desk["requestTypes"] if query in rt["name"].lower()]
    return ok(view.page(request, c, found))


def _rt(c: Ctx, desk: dict[str, Any], rt_id: str) -> dict[str, Any]:
    rt = next((x for x in desk["requestTypes"] if x["id"] == rt_id), None)
    if rt is None:
        raise JsmError(404, ["The request type you are trying to view does not exist."])
    return rt


async def request_type_get(request: Request) -> Response:
    c = ctx(request)
    desk = _desk(c, request.path_params["desk"])
    return ok(view.request_type(c, desk, _rt(c, desk, request.path_params["rt"])))


async def request_type_fields(request: Request) -> Response:
    c = ctx(request)
    desk = _desk(c, request.path_params["desk"])
    rt = _rt(c, desk, request.path_params["rt"])
    return ok(
        {
            "requestTypeFields": [view.rt_field(c, rt, f) for f in rt["fields"]],
            "canRaiseOnBehalfOf": True,
            "canAddRequestParticipants": True,
        }
    )


async def create_request(request: Request) -> Response:
    c = ctx(request)
    data = await body(request)
    if not isinstance(data, dict):
        raise JsmError(400, ["The request body must be a JSON object."])
    desk = _desk(c, str(data.get("serviceDeskId") or ""))
    rt = _rt(c, desk, str(data.get("requestTypeId") or ""))
    values = dict(data.get("requestFieldValues") or {})
    missing = [f for f in rt.get("required", []) if not values.get(f)]
    unknown = [f for f in values if f not in rt["fields"]]
    if missing or unknown:
        problems = [f"Field '{f}' is required." for f in missing]
        problems += [f"Field '{f}' is not valid for this request type." for f in unknown]
        raise JsmError(400, problems)
    reporter = c.actor
    if data.get("raiseOnBehalfOf"):
        found = c.state.site.users.get(data["raiseOnBehalfOf"]) or c.state.site.user_by_email(
            data["raiseOnBehalfOf"]
        )
        if found is None:
            raise JsmError(400, ["The user you are raising this request on behalf of does not exist."])
        reporter = found["accountId"]
    version = "3" if data.get("isAdfRequest") else "2"
    project = c.state.site.project(desk["project"]) or {}
    fields = {
        "project": {"key": project.get("key")},
        "issuetype": {"id": rt.get("issueTypeId", "10020")},
        **values,
    }
    try:
        issue, _ = ops.create_issue(c.state, {"fields": fields}, version, c.actor, c.base)
    except JiraError as exc:
        raise JsmError(exc.status, exc.messages, exc.errors) from None
    issue.fields["reporter"] = reporter
    issue.fields["_request"] = {
        "serviceDeskId": desk["id"],
        "requestTypeId": rt["id"],
        "participants": list(data.get("requestParticipants") or []),
    }
    c.state.reindex(issue)
    return ok(view.customer_request(c, issue), 201)


async def list_requests(request: Request) -> Response:
    c = ctx(request)
    desk_id = request.query_params.get("serviceDeskId")
    found = [
        i
        for i in c.state.issues.values()
        if i.fields.get("_request") and (desk_id is None or i.fields["_request"]["serviceDeskId"] == desk_id)
    ]
    return ok(view.page(request, c, [view.customer_request(c, i) for i in found]))


async def get_request(request: Request) -> Response:
    c = ctx(request)
    return ok(view.customer_request(c, _request(c, request.path_params["key"])))


async def request_status(request: Request) -> Response:
    c = ctx(request)
    return ok(view.page(request, c, view.status_history(c, _request(c, request.path_params["key"]))))


async def comments(request: Request) -> Response:
    c = ctx(request)
    issue = _request(c, request.path_params["key"])
    public = request.query_params.get("public", "true") != "false"
    internal = request.query_params.get("internal", "true") != "false"
    found = [
        x
        for x in issue.comments
        if (x.get("public", True) and public) or (not x.get("public", True) and internal)
    ]
    return ok(view.page(request, c, [view.comment(c, issue, x) for x in found]))


async def add_comment(request: Request) -> Response:
    c = ctx(request)
    issue = _request(c, request.path_params["key"])
    data = await body(request)
    text = data.get("body") if isinstance(data, dict) else None
    if not isinstance(text, str) or not text.strip():
        raise JsmError(400, ["The comment body must not be empty."])
    c.state.note_write(issue)
    made = ops.add_comment(
        c.state, issue, text_to_adf(text), c.actor, c.base, public=bool(data.get("public", True))
    )
    return ok(view.comment(c, issue, made), 201)


async def get_comment(request: Request) -> Response:
    c = ctx(request)
    issue = _request(c, request.path_params["key"])
    found = next((x for x in issue.comments if x["id"] == request.path_params["id"]), None)
    if found is None:
        raise JsmError(404, ["The comment does not exist."])
    return ok(view.comment(c, issue, found))


async def transitions(request: Request) -> Response:
    c = ctx(request)
    issue = _request(c, request.path_params["key"])
    return ok(
        view.page(
            request, c, [{"id": t["id"], "name": t["name"]} for t in workflow.transitions_for(c.state, issue)]
        )
    )


async def do_transition(request: Request) -> Response:
    c = ctx(request)
    issue = _request(c, request.path_params["key"])
    data = await body(request)
    try:
        ops.transition(
            c.state, issue, {"transition": {"id": str((data or {}).get("id"))}}, "2", c.actor, c.base
        )
    except JiraError as exc:
        raise JsmError(exc.status, exc.messages, exc.errors) from None
    extra = ((data or {}).get("additionalComment") or {}).get("body")
    if extra:
        ops.add_comment(c.state, issue, text_to_adf(str(extra)), c.actor, c.base)
    return empty()


ROUTES = plain(
    [
        (API + "/servicedesk", ["GET"], desks),
        (API + "/servicedesk/{desk}", ["GET"], desk_get),
        (API + "/servicedesk/{desk}/requesttype", ["GET"], request_types),
        (API + "/servicedesk/{desk}/requesttype/{rt}", ["GET"], request_type_get),
        (API + "/servicedesk/{desk}/requesttype/{rt}/field", ["GET"], request_type_fields),
        (API + "/request", ["POST"], create_request),
        (API + "/request", ["GET"], list_requests),
        (API + "/request/{key}", ["GET"], get_request),
        (API + "/request/{key}/status", ["GET"], request_status),
        (API + "/request/{key}/comment", ["GET"], comments),
        (API + "/request/{key}/comment", ["POST"], add_comment),
        (API + "/request/{key}/comment/{id}", ["GET"], get_comment),
        (API + "/request/{key}/transition", ["GET"], transitions),
        (API + "/request/{key}/transition", ["POST"], do_transition),
    ]
)
