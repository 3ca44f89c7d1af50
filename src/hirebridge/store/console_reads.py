"""The console's reads: search, a subject's timeline, packets, the audit trail and its charts.

Every list is one page of an indexed query; candidate data never leaves here that the store did not
already hold (names are HMAC tokens, webhooks are their event and ids).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from psycopg import AsyncConnection
from psycopg.rows import dict_row
from psycopg.types.json import Jsonb
from psycopg_pool import AsyncConnectionPool

from hirebridge.domain.subjects import Subject
from hirebridge.store.sql import QUERIES

Row = dict[str, Any]
TIMELINE_ROWS = 500  # per source: a subject's timeline shows its latest rows


def _key(subject: Subject) -> dict[str, str]:
    return {"connection": subject.connection, "kind": subject.kind, "id": subject.id}


async def _rows(pool: AsyncConnectionPool, query: str, args: dict[str, Any]) -> list[Row]:
    async with pool.connection() as conn, conn.cursor(row_factory=dict_row) as cur:
        await cur.execute(QUERIES[query], args)
        return list(await cur.fetchall())


async def index_names(pool: AsyncConnectionPool, subject: Subject, tokens: Sequence[bytes]) -> None:
    async with pool.connection() as conn:
        await conn.execute(QUERIES["console_index_names"], {**_key(subject), "tokens": list(tokens)})


async def erase_names(conn: AsyncConnection, subject: Subject) -> None:
    await conn.execute(QUERIES["erase_subject_names"], _key(subject))


async def search(
    pool: AsyncConnectionPool,
    *,
    prefix: str | None,
    tokens: Sequence[bytes],
    wanted: int,
    limit: int,
    offset: int,
) -> list[Row]:
    """`prefix`: the start of an id (None: not searched by id); `tokens`: every digest of the `wanted`
    name tokens (a subject matches holding `wanted` of them)."""
    like = (
        None if prefix is None else prefix.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
    )
    args = {"prefix": like, "tokens": list(tokens), "wanted": wanted, "limit": limit, "offset": offset}
    return await _rows(pool, "console_search", args)


async def subject(pool: AsyncConnectionPool, which: Subject) -> Row | None:
    found = await _rows(pool, "console_subject", _key(which))
    return found[0] if found else None


async def timeline(
    pool: AsyncConnectionPool, which: Subject, *, limit: int = TIMELINE_ROWS
) -> dict[str, list[Row]]:
    """The subject's webhooks, Jira events, timeline rows and effects, in one snapshot."""
    args = {**_key(which), "limit": limit}
    found: dict[str, list[Row]] = {}
    async with pool.connection() as conn, conn.transaction(), conn.cursor(row_factory=dict_row) as cur:
        await cur.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
        for name in ("inbox", "jira_events", "audit", "effects"):
            await cur.execute(QUERIES[f"console_timeline_{name}"], args)
            found[name] = list(await cur.fetchall())
    return found


async def failed_effect(pool: AsyncConnectionPool, effect: int) -> Row | None:
    found = await _rows(pool, "console_failed_effect", {"effect": effect})
    return found[0] if found else None


async def packets(pool: AsyncConnectionPool, status: str | None, *, limit: int, offset: int) -> list[Row]:
    return await _rows(pool, "console_packets", {"status": status, "limit": limit, "offset": offset})


async def packet(pool: AsyncConnectionPool, packet_id: str) -> Row | None:
    found = await _rows(pool, "console_packet", {"id": packet_id})
    return found[0] if found else None


async def audit(pool: AsyncConnectionPool, start: datetime, end: datetime, *, limit: int) -> list[Row]:
    return await _rows(pool, "console_audit", {"start": start, "end": end, "limit": limit})


async def record(
    pool: AsyncConnectionPool, subject: Subject | None, action: str, detail: dict[str, Any], actor: str
) -> None:
    key = _key(subject) if subject is not None else {"connection": None, "kind": None, "id": None}
    async with pool.connection() as conn:
        await conn.execute(
            QUERIES["console_insert_action"],
            {**key, "action": action, "detail": Jsonb(detail), "actor": actor},
        )


async def series(pool: AsyncConnectionPool, since: datetime, bucket_seconds: int) -> dict[str, list[Row]]:
    """Reconciles finished, and the lag from a webhook to its subject's next reconcile, per bucket."""
    args = {"since": since, "bucket": bucket_seconds}
    return {
        "throughput": await _rows(pool, "console_throughput", args),
        "lag": await _rows(pool, "console_lag", args),
    }


async def budgets(pool: AsyncConnectionPool) -> list[Row]:
    return await _rows(pool, "console_budgets", {})


async def jira_health(pool: AsyncConnectionPool, names: Sequence[str]) -> list[Row]:
    return await _rows(pool, "console_jira_health", {"names": list(names)})
