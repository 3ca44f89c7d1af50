"""Parked effects: how many wait for an operator, and `hirebridge replay` resetting them so that the
next reconcile retries them, with that reconcile queued."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from hirebridge.runtime import queue
from hirebridge.runtime.process import opened_queue, opened_store
from hirebridge.runtime.service import Service
from hirebridge.store import failures
from hirebridge.store.failures import EffectFilter


async def parked_count(service: Service) -> int:
    """Effects parked over every connection."""
    return sum(int(c.get("parked", 0)) for c in (await failures.status(service.pool)).values())


async def replay(
    url: str, connections: Sequence[str], which: Mapping[str, str | None]
) -> dict[tuple[str, str, str], list[str]]:
    """Per (connection, subject kind, subject id) queued again, the effects reset. `which` narrows to
    `kind` and `id` (a subject), and to `recipe` and `key` (one effect); empty: every parked effect."""
    queued: dict[tuple[str, str, str], list[str]] = {}
    async with opened_store(url) as pool, opened_queue(pool):
        for name in connections:
            reset = await failures.replay(
                pool, EffectFilter(connection=name, **which), defer=queue.defer_reconcile
            )
            for subject, effects in reset.items():
                queued[(subject.connection, subject.kind, subject.id)] = effects
    return queued
