"""What an operator decided about a connection (`hirebridge connections disconnect`), kept in the store
so that every process honours it: a disconnected Lever connection gets no webhooks and no sweeps."""

from __future__ import annotations

from psycopg.types.json import Jsonb
from psycopg_pool import AsyncConnectionPool

from hirebridge.store.sql import QUERIES


def _name(kind: str, connection: str) -> str:
    return f"{kind}:{connection}"


async def set_disconnected(pool: AsyncConnectionPool, kind: str, connection: str, value: bool) -> None:
    async with pool.connection() as conn, conn.transaction():
        name = _name(kind, connection)
        await conn.execute(QUERIES["upsert_connection"], {"name": name, "kind": kind})
        await conn.execute(
            QUERIES["merge_connection_state"], {"name": name, "state": Jsonb({"disconnected": value})}
        )


async def disconnected(pool: AsyncConnectionPool, kind: str) -> set[str]:
    """Names of the connections of `kind` an operator disconnected."""
    async with pool.connection() as conn:
        cur = await conn.execute(QUERIES["list_connection_states"], {"kind": kind})
        rows = await cur.fetchall()
    prefix = f"{kind}:"
    return {name.removeprefix(prefix) for name, state in rows if (state or {}).get("disconnected")}
