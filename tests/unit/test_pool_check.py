"""A pooled connection is checked with a round trip only when it sat idle long enough to have gone
stale; one returned moments ago is handed out as it is."""

from __future__ import annotations

from typing import Any

from hirebridge.store import database
from hirebridge.store.database import CheckWhenIdle


class Connection:
    autocommit = True

    def __init__(self) -> None:
        self.round_trips = 0

    async def execute(self, query: str) -> None:
        self.round_trips += 1


async def test_only_an_idle_or_unknown_connection_costs_a_round_trip(monkeypatch: Any) -> None:
    clock = [1000.0]
    monkeypatch.setattr(database.time, "monotonic", lambda: clock[0])
    idle, conn = CheckWhenIdle(idle_seconds=10), Connection()
    await idle.check(conn)  # never returned to the pool yet: checked
    await idle.returned(conn)
    clock[0] += 9
    await idle.check(conn)  # back moments ago: trusted
    assert conn.round_trips == 1
    clock[0] += 2
    await idle.check(conn)  # idle over ten seconds: checked again
    assert conn.round_trips == 2
