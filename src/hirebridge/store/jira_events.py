"""Jira webhook events about linked issues, and the admin webhook hirebridge registered per connection."""

from __future__ import annotations

from dataclasses import dataclass

from psycopg import AsyncConnection
from psycopg.rows import class_row
from psycopg_pool import AsyncConnectionPool

from hirebridge.domain.subjects import Subject
from hirebridge.store.sql import QUERIES


@dataclass(frozen=True)
class JiraEvent:
    """What is kept of a delivery: ids only (the reconcile reads the content from Jira)."""

    connection: str
    identifier: str
    event: str
    issue_id: str | None
    issue_key: str | None
    comment_id: str | None


@dataclass(frozen=True)
class JiraWebhook:
    webhook_id: str
    url: str
    secret: str
    account_id: str | None


async def linked_subject(
    conn: AsyncConnection, connection: str, *, issue_id: str | None, issue_key: str | None
) -> Subject | None:
    """The Lever subject whose effect created this Jira issue, or None when hirebridge did not."""
    cur = await conn.execute(
        QUERIES["find_jira_linked_subject"],
        {"target": f"jira:{connection}", "issue_id": issue_id, "issue_key": issue_key},
    )
    row = await cur.fetchone()
    return Subject(row[0], row[1], row[2]) if row else None


async def store_event(conn: AsyncConnection, event: JiraEvent, subject: Subject) -> bool:
    """True when the delivery is new; False for a redelivery of one already stored."""
    cur = await conn.execute(
        QUERIES["insert_jira_event"],
        {
            "connection": event.connection,
            "identifier": event.identifier,
            "event": event.event,
            "issue_id": event.issue_id,
            "issue_key": event.issue_key,
            "comment_id": event.comment_id,
            "lever_connection": subject.connection,
            "subject_kind": subject.kind,
            "subject_id": subject.id,
        },
    )
    return await cur.fetchone() is not None


async def lock_webhook_registration(conn: AsyncConnection, connection: str) -> None:
    """Held until `conn`'s transaction ends."""
    await conn.execute(QUERIES["lock_jira_webhook_registration"], {"connection": connection})


async def webhook(pool: AsyncConnectionPool, connection: str) -> JiraWebhook | None:
    async with pool.connection() as conn, conn.cursor(row_factory=class_row(JiraWebhook)) as cur:
        await cur.execute(QUERIES["get_jira_webhook"], {"connection": connection})
        return await cur.fetchone()


async def save_webhook(pool: AsyncConnectionPool, connection: str, hook: JiraWebhook) -> None:
    async with pool.connection() as conn:
        await conn.execute(
            QUERIES["upsert_jira_webhook"],
            {
                "connection": connection,
                "webhook_id": hook.webhook_id,
                "url": hook.url,
                "secret": hook.secret,
                "account_id": hook.account_id,
            },
        )


async def forget_webhook(pool: AsyncConnectionPool, connection: str) -> None:
    async with pool.connection() as conn:
        await conn.execute(QUERIES["delete_jira_webhook"], {"connection": connection})
