"""Retention: what hirebridge stores about candidates is deleted or redacted once past its window
(`retention` in the config). Run by a periodic task under a lease (a row of the sweep cursors, which
also keeps its last summary), whichever worker ticks."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING

import structlog

from hirebridge.config.lifecycle import Retention
from hirebridge.errors import loggable
from hirebridge.store import cursors, lifecycle

if TYPE_CHECKING:
    from psycopg_pool import AsyncConnectionPool

log = structlog.get_logger(__name__)
CURSOR = ("*", "retention")


def windows(retention: Retention) -> lifecycle.RetentionWindows:
    return lifecycle.RetentionWindows(**retention.windows())


async def retention_due(pool: AsyncConnectionPool, retention: Retention) -> dict[str, int] | None:
    """One run if its time has come and no other process runs it; what it removed."""
    claim = await cursors.claim(pool, *CURSOR)
    if claim is None:
        return None
    try:
        done = await lifecycle.apply_retention(pool, windows(retention), datetime.now(UTC))
    except Exception as exc:
        await cursors.fail(
            pool, claim, error=f"{type(exc).__name__}: {exc}", interval_seconds=retention.interval_seconds
        )
        log.warning("retention failed", error=loggable(exc))
        raise
    await cursors.finish(
        pool, claim, position=None, summary=done, interval_seconds=retention.interval_seconds
    )
    if any(done.values()):
        log.info("retention applied", **done)
    return done
