"""Lever webhooks hirebridge registered, with each one's signature token."""

from __future__ import annotations

from dataclasses import dataclass

from psycopg import AsyncConnection
from psycopg.rows import class_row
from psycopg_pool import AsyncConnectionPool

from hirebridge.store.sql import QUERIES


@dataclass(frozen=True)
class RegisteredWebhook:
    event: str
    webhook_id: str
    url: str
    signature_token: str


async def lock_registration(conn: AsyncConnection) -> None:
    """Held until `conn`'s transaction ends, so that two services starting together do not both create."""
    await conn.execute(QUERIES["lock_lever_webhook_registration"])


async def registered(pool: AsyncConnectionPool, connection: str) -> dict[str, RegisteredWebhook]:
    async with pool.connection() as conn, conn.cursor(row_factory=class_row(RegisteredWebhook)) as cur:
        await cur.execute(QUERIES["list_lever_webhooks"], {"connection": connection})
        return {hook.event: hook for hook in await cur.fetchall()}


async def save(pool: AsyncConnectionPool, connection: str, hook: RegisteredWebhook) -> None:
    async with pool.connection() as conn:
        await conn.execute(
            QUERIES["upsert_lever_webhook"],
            {
                "connection": connection,
                "event": hook.event,
                "webhook_id": hook.webhook_id,
                "url": hook.url,
                "signature_token": hook.signature_token,
            },
        )


async def not_delivered(pool: AsyncConnectionPool, connection: str) -> list[str]:
    """Events of our webhooks that Lever has delivered nothing for since the webhook was made."""
    async with pool.connection() as conn:
        cur = await conn.execute(QUERIES["lever_webhooks_not_delivered"], {"connection": connection})
        return [str(row[0]) for row in await cur.fetchall()]


async def mark_delivered(
    pool: AsyncConnectionPool, connection: str, event: str, signature_token: str
) -> None:
    async with pool.connection() as conn:
        await conn.execute(
            QUERIES["mark_lever_webhook_delivered"],
            {"connection": connection, "event": event, "signature_token": signature_token},
        )


async def forget(pool: AsyncConnectionPool, connection: str, event: str) -> None:
    async with pool.connection() as conn:
        await conn.execute(QUERIES["delete_lever_webhook"], {"connection": connection, "event": event})
