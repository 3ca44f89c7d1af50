"""Admin webhooks: payloads as Jira builds them, signed, delivered in the background with retries."""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import hmac
import json
import uuid
from typing import Any

import httpx2

from hirebridge.sims.jira import issue_view, jql, render
from hirebridge.sims.jira.state import Issue, State

RETRYABLE = {408, 409, 425, 429}
ISSUE_FIELDS = ("summary", "status", "issuetype", "priority", "assignee", "project")


def payload(
    state: State,
    event: str,
    issue: Issue,
    base: str,
    actor: str,
    changelog: dict[str, Any] | None,
    comment: dict[str, Any] | None,
    type_name: str,
) -> dict[str, Any]:
    fields = issue_view.all_fields(state, issue, base, "2")
    ref = {"id": issue.id, "self": f"{base}/rest/api/2/issue/{issue.id}", "key": issue.key}
    body: dict[str, Any] = {"timestamp": int(state.now() * 1000), "webhookEvent": event}
    if event.startswith("comment_"):
        body["comment"] = issue_view.comment(state, issue, comment or {}, base, "2")
        body["issue"] = {**ref, "fields": {k: fields[k] for k in ISSUE_FIELDS}}
        return body
    body["issue_event_type_name"] = type_name
    body["user"] = render.user(state.site, actor, base, "2")
    body["issue"] = {**ref, "fields": fields}
    if changelog:
        body["changelog"] = changelog
    if comment:
        body["comment"] = issue_view.comment(state, issue, comment, base, "2")
    return body


def _matches(state: State, hook: dict[str, Any], event: str, issue: Issue) -> bool:
    if event not in hook["events"]:
        return False
    query = (hook.get("filters") or {}).get("issue-related-events-section") or ""
    if not query.strip():
        return True
    try:
        return jql.matches(state, jql.parse(query, require_bound=False), issue)
    except Exception:
        return False


def emit(
    state: State,
    event: str,
    issue: Issue,
    base: str,
    actor: str,
    *,
    changelog: dict[str, Any] | None = None,
    comment: dict[str, Any] | None = None,
    type_name: str = "issue_updated",
) -> None:
    hooks = [
        h for h in state.webhooks.values() if h.get("enabled", True) and _matches(state, h, event, issue)
    ]
    if not hooks:
        return
    body = payload(state, event, issue, base, actor, changelog, comment, type_name)
    for hook in hooks:
        identifier = str(uuid.uuid4())
        copies = 2 if state.rng.random() < float(state.faults.get("webhook_duplicate") or 0) else 1
        dropped = state.rng.random() < float(state.faults.get("webhook_drop") or 0)
        for _ in range(copies):
            enqueue(state, hook, event, body, identifier, dropped=dropped)


def enqueue(
    state: State,
    hook: dict[str, Any],
    event: str,
    body: dict[str, Any],
    identifier: str,
    dropped: bool = False,
) -> dict[str, Any]:
    delivery = {
        "id": state.next_id("delivery", 1),
        "webhookId": hook["id"],
        "event": event,
        "url": hook["url"],
        "identifier": identifier,
        "status": "dropped" if dropped else "pending",
        "attempts": [],
        "nextAttemptAt": state.now(),
        "payload": body,
    }
    state.deliveries[delivery["id"]] = delivery
    if not dropped:
        _ensure_worker(state)
    return delivery


def _ensure_worker(state: State) -> None:
    if state.worker is None or state.worker.done():
        with contextlib.suppress(RuntimeError):
            state.worker = asyncio.get_running_loop().create_task(_run(state))


def pending(state: State) -> list[dict[str, Any]]:
    return [d for d in state.deliveries.values() if d["status"] == "pending"]


async def _run(state: State) -> None:
    timeout = float(state.config.get("webhook_timeout_seconds", 10.0))
    async with httpx2.AsyncClient(timeout=httpx2.Timeout(timeout, connect=min(timeout, 5.0))) as client:
        while waiting := pending(state):
            due = [d for d in waiting if d["nextAttemptAt"] <= state.now()]
            for delivery in sorted(due, key=lambda d: int(d["id"])):
                if delivery["status"] == "pending":
                    await _attempt(state, client, delivery)
            if not due:
                await asyncio.sleep(0.02)


async def _attempt(state: State, client: httpx2.AsyncClient, delivery: dict[str, Any]) -> None:
    hook = state.webhooks.get(delivery["webhookId"]) or {}
    raw = json.dumps(delivery["payload"], separators=(",", ":")).encode()
    retry = len(delivery["attempts"])
    headers = {
        "Content-Type": "application/json; charset=utf-8",
        "User-Agent": "Atlassian Webhook HTTP Client",
        "X-Atlassian-Webhook-Identifier": delivery["identifier"],
        "X-Atlassian-Webhook-Flow": "Primary",
    }
    if retry:
        headers["X-Atlassian-Webhook-Retry"] = str(retry)
    if hook.get("secret"):
        digest = hmac.new(hook["secret"].encode(), raw, hashlib.sha256).hexdigest()
        headers["X-Hub-Signature"] = f"sha256={digest}"
    attempt: dict[str, Any] = {"at": state.stamp(), "retry": retry, "statusCode": None, "error": None}
    try:
        response = await client.post(delivery["url"], content=raw, headers=headers)
        attempt["statusCode"] = response.status_code
        code = response.status_code
    except httpx2.HTTPError as exc:
        attempt["error"] = type(exc).__name__
        code = None
    delivery["attempts"].append(attempt)
    if code is not None and 200 <= code < 300:
        delivery["status"] = "delivered"
    elif code is None or code in RETRYABLE or code >= 500:
        if retry < int(state.config.get("webhook_max_retries", 5)):
            gap = float(state.config.get("webhook_retry_base_seconds", 2.0)) * (2**retry)
            delivery["nextAttemptAt"] = state.now() + gap
        else:
            delivery["status"] = "failed"
    else:
        delivery["status"] = "failed"


def public(delivery: dict[str, Any], state: State) -> dict[str, Any]:
    out = {k: v for k, v in delivery.items() if k != "nextAttemptAt"}
    if delivery["status"] == "pending":
        out["nextAttemptAt"] = state.stamp(delivery["nextAttemptAt"])
    return out
