"""Connecting and disconnecting a connection (`hirebridge connections`): the disconnected mark every
process honours, the webhooks registered or removed, the OAuth tokens forgotten. A disconnect is
marked first, so that no process registers the webhooks again while they are being removed."""

from __future__ import annotations

import os

from psycopg_pool import AsyncConnectionPool

from hirebridge.config.secret_key import TokenCipher
from hirebridge.runtime.jira_webhooks import (
    ensure_jira_webhook,
    jira_webhook_url,
    remove_jira_webhook,
)
from hirebridge.runtime.oauth_vault import StoredTokenVault
from hirebridge.runtime.service import Service
from hirebridge.runtime.webhooks import remove_lever_webhooks, repair_lever_webhooks, webhook_url
from hirebridge.store import connection_state
from hirebridge.store.jira_events import JiraWebhook


async def disconnected(pool: AsyncConnectionPool, kind: str) -> set[str]:
    """The connections of `kind` (lever, jira, justworks) an operator disconnected."""
    return await connection_state.disconnected(pool, kind)


async def connect_lever_with_key(service: Service, name: str) -> int:
    """An API-key connection: undo a disconnect and register the webhooks; how many are registered."""
    await connection_state.set_disconnected(service.pool, "lever", name, False)
    if not service.config.lever[name].register_webhooks:
        return 0
    return len((await repair_lever_webhooks(service, name)).kept)


async def connect_jira(service: Service, name: str) -> JiraWebhook | None:
    """Undo a disconnect and register Jira's webhook; None when disconnected again meanwhile. Raises
    `ConnectorError` when Jira refuses (a running service keeps trying)."""
    await connection_state.set_disconnected(service.pool, "jira", name, False)
    secret = service.config.jira[name].webhook_secret
    return await ensure_jira_webhook(
        service.pool,
        service.jira[name],
        connection=name,
        url=jira_webhook_url(service.config.service.public_url, name),
        configured_secret=secret.get_secret_value() if secret else None,
    )


async def disconnect_lever(service: Service, name: str) -> int:
    """Mark it disconnected, remove our webhooks from Lever (how many; raises `ConnectorError` when
    Lever refuses, after the tokens are forgotten) and forget its OAuth tokens."""
    await connection_state.set_disconnected(service.pool, "lever", name, True)
    url = webhook_url(service.config.service.public_url, name)
    try:
        return await remove_lever_webhooks(service.pool, service.lever[name].client, connection=name, url=url)
    finally:
        if service.config.lever[name].oauth is not None:
            await StoredTokenVault(service.pool, name, TokenCipher.from_env(os.environ)).forget()


async def disconnect_justworks(service: Service, name: str) -> None:
    await connection_state.set_disconnected(service.pool, "justworks", name, True)
    cipher = TokenCipher.from_env(os.environ)
    await StoredTokenVault(service.pool, f"justworks:{name}", cipher, "justworks").forget()


async def disconnect_jira(service: Service, name: str) -> int:
    """Mark it disconnected and remove our webhook from Jira (how many removed). Raises
    `ConnectorError` when Jira refuses: it is no longer registered again all the same."""
    await connection_state.set_disconnected(service.pool, "jira", name, True)
    url = jira_webhook_url(service.config.service.public_url, name)
    return await remove_jira_webhook(service.pool, service.jira[name], connection=name, url=url)
