"""The control API under `/_sim/`: reset, seed, state, faults, config, clock, logs and deliveries."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from hirebridge.sims.jira import issue_view, webhooks
from hirebridge.sims.jira.adf import adf_to_text
from hirebridge.sims.jira.errors import JiraError
from hirebridge.sims.jira.http import body, ok, plain
from hirebridge.sims.jira.seeding import load_issues
from hirebridge.sims.jira.site import Site
from hirebridge.sims.jira.state import DEFAULT_CONFIG, DEFAULT_FAULTS, Issue, State


def _state(request: Request) -> State:
    return request.app.state.sim


def _issue_state(state: State, issue: Issue, base: str) -> dict[str, Any]:
    site = state.site
    st = site.statuses[issue.status_id]
    parent = state.issues.get(issue.fields.get("parent") or "")
    fields = issue_view.all_fields(state, issue, base, "3")
    fields.pop("comment", None)
    return {
        "id": issue.id,
        "key": issue.key,
        "project": site.projects[issue.project_id]["key"],
        "issuetype": site.issuetypes[issue.type_id]["name"],
        "status": st["name"],
        "statusCategory": st["category"],
        "resolution": issue.fields.get("resolution"),
        "summary": issue.fields.get("summary"),
        "labels": list(issue.fields.get("labels", [])),
        "parent": parent.key if parent else None,
        "assignee": issue.fields.get("assignee"),
        "fields": fields,
        "comments": [
            {
                "id": c["id"],
                "author": c["author"],
                "body": c["body"],
                "text": adf_to_text(c["body"]),
                "public": c.get("public", True),
                "created": state.stamp(c["created"]),
            }
            for c in issue.comments
        ],
        "properties": dict(issue.properties),
        "remoteLinks": [dict(x) for x in issue.remote_links],
        "request": issue.fields.get("_request"),
    }


async def reset(request: Request) -> Response:
    state = _state(request)
    state.reset()
    load_issues(state)
    return ok({"ok": True})


async def seed(request: Request) -> Response:
    data = await body(request)
    try:
        Site.load(data)
    except (KeyError, TypeError, ValueError, StopIteration) as exc:
        raise JiraError(400, [f"Invalid seed: {exc!r}"], {}) from None
    state = _state(request)
    state.seed = data
    state.reset()
    load_issues(state)
    return ok({"ok": True})


async def get_seed(request: Request) -> Response:
    return ok(_state(request).site.seed)


async def snapshot(request: Request) -> Response:
    state = _state(request)
    base = str(request.base_url).rstrip("/")
    issues = [_issue_state(state, i, base) for i in state.issues.values()]
    requests = [i for i in issues if i["request"]]
    links = list(state.links.values())
    return ok(
        {
            "issues": issues,
            "requests": requests,
            "issueLinks": links,
            "webhooks": list(state.webhooks.values()),
            "now": state.stamp(),
        }
    )


def _merge(current: dict[str, Any], defaults: dict[str, Any], data: Any) -> dict[str, Any]:
    if not isinstance(data, dict):
        raise JiraError(400, ["Body must be a JSON object."], {})
    unknown = sorted(set(data) - set(defaults))
    if unknown:
        raise JiraError(400, [f"Unknown keys: {unknown}; known: {sorted(defaults)}"], {})
    current.update(data)
    return current


async def faults(request: Request) -> Response:
    state = _state(request)
    if request.method == "POST":
        _merge(state.faults, DEFAULT_FAULTS, await body(request))
    return ok(state.faults)


async def config(request: Request) -> Response:
    state = _state(request)
    if request.method == "POST":
        _merge(state.config, DEFAULT_CONFIG, await body(request))
    return ok(state.config)


async def clock(request: Request) -> Response:
    state = _state(request)
    data = await body(request, required=False) or {}
    state.clock_offset += float(data.get("advance_seconds") or 0)
    return ok({"now": state.stamp(), "offsetSeconds": state.clock_offset})


async def requests_log(request: Request) -> Response:
    state = _state(request)
    if request.method == "DELETE":
        state.requests.clear()
    return ok({"data": list(state.requests)})


async def stats(request: Request) -> Response:
    state = _state(request)
    if request.method == "DELETE":
        state.stats.clear()
        state.refused.clear()
    return ok(
        {
            "total": sum(state.stats.values()),
            "byRoute": dict(sorted(state.stats.items())),
            "refusedByRoute": dict(sorted(state.refused.items())),
            "writesInFlight": state.writes_in_flight,
        }
    )


async def deliveries(request: Request) -> Response:
    state = _state(request)
    data = [webhooks.public(d, state) for d in state.deliveries.values()]
    return ok({"data": data, "pending": len(webhooks.pending(state))})


async def redeliver(request: Request) -> Response:
    state = _state(request)
    old = state.deliveries.get(request.path_params["id"])
    if old is None:
        raise JiraError(404, ["No such delivery."], {})
    hook = state.webhooks.get(old["webhookId"]) or {"id": old["webhookId"], "url": old["url"]}
    new = webhooks.enqueue(
        state, {**hook, "url": old["url"]}, old["event"], old["payload"], old["identifier"]
    )
    return ok(webhooks.public(new, state), 202)


ROUTES = plain(
    [
        ("/_sim/reset", ["POST"], reset),
        ("/_sim/seed", ["POST"], seed),
        ("/_sim/seed", ["GET"], get_seed),
        ("/_sim/state", ["GET"], snapshot),
        ("/_sim/faults", ["GET", "POST"], faults),
        ("/_sim/config", ["GET", "POST"], config),
        ("/_sim/clock", ["POST"], clock),
        ("/_sim/requests", ["GET", "DELETE"], requests_log),
        ("/_sim/stats", ["GET", "DELETE"], stats),
        ("/_sim/deliveries", ["GET"], deliveries),
        ("/_sim/deliveries/{id}/redeliver", ["POST"], redeliver),
    ]
)
