"""The inbox: every event received, stored once."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from psycopg import AsyncConnection
from psycopg.types.json import Jsonb

from hirebridge.domain.subjects import Subject
from hirebridge.store.sql import QUERIES


async def store_event(
    conn: AsyncConnection,
    *,
    source: str,
    dedupe_key: str,
    event: str,
    subject: Subject | None,
    payload: dict[str, Any],
) -> bool:
    """True when the event is new; False for a redelivery of one already stored."""
    cur = await conn.execute(
        QUERIES["insert_inbox_event"],
        {
            "source": source,
            "connection": subject.connection if subject else "",
            "dedupe_key": dedupe_key,
            "event": event,
            "subject_kind": subject.kind if subject else None,
            "subject_id": subject.id if subject else None,
            "payload": Jsonb(payload),
        },
    )
    return await cur.fetchone() is not None


@dataclass(frozen=True)
class InboxEvent:
    """An event to store: its source's dedupe key makes a redelivery recognisable."""

    source: str
    dedupe_key: str
    event: str
    subject: Subject | None
    payload: dict[str, Any]

    @property
    def key(self) -> tuple[str, str, str]:
        return (self.source, self.subject.connection if self.subject else "", self.dedupe_key)


async def store_events(conn: AsyncConnection, events: Sequence[InboxEvent]) -> set[tuple[str, str, str]]:
    """Store many events in one statement; the keys (`InboxEvent.key`) of those that were new."""
    if not events:
        return set()
    records = [
        {
            "source": e.source,
            "connection": e.key[1],
            "dedupe_key": e.dedupe_key,
            "event": e.event,
            "subject_kind": e.subject.kind if e.subject else None,
            "subject_id": e.subject.id if e.subject else None,
            "payload": e.payload,
        }
        for e in events
    ]
    cur = await conn.execute(QUERIES["insert_inbox_events"], {"events": Jsonb(records)})
    return {(source, connection, key) for source, connection, key in await cur.fetchall()}
