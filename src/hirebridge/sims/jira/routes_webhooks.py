"""Admin webhook registration: `/rest/webhooks/1.0/webhook`."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from hirebridge.sims.jira import jql
from hirebridge.sims.jira.errors import JiraError
from hirebridge.sims.jira.http import Ctx, body, ctx, empty, ok, plain

EVENTS = {
    "jira:issue_created",
    "jira:issue_updated",
    "jira:issue_deleted",
    "comment_created",
    "comment_updated",
    "comment_deleted",
    "issue_property_set",
    "issue_property_deleted",
    "issuelink_created",
    "issuelink_deleted",
}
PATH = "/rest/webhooks/1.0/webhook"


def _admin(c: Ctx) -> None:
    """Admin webhooks need Jira administrator rights (Atlassian's webhooks guide,
    https://developer.atlassian.com/cloud/jira/platform/webhooks/); the wording is this simulator's."""
    if not c.state.site.is_admin(c.actor):
        refusal = "You do not have permission to manage webhooks: Jira administrator rights are required."
        raise JiraError(403, [refusal], {})


def _json(c: Ctx, hook: dict[str, Any]) -> dict[str, Any]:
    out = {k: v for k, v in hook.items() if k != "secret"}
    out["self"] = f"{c.base}{PATH}/{hook['id']}"
    out["lastUpdatedUser"] = hook["lastUpdatedUser"]
    return out


def _validated(c: Ctx, data: Any, hook_id: str) -> dict[str, Any]:
    if not isinstance(data, dict):
        raise JiraError(400, ["The request body must be a JSON object."], {})
    url = data.get("url")
    if not isinstance(url, str) or not url.startswith(("http://", "https://")):
        raise JiraError(400, [], {"url": "The webhook URL must be a valid http(s) URL."})
    events = data.get("events") or []
    bad = [e for e in events if e not in EVENTS]
    if not isinstance(events, list) or not events or bad:
        raise JiraError(
            400, [], {"events": f"Unsupported webhook events: {bad}" if bad else "Events are required."}
        )
    filters = data.get("filters") or {}
    query = filters.get("issue-related-events-section") if isinstance(filters, dict) else None
    if query:
        jql.validate(c.state, jql.parse(query, require_bound=False))
    return {
        "id": hook_id,
        "name": str(data.get("name") or url),
        "url": url,
        "events": events,
        "filters": filters,
        "excludeBody": bool(data.get("excludeBody", False)),
        "enabled": bool(data.get("enabled", True)),
        "secret": data.get("secret") or None,
        "lastUpdatedUser": c.actor,
        "lastUpdated": int(c.state.now() * 1000),
    }


async def register(request: Request) -> Response:
    c = ctx(request)
    _admin(c)
    hook = _validated(c, await body(request), c.state.next_id("webhook", 1))
    c.state.webhooks[hook["id"]] = hook
    return ok(_json(c, hook), 201)


async def listing(request: Request) -> Response:
    c = ctx(request)
    _admin(c)
    return ok([_json(c, h) for h in c.state.webhooks.values()])


def _hook(c: Ctx, hook_id: str) -> dict[str, Any]:
    _admin(c)
    if hook_id not in c.state.webhooks:
        raise JiraError(404, [f"Webhook with id {hook_id} does not exist."], {})
    return c.state.webhooks[hook_id]


async def get_one(request: Request) -> Response:
    c = ctx(request)
    return ok(_json(c, _hook(c, request.path_params["id"])))


async def update(request: Request) -> Response:
    c = ctx(request)
    old = _hook(c, request.path_params["id"])
    hook = _validated(c, await body(request), old["id"])
    hook["secret"] = hook["secret"] or old.get("secret")
    c.state.webhooks[old["id"]] = hook
    return ok(_json(c, hook))


async def remove(request: Request) -> Response:
    c = ctx(request)
    del c.state.webhooks[_hook(c, request.path_params["id"])["id"]]
    return empty()


ROUTES = plain(
    [
        (PATH, ["POST"], register),
        (PATH, ["GET"], listing),
        (PATH + "/{id}", ["GET"], get_one),
        (PATH + "/{id}", ["PUT"], update),
        (PATH + "/{id}", ["DELETE"], remove),
    ]
)
