"""The ledger of effects: intents recorded before each external write, outcomes after."""

from __future__ import annotations

from typing import Any

from psycopg import AsyncConnection
from psycopg.rows import dict_row
from psycopg.types.json import Jsonb
from psycopg_pool import AsyncConnectionPool

from hirebridge.domain.effects import EffectRecord
from hirebridge.domain.subjects import Subject
from hirebridge.store.sql import QUERIES


def _subject_args(subject: Subject) -> dict[str, str]:
    return {"connection": subject.connection, "kind": subject.kind, "id": subject.id}


async def effects_of(pool: AsyncConnectionPool, subject: Subject) -> dict[tuple[str, str], EffectRecord]:
    """Every effect of a subject, keyed by (recipe, key)."""
    async with pool.connection() as conn, conn.cursor(row_factory=dict_row) as cur:
        await cur.execute(QUERIES["list_effects"], _subject_args(subject))
        rows = await cur.fetchall()
    return {
        (row["recipe"], row["key"]): EffectRecord(
            recipe=row["recipe"],
            key=row["key"],
            kind=row["kind"],
            target=row["target"],
            marker=row["marker"],
            state=row["state"],
            external_id=row["external_id"],
            external_key=row["external_key"],
            external_url=row["external_url"],
            status=row["status"],
            content_hash=row["content_hash"],
            attempts=row["attempts"],
            last_error=row["last_error"],
            intent_at=row["intent_at"],
        )
        for row in rows
    }


async def record_intents(pool: AsyncConnectionPool, subject: Subject, intents: list[dict[str, Any]]) -> None:
    """Commit intents (recipe, key, effect_kind, target, marker, status, content_hash) in one transaction."""
    rows = [{**_subject_args(subject), **i} for i in intents]
    async with pool.connection() as conn:
        if len(rows) == 1:  # one statement commits by itself: no BEGIN and COMMIT round trips
            await conn.execute(QUERIES["record_intent"], rows[0])
            return
        async with conn.transaction(), conn.cursor() as cur:
            await cur.executemany(QUERIES["record_intent"], rows)


async def record_done(
    pool: AsyncConnectionPool,
    subject: Subject,
    *,
    recipe: str,
    key: str,
    external_id: str | None,
    external_key: str | None = None,
    external_url: str | None = None,
    status: str | None = None,
    content_hash: str | None = None,
) -> None:
    async with pool.connection() as conn:
        await conn.execute(
            QUERIES["record_done"],
            {
                **_subject_args(subject),
                "recipe": recipe,
                "key": key,
                "external_id": external_id,
                "external_key": external_key,
                "external_url": external_url,
                "status": status,
                "content_hash": content_hash,
            },
        )


async def record_failed(
    pool: AsyncConnectionPool, subject: Subject, *, recipe: str, key: str, error: str
) -> None:
    async with pool.connection() as conn:
        await conn.execute(
            QUERIES["record_failed"], {**_subject_args(subject), "recipe": recipe, "key": key, "error": error}
        )


async def park(
    pool: AsyncConnectionPool,
    subject: Subject,
    *,
    recipe: str,
    key: str,
    kind: str,
    target: str,
    marker: str,
    error: str,
) -> None:
    """Record an effect as failed with its reason, whether or not an intent was recorded before."""
    async with pool.connection() as conn:
        await conn.execute(
            QUERIES["park_effect"],
            {
                **_subject_args(subject),
                "recipe": recipe,
                "key": key,
                "effect_kind": kind,
                "target": target,
                "marker": marker,
                "error": error[:2000],
            },
        )


async def forget_pending(pool: AsyncConnectionPool, subject: Subject, *, recipe: str, key: str) -> None:
    async with pool.connection() as conn:
        await conn.execute(
            QUERIES["record_forgotten"], {**_subject_args(subject), "recipe": recipe, "key": key}
        )


async def audit(
    conn_or_pool: AsyncConnectionPool | AsyncConnection,
    subject: Subject,
    action: str,
    detail: dict[str, Any],
    *,
    actor: str | None = None,
) -> None:
    """`actor`: who asked for it in the console (an operator's account), None for the service itself."""
    args = {**_subject_args(subject), "action": action, "detail": Jsonb(detail), "actor": actor}
    if isinstance(conn_or_pool, AsyncConnectionPool):
        async with conn_or_pool.connection() as conn:
            await conn.execute(QUERIES["insert_audit"], args)
    else:
        await conn_or_pool.execute(QUERIES["insert_audit"], args)
