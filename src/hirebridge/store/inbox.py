"""The inbox: every event received, stored once."""

from __future__ import annotations

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
