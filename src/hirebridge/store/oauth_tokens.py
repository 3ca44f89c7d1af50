"""OAuth tokens as stored: sealed (encrypted) strings; the runtime seals and opens them.

A row's `connection` is the name `hirebridge connections connect` takes: `main` for a Lever
connection, `justworks:main` for a Justworks one."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from psycopg import AsyncConnection
from psycopg.rows import class_row

from hirebridge.store.sql import QUERIES


@dataclass(frozen=True)
class SealedTokens:
    access_token: str
    refresh_token: str | None
    expires_at: datetime
    scope: str
    connected_at: datetime | None = None
    refreshed_at: datetime | None = None
    refreshes: int = 0
    refused: str | None = None


async def lock(conn: AsyncConnection, connection: str) -> None:
    """Held until `conn`'s transaction ends."""
    await conn.execute(QUERIES["lock_oauth_tokens"], {"connection": connection})


async def get(conn: AsyncConnection, connection: str) -> SealedTokens | None:
    async with conn.cursor(row_factory=class_row(SealedTokens)) as cur:
        await cur.execute(QUERIES["get_oauth_tokens"], {"connection": connection})
        return await cur.fetchone()


def _args(connection: str, tokens: SealedTokens) -> dict[str, object]:
    return {
        "connection": connection,
        "access_token": tokens.access_token,
        "refresh_token": tokens.refresh_token,
        "expires_at": tokens.expires_at,
        "scope": tokens.scope,
    }


async def connect(conn: AsyncConnection, connection: str, tokens: SealedTokens) -> None:
    """Tokens of a new grant: counters and any refusal start over."""
    await conn.execute(QUERIES["connect_oauth_tokens"], _args(connection, tokens))


async def refreshed(conn: AsyncConnection, connection: str, tokens: SealedTokens) -> None:
    await conn.execute(QUERIES["refresh_oauth_tokens"], _args(connection, tokens))


async def refuse(conn: AsyncConnection, connection: str, reason: str) -> None:
    await conn.execute(QUERIES["refuse_oauth_tokens"], {"connection": connection, "reason": reason})


async def delete(conn: AsyncConnection, connection: str) -> None:
    await conn.execute(QUERIES["delete_oauth_tokens"], {"connection": connection})
