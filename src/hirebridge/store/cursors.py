"""Sweep cursors: per Lever connection and stream, how far the sweep got and when it runs next."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from psycopg import AsyncConnection
from psycopg.rows import dict_row
from psycopg.types.json import Jsonb
from psycopg_pool import AsyncConnectionPool

from hirebridge.store.sql import QUERIES

# A pass holds its stream for this long and extends it after every page; a process that dies
# mid-pass lets another take over once it lapses.
LEASE_SECONDS = 120.0


@dataclass(frozen=True)
class Claim:
    """A stream's lease, with the position the pass starts from (None: never swept)."""

    connection: str
    stream: str
    position: int | None


@dataclass(frozen=True)
class CursorState:
    connection: str
    stream: str
    position: int | None
    next_run_at: datetime
    claimed_until: datetime | None
    last_started_at: datetime | None
    last_finished_at: datetime | None
    last_error: str | None
    last_summary: dict[str, Any]


def _key(connection: str, stream: str) -> dict[str, Any]:
    return {"connection": connection, "stream": stream, "lease_seconds": LEASE_SECONDS}


async def claim(
    pool: AsyncConnectionPool, connection: str, stream: str, *, force: bool = False
) -> Claim | None:
    """The stream's lease if it is due (or `force`) and free; None otherwise."""
    async with pool.connection() as conn, conn.transaction():
        await conn.execute(QUERIES["ensure_sweep_cursor"], _key(connection, stream))
        cur = await conn.execute(QUERIES["claim_sweep_cursor"], {**_key(connection, stream), "force": force})
        row = await cur.fetchone()
    return Claim(connection, stream, row[0]) if row is not None else None


async def extend(conn: AsyncConnection, item: Claim) -> None:
    """Called in the transaction that queues a page, so the lease lives as long as progress is made."""
    await conn.execute(QUERIES["extend_sweep_claim"], _key(item.connection, item.stream))


async def finish(
    pool: AsyncConnectionPool,
    item: Claim,
    *,
    position: int | None,
    summary: dict[str, Any],
    interval_seconds: float,
) -> None:
    async with pool.connection() as conn:
        await conn.execute(
            QUERIES["finish_sweep_cursor"],
            {
                **_key(item.connection, item.stream),
                "position": position,
                "summary": Jsonb(summary),
                "interval_seconds": interval_seconds,
            },
        )


async def fail(pool: AsyncConnectionPool, item: Claim, *, error: str, interval_seconds: float) -> None:
    async with pool.connection() as conn:
        await conn.execute(
            QUERIES["fail_sweep_cursor"],
            {
                **_key(item.connection, item.stream),
                "error": error[:2000],
                "interval_seconds": interval_seconds,
            },
        )


async def all_cursors(pool: AsyncConnectionPool) -> list[CursorState]:
    async with pool.connection() as conn, conn.cursor(row_factory=dict_row) as cur:
        await cur.execute(QUERIES["list_sweep_cursors"])
        return [CursorState(**row) for row in await cur.fetchall()]
