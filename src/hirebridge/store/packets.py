"""Justworks new-hire packets, their review links and the emails sent about them."""

from __future__ import annotations

import hashlib
from datetime import datetime
from typing import Any

from psycopg import AsyncConnection
from psycopg.rows import dict_row
from psycopg.types.json import Jsonb
from psycopg_pool import AsyncConnectionPool

from hirebridge.domain.subjects import Subject
from hirebridge.store.sql import QUERIES

Row = dict[str, Any]


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _subject(subject: Subject) -> dict[str, str]:
    return {"connection": subject.connection, "kind": subject.kind, "id": subject.id}


def subject_of(row: Row) -> Subject:
    return Subject(row["lever_connection"], row["subject_kind"], row["subject_id"])


async def _one(pool: AsyncConnectionPool, query: str, args: dict[str, Any]) -> Row | None:
    async with pool.connection() as conn, conn.cursor(row_factory=dict_row) as cur:
        await cur.execute(QUERIES[query], args)  # type: ignore[arg-type]
        return await cur.fetchone() if cur.description else None


async def for_effect(pool: AsyncConnectionPool, subject: Subject, recipe: str, key: str) -> Row | None:
    return await _one(pool, "get_packet_for_effect", {**_subject(subject), "recipe": recipe, "key": key})


async def get(pool: AsyncConnectionPool, packet_id: str) -> Row | None:
    return await _one(pool, "get_packet", {"packet_id": packet_id})


async def by_token(pool: AsyncConnectionPool, token: str) -> Row | None:
    return await _one(pool, "get_packet_by_token", {"token_hash": token_hash(token)})


async def upsert(
    pool: AsyncConnectionPool,
    subject: Subject,
    *,
    packet_id: str,
    recipe: str,
    key: str,
    justworks: str,
    status: str,
    source: dict[str, str],
    problems: list[dict[str, str]],
) -> Row | None:
    """The stored packet after the update; None when it is final (joined, or declined by an admin)."""
    return await _one(
        pool,
        "upsert_packet",
        {
            **_subject(subject),
            "packet_id": packet_id,
            "recipe": recipe,
            "key": key,
            "justworks": justworks,
            "status": status,
            "source": Jsonb(source),
            "problems": Jsonb(problems),
        },
    )


async def correct(
    pool: AsyncConnectionPool, packet_id: str, corrections: dict[str, str], problems: list[Any], status: str
) -> Row | None:
    args = {"packet_id": packet_id, "corrections": Jsonb(corrections), "problems": Jsonb(problems)}
    return await _one(pool, "correct_packet", {**args, "status": status})


async def mark_reviewed(pool: AsyncConnectionPool, packet_id: str, admin: str) -> Row | None:
    return await _one(pool, "review_packet", {"packet_id": packet_id, "admin": admin})


async def mark_notified(pool: AsyncConnectionPool, packet_id: str) -> None:
    await _one(pool, "mark_packet_notified", {"packet_id": packet_id})


async def join(pool: AsyncConnectionPool, packet_id: str, member_id: str, matched_by: str) -> Row | None:
    args = {"packet_id": packet_id, "member_id": member_id, "matched_by": matched_by}
    return await _one(pool, "join_packet", args)


async def flag(pool: AsyncConnectionPool, packet_id: str, member_id: str, flag: str) -> Row | None:
    """None when the same member was flagged already."""
    return await _one(pool, "flag_packet", {"packet_id": packet_id, "member_id": member_id, "flag": flag})


async def awaited(pool: AsyncConnectionPool, justworks: str) -> list[Row]:
    """Packets whose person hirebridge is waiting to see in Justworks."""
    async with pool.connection() as conn, conn.cursor(row_factory=dict_row) as cur:
        await cur.execute(QUERIES["list_awaited_packets"], {"justworks": justworks})
        return list(await cur.fetchall())


async def invites(pool: AsyncConnectionPool, overdue_hours: dict[str, float]) -> list[Row]:
    """Packets awaiting their person in Justworks, each with `overdue` after its connection's time."""
    async with pool.connection() as conn, conn.cursor(row_factory=dict_row) as cur:
        await cur.execute(QUERIES["list_invites"])
        rows = list(await cur.fetchall())
    for row in rows:
        hours = overdue_hours.get(row["justworks_connection"], 72.0)
        row["overdue"] = bool(row["waited_hours"] is not None and row["waited_hours"] >= hours)
    return rows


async def decline(pool: AsyncConnectionPool, packet_id: str, admin: str, reason: str | None) -> Row | None:
    return await _one(pool, "decline_packet", {"packet_id": packet_id, "admin": admin, "reason": reason})


async def withdraw(pool: AsyncConnectionPool, packet_id: str) -> Row | None:
    return await _one(pool, "withdraw_packet", {"packet_id": packet_id})


async def add_link(pool: AsyncConnectionPool, packet_id: str, admin_email: str, token: str) -> None:
    args = {"packet_id": packet_id, "admin_email": admin_email, "token_hash": token_hash(token)}
    await _one(pool, "insert_packet_link", args)


async def email_sent(pool: AsyncConnectionPool, row: Row, kind: str, recipient: str) -> bool:
    args = {"packet_id": row["id"], "generation": row["generation"], "kind": kind, "recipient": recipient}
    return await _one(pool, "packet_email_sent", args) is not None


async def record_email(pool: AsyncConnectionPool, row: Row, kind: str, recipient: str) -> None:
    args = {"packet_id": row["id"], "generation": row["generation"], "kind": kind, "recipient": recipient}
    await _one(pool, "record_packet_email", args)


async def notified(pool: AsyncConnectionPool, row: Row) -> list[str]:
    async with pool.connection() as conn:
        cur = await conn.execute(
            QUERIES["packet_recipients"], {"packet_id": row["id"], "generation": row["generation"]}
        )
        return [r[0] for r in await cur.fetchall()]


async def set_effect_status(
    pool: AsyncConnectionPool, row: Row, status: str, external_id: str | None, matched_by: str | None = None
) -> None:
    args = {**_subject(subject_of(row)), "recipe": row["recipe"], "key": row["key"], "status": status}
    await _one(
        pool, "set_packet_effect_status", {**args, "external_id": external_id, "matched_by": matched_by}
    )


async def erase_subject(conn: AsyncConnection, subject: Subject) -> None:
    """Every field of the subject's packets, their review links and email recipients go; ids stay."""
    await conn.execute(QUERIES["erase_subject_packets"], _subject(subject))


async def redact_finished(conn: AsyncConnection, cutoff: datetime, batch: int) -> int:
    """Retention: finished packets older than `cutoff` lose their fields; how many did (≤ batch)."""
    cur = await conn.execute(QUERIES["redact_finished_packets"], {"cutoff": cutoff, "batch": batch})
    row = await cur.fetchone()
    return int(row[0]) if row else 0


async def of_subject(conn: AsyncConnection, subject: Subject) -> list[Row]:
    """The subject's packets with their review links (admin, not the token) and the emails sent."""
    async with conn.cursor(row_factory=dict_row) as cur:
        await cur.execute(QUERIES["subject_packets"], _subject(subject))
        return await cur.fetchall()


async def subjects_by_email(conn: AsyncConnection, email: str) -> list[Subject]:
    cur = await conn.execute(QUERIES["packet_subjects_by_email"], {"email": email})
    return [Subject(*row) for row in await cur.fetchall()]
