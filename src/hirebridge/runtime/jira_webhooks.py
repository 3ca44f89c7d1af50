"""Register the Jira admin webhook hirebridge needs, once per connection, with its secret.

Admin webhooks (`/rest/webhooks/1.0/webhook`; Atlassian's "Webhooks" guide for Jira Cloud,
https://developer.atlassian.com/cloud/jira/platform/webhooks/) need a Jira admin account
and do not expire. Their secret cannot be read back, so the one in use is kept in the store (or comes
from `jira.<name>.webhook_secret`). Running this at every start finds our webhook (by the id we
kept, else by its URL) and rewrites it in place: restarts never pile up duplicates, a changed public
URL moves it, and a webhook deleted in Jira's admin UI is re-created. Without admin rights (403), set
`register_webhook: false` and create it by hand with the URL, events and secret this module uses.
A connection an operator disconnected (`hirebridge connections disconnect jira:NAME`) is left alone
until it is connected again.
"""

from __future__ import annotations

import asyncio
import secrets
from collections.abc import Mapping
from typing import Any

import structlog
from psycopg_pool import AsyncConnectionPool

from hirebridge.config.models import Config
from hirebridge.connectors.errors import Unauthorized
from hirebridge.connectors.jira import JiraClient
from hirebridge.errors import loggable
from hirebridge.store import connection_state, jira_events
from hirebridge.store.jira_events import JiraWebhook

log = structlog.get_logger(__name__)
# Feedback comes as comments; a resolution as an issue update (a transition).
EVENTS = ("comment_created", "comment_updated", "jira:issue_updated")


def jira_webhook_url(public_url: str, connection: str) -> str:
    return f"{public_url.rstrip('/')}/webhooks/jira/{connection}"


def by_hand(config: Config, connection: str) -> str:
    """What a Jira administrator sets up when hirebridge's token has no admin rights."""
    url = jira_webhook_url(config.service.public_url, connection)
    return (
        f"a Jira administrator creates the webhook in Jira's settings (System → WebHooks): URL {url}, "
        f"events {', '.join(EVENTS)}, secret = jira.{connection}.webhook_secret; then set "
        f"jira.{connection}.register_webhook: false"
    )


def jira_webhook_id(hook: dict[str, Any]) -> str:
    # Jira answers with `self` ending in the id; some versions also give `id`.
    return str(hook.get("id") or str(hook.get("self", "")).rstrip("/").rsplit("/", 1)[-1])


async def ensure_jira_webhook(
    pool: AsyncConnectionPool,
    client: JiraClient,
    *,
    connection: str,
    url: str,
    configured_secret: str | None,
) -> JiraWebhook | None:
    """Make sure exactly one admin webhook of ours points at `url`, signed with the secret we verify;
    None when an operator disconnected the connection. Serialised across processes: two services
    starting at once would otherwise both create one, and a disconnect must not race a registration."""
    async with pool.connection() as conn, conn.transaction():
        await jira_events.lock_webhook_registration(conn, connection)
        if connection in await connection_state.disconnected(pool, "jira"):
            return None
        return await _ensure(
            pool, client, connection=connection, url=url, configured_secret=configured_secret
        )


async def remove_jira_webhook(
    pool: AsyncConnectionPool, client: JiraClient, *, connection: str, url: str
) -> int:
    """Delete our admin webhook from Jira (the one we registered, and any at `url`) and forget its
    secret; how many were deleted."""
    async with pool.connection() as conn, conn.transaction():
        await jira_events.lock_webhook_registration(conn, connection)
        stored = await jira_events.webhook(pool, connection)
        ours = [
            hook
            for hook in await client.webhooks()
            if (stored and jira_webhook_id(hook) == stored.webhook_id) or hook.get("url") == url
        ]
        for hook in ours:
            await client.delete_webhook(jira_webhook_id(hook))
        await jira_events.forget_webhook(pool, connection)
    log.info("removed the Jira webhook", connection=connection, removed=len(ours))
    return len(ours)


async def _ensure(
    pool: AsyncConnectionPool,
    client: JiraClient,
    *,
    connection: str,
    url: str,
    configured_secret: str | None,
) -> JiraWebhook:
    account_id = str((await client.myself()).get("accountId") or "") or None
    stored = await jira_events.webhook(pool, connection)
    secret = configured_secret or (stored.secret if stored else None) or secrets.token_urlsafe(32)
    body = {
        "name": f"hirebridge ({connection})",
        "url": url,
        "events": list(EVENTS),
        "filters": {},
        "excludeBody": False,
        "secret": secret,
    }
    # Ours: the one we registered before (even if the public URL changed since), and any at our URL.
    existing = await client.webhooks()
    known = next((h for h in existing if stored and jira_webhook_id(h) == stored.webhook_id), None)
    ours = [h for h in existing if h is known or h.get("url") == url]
    keep = known or (ours[0] if ours else None)
    for extra in ours:
        if extra is not keep:
            await client.delete_webhook(jira_webhook_id(extra))
            log.info("removed a duplicate Jira webhook", connection=connection)
    if keep is not None:
        # The secret cannot be read back: writing it again is the only way to know it is ours.
        webhook_id = jira_webhook_id(keep)
        await client.update_webhook(webhook_id, body)
    else:
        webhook_id = jira_webhook_id(await client.create_webhook(body))
        log.info("registered the Jira webhook", connection=connection)
    hook = JiraWebhook(webhook_id=webhook_id, url=url, secret=secret, account_id=account_id)
    await jira_events.save_webhook(pool, connection, hook)
    return hook


async def register_jira_webhooks(
    pool: AsyncConnectionPool,
    clients: Mapping[str, JiraClient],
    config: Config,
    *,
    retry_seconds: float = 15.0,
) -> None:
    """Keep trying until every Jira connection that registers its webhook has it; Jira may be down at
    start-up. A token without Jira admin rights (403) is not tried again: the log says what to set up
    by hand, and so does `hirebridge connections verify`."""
    pending = {name for name, c in config.jira.items() if c.register_webhook}
    while pending:
        pending -= await connection_state.disconnected(pool, "jira")
        for name in sorted(pending):
            secret = config.jira[name].webhook_secret
            try:
                await ensure_jira_webhook(
                    pool,
                    clients[name],
                    connection=name,
                    url=jira_webhook_url(config.service.public_url, name),
                    configured_secret=secret.get_secret_value() if secret else None,
                )
            except Unauthorized as exc:
                if exc.status != 403:
                    log.warning("jira webhook registration refused; will retry", connection=name)
                    continue
                log.error(
                    "the Jira token has no administrator rights: its admin webhook is not registered",
                    connection=name,
                    fix=by_hand(config, name),
                )
            except Exception as exc:
                log.warning(
                    "jira webhook registration failed; will retry", connection=name, error=loggable(exc)
                )
                continue
            pending.discard(name)
        if pending:
            await asyncio.sleep(retry_seconds)
