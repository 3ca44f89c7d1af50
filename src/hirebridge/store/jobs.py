"""What a command reads of procrastinate's own tables: the workers alive, the state of the jobs it
queued, and whether everything queued has been worked off."""

from __future__ import annotations

from collections.abc import Sequence

import psycopg
from psycopg_pool import AsyncConnectionPool

from hirebridge.store.sql import QUERIES


async def live_workers(pool: AsyncConnectionPool) -> int:
    async with pool.connection() as conn:
        row = await (await conn.execute(QUERIES["live_workers"])).fetchone()
    return int(row[0]) if row else 0


async def job_states(pool: AsyncConnectionPool, ids: Sequence[int]) -> dict[int, str]:
    """The state of each job still in the queue; a finished job is deleted, so it is missing here."""
    async with pool.connection() as conn:
        rows = await (await conn.execute(QUERIES["job_states"], {"ids": list(ids)})).fetchall()
    return {int(job): str(state) for job, state in rows}


def sync_backlog(conn: psycopg.Connection) -> tuple[int, int]:
    """(subjects behind, reconciles queued or running), on a plain connection of its own."""
    row = conn.execute(QUERIES["sync_backlog"]).fetchone()
    return (int(row[0]), int(row[1])) if row else (0, 0)
