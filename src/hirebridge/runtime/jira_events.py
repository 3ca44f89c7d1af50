"""Jira webhook events as they arrive: the secret each delivery must be signed with, and an event about
a linked issue kept once, its subject's reconcile queued in the same transaction."""

from __future__ import annotations

from psycopg_pool import AsyncConnectionPool

from hirebridge.domain.signature import verify_hub_signature
from hirebridge.runtime.queue import defer_reconcile
from hirebridge.store import jira_events, subjects
from hirebridge.store.jira_events import JiraEvent

__all__ = ["JiraEvent", "JiraSecrets", "keep_event"]  # JiraEvent: what the web hands in


async def keep_event(pool: AsyncConnectionPool, event: JiraEvent) -> bool | None:
    """True when kept, False for a redelivery, None when the issue is linked to no Lever subject."""
    async with pool.connection() as conn, conn.transaction():
        subject = await jira_events.linked_subject(
            conn, event.connection, issue_id=event.issue_id, issue_key=event.issue_key
        )
        if subject is None:
            return None
        stored = await jira_events.store_event(conn, event, subject)
        if stored and await subjects.hint(conn, subject):
            await defer_reconcile(subject, connection=conn)
    return stored


class JiraSecrets:
    """Per connection: the secret deliveries are signed with (the config's, else the one generated at
    registration) and hirebridge's own account id. Stored values are re-read when they do not match,
    since another process may have registered the webhook since."""

    def __init__(self, pool: AsyncConnectionPool, configured: dict[str, str | None]) -> None:
        self._pool = pool
        self._configured = configured
        self._stored: dict[str, jira_events.JiraWebhook | None] = {}

    async def stored(self, connection: str, *, fresh: bool = False) -> jira_events.JiraWebhook | None:
        if fresh or self._stored.get(connection) is None:
            self._stored[connection] = await jira_events.webhook(self._pool, connection)
        return self._stored[connection]

    async def verify(self, connection: str, body: bytes, header: str) -> str | None:
        """None when the signature holds; else why it does not."""
        configured = self._configured.get(connection)
        if configured:
            return None if verify_hub_signature(configured, body, header) else "signature does not match"
        for fresh in (False, True):
            hook = await self.stored(connection, fresh=fresh)
            if hook is not None and verify_hub_signature(hook.secret, body, header):
                return None
        if (await self.stored(connection)) is None:
            return "no webhook secret for this connection yet (set jira.<name>.webhook_secret)"
        return "signature does not match"
