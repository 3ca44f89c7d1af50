"""Plans of every subject under the deployed recipes, asked for from the console: one row per run."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from psycopg import AsyncConnection
from psycopg.rows import dict_row
from psycopg.types.json import Jsonb
from psycopg_pool import AsyncConnectionPool

from hirebridge.store.sql import QUERIES


async def abandon(conn: AsyncConnection, seconds: float) -> None:
    await conn.execute(QUERIES["abandon_plan_runs"], {"seconds": seconds})


async def add(conn: AsyncConnection, actor: str) -> tuple[int, bool]:
    """A new run's id and True; or, while an earlier run has not finished, its id and False."""
    cur = await conn.execute(QUERIES["add_plan_run"], {"actor": actor})
    row = await cur.fetchone()
    assert row is not None
    return int(row[0]), bool(row[1])


async def start(pool: AsyncConnectionPool, run_id: int) -> bool:
    """False when the run has finished already (a job run twice)."""
    async with pool.connection() as conn:
        return await (await conn.execute(QUERIES["start_plan_run"], {"id": run_id})).fetchone() is not None


async def finish(
    pool: AsyncConnectionPool,
    run_id: int,
    *,
    subjects: int | None = None,
    summary: Sequence[Mapping[str, Any]] | None = None,
    renames: Sequence[Mapping[str, Any]] | None = None,
    orphans: Mapping[str, Any] | None = None,
    error: str | None = None,
) -> None:
    def jsonb(value: Any) -> Jsonb | None:
        return None if value is None else Jsonb(value)

    async with pool.connection() as conn:
        await conn.execute(
            QUERIES["finish_plan_run"],
            {
                "id": run_id,
                "subjects": subjects,
                "summary": jsonb(summary),
                "renames": jsonb(renames),
                "orphans": jsonb(orphans),
                "error": error,
            },
        )


async def latest(pool: AsyncConnectionPool) -> dict[str, Any] | None:
    async with pool.connection() as conn:
        cur = conn.cursor(row_factory=dict_row)
        await cur.execute(QUERIES["latest_plan_run"])
        return await cur.fetchone()
