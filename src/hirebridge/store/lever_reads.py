"""Lever data read in bulk for the reconciles it queues: list pages, and the offers poll's marks."""

from __future__ import annotations

from typing import Any

from psycopg import AsyncConnection
from psycopg.types.json import Jsonb
from psycopg_pool import AsyncConnectionPool

from hirebridge.domain.subjects import Subject
from hirebridge.store.sql import QUERIES


async def keep(conn: AsyncConnection, subject: Subject, version: int, body: dict[str, Any]) -> None:
    """An opportunity as a list page showed it, for the reconcile of `version` queued with it."""
    await conn.execute(
        QUERIES["keep_lever_read"],
        {"connection": subject.connection, "id": subject.id, "version": version, "body": Jsonb(body)},
    )


async def take(pool: AsyncConnectionPool, subject: Subject, version: int) -> dict[str, Any] | None:
    """The page's opportunity if it was read for exactly `version` (no hint came after it); gone
    afterwards either way."""
    async with pool.connection() as conn:
        cur = await conn.execute(
            QUERIES["take_lever_read"], {"connection": subject.connection, "id": subject.id}
        )
        row = await cur.fetchone()
    return row[1] if row is not None and int(row[0]) == version else None


async def forget_old(conn: AsyncConnection) -> None:
    await conn.execute(QUERIES["forget_old_lever_reads"])


async def offers_to_check(
    pool: AsyncConnectionPool, connection: str, limit: int
) -> list[tuple[str, str | None]]:
    async with pool.connection() as conn:
        cur = await conn.execute(QUERIES["offers_to_check"], {"connection": connection, "limit": limit})
        return [(str(row[0]), row[1]) for row in await cur.fetchall()]


async def offers_checked(conn: AsyncConnection, subject: Subject, offers: str) -> bool:
    """True (and bumped) when the offers differ from what the subject's last reconcile read."""
    cur = await conn.execute(
        QUERIES["offers_checked"], {"connection": subject.connection, "id": subject.id, "offers": offers}
    )
    row = await cur.fetchone()
    return bool(row and row[0])
