"""Request budgets shared by every process: a token bucket per external account, in one row."""

from __future__ import annotations

from psycopg_pool import AsyncConnectionPool

from hirebridge.store.sql import QUERIES


async def ensure(pool: AsyncConnectionPool, name: str) -> None:
    async with pool.connection() as conn:
        await conn.execute(QUERIES["ensure_rate_budget"], {"name": name})


async def take(
    pool: AsyncConnectionPool, name: str, *, rate: float, burst: float, backlog: float
) -> tuple[bool, float] | None:
    """(granted, seconds to wait); None when the budget's row does not exist yet."""
    async with pool.connection() as conn:
        cur = await conn.execute(
            QUERIES["take_rate_budget"], {"name": name, "rate": rate, "burst": burst, "backlog": backlog}
        )
        row = await cur.fetchone()
    return (bool(row[0]), float(row[1])) if row else None


async def drain(pool: AsyncConnectionPool, name: str, *, seconds: float) -> None:
    async with pool.connection() as conn:
        await conn.execute(QUERIES["drain_rate_budget"], {"name": name, "seconds": seconds})
