"""What an operator alerts on, read from the database: subjects behind, parked effects, the queue,
refused OAuth grants and packets waiting for an admin. Each reading is one small query on a partial
index, cheap enough for every scrape of /metrics and every `hirebridge status`."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from psycopg_pool import AsyncConnectionPool

from hirebridge.store.sql import QUERIES


@dataclass(frozen=True)
class Waiting:
    """How many, and since when the oldest has waited."""

    count: int = 0
    since: datetime | None = None


@dataclass
class Health:
    at: datetime
    behind: dict[str, Waiting] = field(default_factory=dict)  # by Lever connection
    errored: dict[str, int] = field(default_factory=dict)
    parked: dict[str, Waiting] = field(default_factory=dict)
    queue: dict[tuple[str, str], int] = field(default_factory=dict)  # (queue, waiting|scheduled|running)
    grants_refused: dict[str, bool] = field(default_factory=dict)  # connections holding an OAuth grant
    packets: dict[str, Waiting] = field(default_factory=dict)  # by status: held, awaiting_review

    def age(self, waiting: Waiting) -> float:
        """Seconds the oldest has waited (0 when none waits)."""
        return max(0.0, (self.at - waiting.since).total_seconds()) if waiting.since else 0.0


async def read(pool: AsyncConnectionPool) -> Health:
    async with pool.connection() as conn, conn.transaction():

        async def rows(query: str) -> list[tuple[Any, ...]]:
            return list(await (await conn.execute(QUERIES[query])).fetchall())

        health = Health(at=(await rows("health_now"))[0][0])
        for connection, count, since in await rows("health_subjects_behind"):
            health.behind[connection] = Waiting(count, since)
        for connection, count in await rows("health_subjects_errored"):
            health.errored[connection] = count
        for connection, count, since in await rows("health_parked_effects"):
            health.parked[connection] = Waiting(count, since)
        for queue, state, count in await rows("health_queue"):
            health.queue[(queue, state)] = count
        for connection, refused in await rows("health_lever_grants"):
            health.grants_refused[connection] = refused
        for status, count, since in await rows("health_packets_waiting"):
            health.packets[status] = Waiting(count, since)
    return health
