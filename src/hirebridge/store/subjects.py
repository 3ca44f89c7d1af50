"""Subject versions: a hint bumps desired_version; a reconcile that saw V records synced_version = V."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from psycopg import AsyncConnection
from psycopg.types.json import Jsonb
from psycopg_pool import AsyncConnectionPool

from hirebridge.domain.coverage import Hint, Seen
from hirebridge.domain.subjects import Subject
from hirebridge.store.sql import QUERIES


def _key(subject: Subject) -> dict[str, str]:
    return {"connection": subject.connection, "kind": subject.kind, "id": subject.id}


async def bump(conn: AsyncConnection, subject: Subject) -> int:
    cur = await conn.execute(
        QUERIES["bump_subject"], {"connection": subject.connection, "kind": subject.kind, "id": subject.id}
    )
    row = await cur.fetchone()
    assert row is not None
    return int(row[0])


async def hint(conn: AsyncConnection, subject: Subject) -> bool:
    """Raise the desired version; True when the caller must queue a reconcile (none is waiting)."""
    cur = await conn.execute(QUERIES["hint_subject"], _key(subject))
    row = await cur.fetchone()
    assert row is not None
    return bool(row[1])


async def hint_many(conn: AsyncConnection, hints: Mapping[Subject, int]) -> list[Subject]:
    """`hint` for many subjects in one statement, each raised by its count of new events; the subjects
    that must queue a reconcile."""
    if not hints:
        return []
    records = [{"connection": s.connection, "kind": s.kind, "id": s.id, "hints": n} for s, n in hints.items()]
    cur = await conn.execute(QUERIES["hint_subjects"], {"hints": Jsonb(records)})
    return [Subject(connection, kind, id_) for connection, kind, id_, must in await cur.fetchall() if must]


@dataclass(frozen=True)
class Started:
    """A reconcile starting: the version it must reach, and what tells whether it may be skipped."""

    desired: int
    synced: int
    raised: int  # how far the version rose since the previous reconcile started
    seen: Seen | None  # what that reconcile read, if it finished
    hints: list[Hint]  # webhooks stored since it started
    erasure: dict[str, Any] | None = None  # the subject is to be erased, or was (store/lifecycle.py)


async def start(pool: AsyncConnectionPool, subject: Subject) -> Started:
    """The subject's versions and coverage facts for a reconcile that starts now; hints from now on
    queue a job of their own."""
    async with pool.connection() as conn:
        # One round trip: conn.transaction() would wait for BEGIN and COMMIT, each on its own.
        async with conn.pipeline():
            await conn.execute("BEGIN")
            await conn.execute(QUERIES["lock_subject"], _key(subject))
            cur = await conn.execute(QUERIES["start_subject"], _key(subject))
            await conn.execute("COMMIT")
        row = await cur.fetchone()
    if row is None:
        return Started(desired=0, synced=0, raised=0, seen=None, hints=[])
    desired, synced, previous_start, seen_updated_at, seen_stage, seen_recipes, hints, erasure = row
    finished = synced == previous_start and seen_recipes is not None
    return Started(
        desired=int(desired),
        synced=int(synced),
        raised=int(desired) - int(previous_start),
        seen=Seen(seen_updated_at, seen_stage, seen_recipes) if finished else None,
        hints=[Hint(*_hint_fields(h)) for h in hints],
        erasure=erasure,
    )


def _hint_fields(row: list[Any]) -> tuple[str, str, int | None, str | None]:
    source, event, triggered_at, to_stage = row
    return (
        str(source),
        str(event),
        triggered_at if isinstance(triggered_at, int) and not isinstance(triggered_at, bool) else None,
        to_stage if isinstance(to_stage, str) else None,
    )


async def finish(
    pool: AsyncConnectionPool,
    subject: Subject,
    *,
    version: int,
    next_due: datetime | None,
    seen: Seen | None,
    action: str,
    detail: dict[str, Any],
    fingerprint: str | None = None,
    watch_offers: bool = False,
    offers_seen: str | None = None,
) -> None:
    """A reconcile that saw `version` is done: mark it synced, keep what it read, the recipes it ran
    under and its next due time, audit it. `watch_offers`: the offers poll checks the subject's offers
    (`offers_seen`, as read now) from now on."""
    async with pool.connection() as conn:
        await conn.execute(
            QUERIES["finish_subject"],
            {
                **_key(subject),
                "version": version,
                "due": next_due,
                "seen_updated_at": seen.updated_at if seen else None,
                "seen_stage": seen.stage if seen else None,
                "seen_recipes": seen.recipes if seen else None,
                "fingerprint": fingerprint,
                "action": action,
                "detail": Jsonb(detail),
                "watch_offers": watch_offers,
                "offers_seen": offers_seen,
            },
        )


async def skip(pool: AsyncConnectionPool, subject: Subject, *, version: int, detail: dict[str, Any]) -> None:
    """A reconcile whose webhooks the last read covered: synced at `version` without reading Lever."""
    async with pool.connection() as conn:
        await conn.execute(
            QUERIES["skip_subject"], {**_key(subject), "version": version, "detail": Jsonb(detail)}
        )


async def mark_error(pool: AsyncConnectionPool, subject: Subject, error: str) -> None:
    async with pool.connection() as conn:
        await conn.execute(
            QUERIES["mark_subject_error"],
            {"connection": subject.connection, "kind": subject.kind, "id": subject.id, "error": error[:2000]},
        )


async def take_due(conn: AsyncConnection) -> list[Subject]:
    cur = await conn.execute(QUERIES["take_due_subjects"])
    return [Subject(*row) for row in await cur.fetchall()]


async def note_source_updated(conn: AsyncConnection, subject: Subject, updated_at: int | None) -> int | None:
    """The new desired version (bumped) when Lever's updatedAt differs from the one seen last."""
    cur = await conn.execute(
        QUERIES["note_source_updated"],
        {"connection": subject.connection, "kind": subject.kind, "id": subject.id, "updated_at": updated_at},
    )
    row = await cur.fetchone()
    return int(row[0]) if row else None
