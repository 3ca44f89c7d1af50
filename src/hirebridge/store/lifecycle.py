"""Candidate data lifecycle in the store: erasure requests and the erasure itself, retention, and the
export of everything held about one subject."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from psycopg import AsyncConnection
from psycopg.rows import dict_row
from psycopg.types.json import Jsonb
from psycopg_pool import AsyncConnectionPool

from hirebridge.domain.subjects import Subject
from hirebridge.store import ledger, packets
from hirebridge.store.sql import QUERIES

RETENTION_BATCH = 5000


def _key(subject: Subject) -> dict[str, str]:
    return {"connection": subject.connection, "kind": subject.kind, "id": subject.id}


async def request_erasure(conn: AsyncConnection, subject: Subject, request: dict[str, Any]) -> dict[str, Any]:
    """Record that `subject` is to be erased (who asked, why); the request that stands."""
    cur = await conn.execute(QUERIES["request_erasure"], {**_key(subject), "erasure": Jsonb(request)})
    row = await cur.fetchone()
    assert row is not None
    return dict(row[0])


async def request_erasure_of_held(
    conn: AsyncConnection, connection: str, ids: Sequence[str], request: dict[str, Any]
) -> list[Subject]:
    """Of these deleted opportunities, the ones hirebridge holds something for, now to be erased."""
    cur = await conn.execute(
        QUERIES["request_erasure_of_held"],
        {"connection": connection, "ids": list(ids), "erasure": Jsonb(request)},
    )
    return [Subject(connection, "opportunity", row[0]) for row in await cur.fetchall()]


async def erasure_of(pool: AsyncConnectionPool, subject: Subject) -> dict[str, Any] | None:
    async with pool.connection() as conn:
        cur = await conn.execute(QUERIES["subject_erasure"], _key(subject))
        row = await cur.fetchone()
    return dict(row[0]) if row and row[0] is not None else None


async def deleted_by(pool: AsyncConnectionPool, subject: Subject) -> str | None:
    async with pool.connection() as conn:
        cur = await conn.execute(QUERIES["latest_deleted_by"], _key(subject))
        row = await cur.fetchone()
    return str(row[0]) if row and row[0] else None


async def scrub(pool: AsyncConnectionPool, subject: Subject) -> None:
    """Erase every personal value held for `subject`, in one transaction: inbox payloads, timeline
    details, error texts, the name index, packets with their review links and email recipients. Ids
    and markers stay, so nothing is created again. Idempotent."""
    args = _key(subject)
    async with pool.connection() as conn, conn.transaction():
        for query in ("erase_inbox", "erase_audit_details", "erase_effect_details", "erase_subject_names"):
            await conn.execute(QUERIES[query], args)
        await packets.erase_subject(conn, subject)


async def mark_erased(
    pool: AsyncConnectionPool, subject: Subject, request: dict[str, Any], version: int
) -> None:
    """The erasure is complete: the first time, the timeline records it (who asked, why, when)."""
    async with pool.connection() as conn, conn.transaction():
        if request.get("erased_at") is None:
            await conn.execute(QUERIES["mark_erased"], _key(subject))
            detail = {k: request[k] for k in ("by", "reason", "requested_at") if k in request}
            await ledger.audit(conn, subject, "erased", detail)
        else:
            await conn.execute(QUERIES["finish_erased"], {**_key(subject), "version": version})


async def wake_deletions(pool: AsyncConnectionPool, connection: str) -> None:
    async with pool.connection() as conn:
        await conn.execute(QUERIES["wake_deletions_stream"], {"connection": connection})


@dataclass(frozen=True)
class RetentionWindows:
    inbox_days: float
    audit_detail_days: float
    audit_days: float
    finished_packet_days: float


async def apply_retention(
    pool: AsyncConnectionPool, windows: RetentionWindows, now: datetime, *, batch: int = RETENTION_BATCH
) -> dict[str, int]:
    """Delete or redact what is past its window, a batch per transaction so that no lock is held
    long; how many rows of each kind."""

    def cutoff(days: float) -> datetime:
        return now - timedelta(days=days)

    steps: list[tuple[str, str, datetime]] = [
        ("inbox_deleted", "retention_delete_inbox", cutoff(windows.inbox_days)),
        ("jira_events_deleted", "retention_delete_jira_events", cutoff(windows.inbox_days)),
        ("audit_deleted", "retention_delete_audit", cutoff(windows.audit_days)),
        ("audit_redacted", "retention_redact_audit", cutoff(windows.audit_detail_days)),
        # A name no reconcile has read again within the timeline's window (console search).
        ("names_deleted", "retention_delete_subject_names", cutoff(windows.audit_days)),
    ]
    done: dict[str, int] = {}
    for name, query, limit in steps:
        done[name] = 0
        while True:
            async with pool.connection() as conn:
                cur = await conn.execute(QUERIES[query], {"cutoff": limit, "batch": batch})
                done[name] += cur.rowcount
            if cur.rowcount < batch:
                break
    done["packets_redacted"] = 0
    while True:
        async with pool.connection() as conn:
            count = await packets.redact_finished(conn, cutoff(windows.finished_packet_days), batch)
        done["packets_redacted"] += count
        if count < batch:
            break
    return done


async def export(pool: AsyncConnectionPool, subject: Subject) -> dict[str, Any]:
    """Everything held about `subject`, and every external object created for it."""
    args = _key(subject)
    held: dict[str, Any] = {}
    async with pool.connection() as conn, conn.cursor(row_factory=dict_row) as cur:
        await cur.execute(QUERIES["export_subject"], args)
        held["subject"] = await cur.fetchone()
        for name in ("effects", "audit", "inbox", "jira_events"):
            await cur.execute(QUERIES[f"export_{name}"], args)
            held[name] = await cur.fetchall()
        held["packets"] = await packets.of_subject(conn, subject)
    return held
