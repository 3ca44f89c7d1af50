"""`hirebridge connections verify`: per connection, reachable, authenticated, webhooks registered and
verified end to end. Lever has no API to send its test ping, so hirebridge sends the same ping Lever
would (signed with the stored token, `data: {}`) to its own public webhook address: it passes only if
the address reaches a running service that holds the token Lever signs with."""

from __future__ import annotations

import json
import secrets
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

import httpx2

from hirebridge.connectors.errors import ConnectorError, TransientError, Unauthorized
from hirebridge.connectors.justworks import JustworksClient
from hirebridge.domain.signature import hub_signature, lever_signature
from hirebridge.runtime.jira_webhooks import by_hand, jira_webhook_id, jira_webhook_url
from hirebridge.runtime.oauth_vault import justworks_oauth
from hirebridge.runtime.service import Service
from hirebridge.runtime.webhooks import events_for, webhook_url
from hirebridge.store import connection_state, jira_events, lever_webhooks

# Where a Lever Super Admin turns webhook events on (Lever's "Webhooks via the API": webhooks made
# through the API send nothing until then).
LEVER_SETTINGS = "Settings → Integrations and API → Webhooks"


@dataclass
class ConnectionReport:
    connection: str  # "lever:main"
    checks: dict[str, tuple[bool | None, str]] = field(default_factory=dict)  # None: does not apply

    @property
    def ok(self) -> bool:
        return all(ok is not False for ok, _ in self.checks.values())

    def as_dict(self) -> dict[str, Any]:
        return {"connection": self.connection, "ok": self.ok} | {
            name: {"ok": ok, "detail": detail} for name, (ok, detail) in self.checks.items()
        }


async def _reachable(http: httpx2.AsyncClient, base_url: str) -> tuple[bool, str]:
    try:
        answer = await http.get(base_url)
    except httpx2.HTTPError as exc:
        return False, f"{base_url}: {type(exc).__name__} {exc}".strip()
    return True, f"{base_url} answered {answer.status_code}"


async def _authenticated(call: Callable[[], Awaitable[Any]]) -> tuple[bool, str, Any]:
    try:
        return True, "credentials accepted", await call()
    except TransientError as exc:
        return False, f"could not tell: {exc}", None
    except ConnectorError as exc:
        return False, str(exc), None


async def _ping(http: httpx2.AsyncClient, url: str, body: bytes, headers: dict[str, str]) -> str | None:
    try:
        answer = await http.post(url, content=body, headers={"Content-Type": "application/json", **headers})
    except httpx2.HTTPError as exc:
        return f"{url} did not answer ({type(exc).__name__}): is the service running there?"
    return None if answer.status_code == 200 else f"{url} answered {answer.status_code}: {answer.text[:200]}"


async def check_lever(service: Service, name: str, http: httpx2.AsyncClient) -> ConnectionReport:
    report = ConnectionReport(f"lever:{name}")
    settings = service.config.lever[name]
    if name in await connection_state.disconnected(service.pool, "lever"):
        report.checks["connected"] = (None, "disconnected by an operator: `hirebridge connections connect`")
        return report
    report.checks["reachable"] = await _reachable(http, settings.base_url)
    ok, detail, live = await _authenticated(service.lever[name].client.webhooks)
    report.checks["authenticated"] = (ok, detail)
    if not ok:
        return report
    if not settings.register_webhooks:
        report.checks["webhooks registered"] = (None, "register_webhooks is off: webhooks are made by hand")
        return report
    url = webhook_url(service.config.service.public_url, name)
    stored = await lever_webhooks.registered(service.pool, name)
    live_ids = {str(h["id"]) for h in live if h.get("url") == url}
    needed = events_for(service.config, name)
    missing = [e for e in needed if e not in stored or stored[e].webhook_id not in live_ids]
    report.checks["webhooks registered"] = (
        (False, f"missing in Lever: {', '.join(missing)} (created again within "
         f"{settings.webhook_check_interval_seconds:g} s, or now by `hirebridge sweep`)")
        if missing else (True, f"{len(needed)} events at {url}")
    )  # fmt: skip
    problems = []
    for event in (e for e in needed if e in stored):
        token, at = secrets.token_hex(12), int(time.time() * 1000)
        signature = lever_signature(stored[event].signature_token, token, at)
        body = {"token": token, "triggeredAt": at, "event": event, "signature": signature, "data": {}}
        problem = await _ping(http, url, json.dumps(body).encode(), {})
        if problem:
            problems.append(f"{event}: {problem}")
    report.checks["webhooks verified"] = (
        (False, "; ".join(problems)) if problems else (True, f"signed test pings accepted at {url}")
    )
    report.checks["webhooks delivered"] = delivered_check(
        [e for e in await lever_webhooks.not_delivered(service.pool, name) if e in needed], url
    )
    return report


