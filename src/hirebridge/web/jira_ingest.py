"""POST /webhooks/jira/{connection}: verify, keep events about linked issues once, queue a reconcile.

Jira signs the raw body with the admin webhook's secret (`X-Hub-Signature`) and repeats
`X-Atlassian-Webhook-Identifier` on every retry, so that identifier is the dedupe key. An event is
only a hint that a linked issue changed: the reconcile reads the issue's comments and status from
Jira itself, so a lost, late or reordered event cannot lose or duplicate feedback.
"""

from __future__ import annotations

import hashlib
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse

from hirebridge.domain.adf import adf_to_text
from hirebridge.domain.subjects import carries_marker, is_jira_id, is_jira_key
from hirebridge.runtime.jira_events import JiraEvent, keep_event
from hirebridge.web.bodies import BadBody, parse_json, read_body
from hirebridge.web.metrics import WEBHOOKS


def _reject(status: int, reason: str, metric: str) -> JSONResponse:
    WEBHOOKS.labels("jira", metric).inc()
    return JSONResponse({"error": reason}, status_code=status)


def _ignore(reason: str, metric: str) -> JSONResponse:
    WEBHOOKS.labels("jira", metric).inc()
    return JSONResponse({"status": "ignored", "reason": reason})


def _text(body: Any) -> str:
    # Webhook bodies carry the v2 representation (a string); v3 would be ADF.
    if isinstance(body, dict):
        return adf_to_text(body)
    return body if isinstance(body, str) else ""


def parse_event(payload: Any, connection: str, identifier: str) -> JiraEvent | str:
    """The ids of an event, or why the body is malformed."""
    if not isinstance(payload, dict):
        return "the body must be a JSON object"
    event = payload.get("webhookEvent")
    if not isinstance(event, str) or not event:
        return "missing field 'webhookEvent'"
    issue = payload.get("issue")
    if issue is not None and not isinstance(issue, dict):
        return "field 'issue' must be an object"
    comment = payload.get("comment")
    if comment is not None and not isinstance(comment, dict):
        return "field 'comment' must be an object"
    issue = issue or {}
    issue_id, issue_key = _id_text(issue.get("id")), issue.get("key")
    comment_id = _id_text((comment or {}).get("id"))
    if issue_id is not None and not is_jira_id(issue_id):
        return "field 'issue.id' is not a Jira id (a number)"
    if issue_key is not None and not is_jira_key(issue_key):
        return "field 'issue.key' is not a Jira issue key (like PROJ-123)"
    if comment_id is not None and not is_jira_id(comment_id):
        return "field 'comment.id' is not a Jira id (a number)"
    if len(event) > 100 or not event.isprintable():
        return "field 'webhookEvent' is not a Jira event name"
    if len(identifier) > 200 or not identifier.isprintable():
        return "header X-Atlassian-Webhook-Identifier is not a Jira identifier"
    return JiraEvent(
        connection=connection,
        identifier=identifier,
        event=event,
        issue_id=issue_id,
        issue_key=issue_key,
        comment_id=comment_id,
    )


def _id_text(value: Any) -> Any:
    """Jira sends ids as strings ("10001"); a number is read as its digits."""
    return str(value) if isinstance(value, int) and not isinstance(value, bool) else value


def own_write(payload: dict[str, Any], own_account: str | None) -> bool:
    """An event hirebridge caused itself: a comment carrying its marker, or a change made with its own
    account. Reacting would only cost a reconcile that finds nothing to do."""
    comment = payload.get("comment")
    if isinstance(comment, dict) and carries_marker(_text(comment.get("body"))):
        return True
    user = payload.get("user")
    return bool(
        own_account
        and not isinstance(comment, dict)
        and isinstance(user, dict)
        and user.get("accountId") == own_account
    )


async def receive_jira_webhook(request: Request) -> JSONResponse:
    connection: str = request.path_params["connection"]
    state = request.app.state
    if connection not in state.config.jira:
        return _reject(404, f"no Jira connection named '{connection}' in the config", "unknown-connection")
    header = request.headers.get("x-hub-signature")
    if not header:
        return _reject(401, "missing X-Hub-Signature", "unsigned")
    try:
        body = await read_body(request)
    except BadBody as exc:
        return _reject(exc.status, str(exc), "malformed")
    problem = await state.jira_secrets.verify(connection, body, header)
    if problem:
        return _reject(401, problem, "bad-signature")
    try:
        payload = parse_json(body)
    except BadBody as exc:
        return _reject(exc.status, str(exc), "malformed")
    # Jira always sends the identifier; without one, the body itself identifies a redelivery.
    identifier = request.headers.get("x-atlassian-webhook-identifier") or (
        "sha256:" + hashlib.sha256(body).hexdigest()
    )
    event = parse_event(payload, connection, identifier)
    if isinstance(event, str):
        return _reject(400, event, "malformed")
    if event.issue_id is None and event.issue_key is None:
        return _ignore("the event names no issue", "no-issue")
    hook = await state.jira_secrets.stored(connection)
    if own_write(payload, hook.account_id if hook else None):
        return _ignore("hirebridge's own change", "own-write")
    stored = await keep_event(state.pool, event)
    if stored is None:
        return _ignore("the issue is not linked to a Lever subject", "unlinked")
    WEBHOOKS.labels("jira", "accepted" if stored else "duplicate").inc()
    return JSONResponse({"status": "accepted" if stored else "duplicate"})