def delivered_check(waiting: list[str], url: str) -> tuple[bool | None, str]:
    """Lever says nothing about its settings through the API: an event it never delivered since our
    webhook was made is either still off in Lever's settings or has not happened yet."""
    notes = []
    if waiting:
        notes.append(
            f"nothing delivered yet for {', '.join(waiting)}: a Lever Super Admin must turn these events "
            f"on in {LEVER_SETTINGS} (webhooks made through the API send nothing until then); an event "
            "that has not happened in Lever yet is listed too"
        )
    if not url.startswith("https://"):
        notes.append(
            f"{url} is plain HTTP: Lever delivers webhooks only over HTTPS with a certificate from a "
            "public CA; serve public_url behind TLS"
        )
    if notes:
        return None, "; ".join(notes)
    return True, "Lever has delivered every event since the webhooks were made"


async def check_jira(service: Service, name: str, http: httpx2.AsyncClient) -> ConnectionReport:
    report = ConnectionReport(f"jira:{name}")
    settings = service.config.jira[name]
    report.checks["reachable"] = await _reachable(http, settings.base_url)
    ok, detail, _ = await _authenticated(service.jira[name].myself)
    report.checks["authenticated"] = (ok, detail)
    if settings.register_webhook and name in await connection_state.disconnected(service.pool, "jira"):
        report.checks["webhooks registered"] = (
            None,
            f"disconnected by an operator (no Jira events): `hirebridge connections connect jira:{name}`",
        )
        return report
    stored = await jira_events.webhook(service.pool, name)
    secret = settings.webhook_secret.get_secret_value() if settings.webhook_secret else None
    secret = secret or (stored.secret if stored else None)
    if ok and settings.register_webhook:
        report.checks["webhooks registered"] = await _jira_registered(service, name, stored)
    if secret is None:
        report.checks["webhooks verified"] = (None, "no webhook secret known yet")
        return report
    # An event that names no issue: checked and acknowledged, nothing stored.
    body = json.dumps({"webhookEvent": "hirebridge:ping", "timestamp": int(time.time() * 1000)}).encode()
    url = jira_webhook_url(service.config.service.public_url, name)
    problem = await _ping(http, url, body, {"X-Hub-Signature": hub_signature(secret, body)})
    report.checks["webhooks verified"] = (problem is None, problem or f"signed test event accepted at {url}")
    return report


async def _jira_registered(
    service: Service, name: str, stored: jira_events.JiraWebhook | None
) -> tuple[bool, str]:
    try:
        live = await service.jira[name].webhooks()
    except Unauthorized as exc:
        if exc.status == 403:
            return (
                False,
                f"this token's Jira user is not a Jira administrator: {by_hand(service.config, name)}",
            )
        return False, str(exc)
    except ConnectorError as exc:
        return False, f"could not list Jira's admin webhooks: {exc}"
    if stored is not None and stored.webhook_id in {jira_webhook_id(h) for h in live}:
        return True, f"admin webhook {stored.webhook_id}"
    return False, "no admin webhook of ours in Jira: restart the service to register it"


async def check_justworks(service: Service, name: str) -> ConnectionReport:
    report = ConnectionReport(f"justworks:{name}")
    settings = service.config.justworks[name]
    client = JustworksClient(settings, auth=justworks_oauth(service.pool, name, settings))
    try:
        async with httpx2.AsyncClient(timeout=10) as http:
            report.checks["reachable"] = await _reachable(http, settings.base_url)
        ok, detail, company = await _authenticated(client.company)
        if ok:
            departments, offices = len(company.get("departments") or ()), len(company.get("offices") or ())
            detail = f"connected; the company lists {departments} departments and {offices} offices"
        report.checks["authenticated"] = (ok, detail)
    finally:
        await client.aclose()
    return report


async def check_all(service: Service) -> list[ConnectionReport]:
    async with httpx2.AsyncClient(timeout=10) as http:
        reports = [await check_lever(service, n, http) for n in service.config.lever]
        reports += [await check_jira(service, n, http) for n in service.config.jira]
    reports += [await check_justworks(service, n) for n in service.config.justworks]
    return reports
