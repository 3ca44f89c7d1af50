"""Rolling a change of the recipes out to subjects already reconciled under other recipes.

A reconcile records the fingerprint of the recipes it ran under (domain/changes.py). Each tick, and
each time a rollout reconcile finishes, subjects under another fingerprint are claimed and queued at
`PRIORITY_BACKGROUND`, at most `rollout.concurrency` at a time: live reconciles (priority 0) are
fetched first, also for the same subject (procrastinate passes a lock's lower-priority job over), so
a rollout never delays a webhook's reconcile; a subject a live reconcile already brought up to date
is coalesced. Under `rollout: manual` nothing is claimed until `hirebridge apply` approved the
fingerprint that is deployed.
"""

from __future__ import annotations

import time
from typing import Any

import structlog
from psycopg_pool import AsyncConnectionPool

from hirebridge.config.models import Config
from hirebridge.domain.changes import recipes_fingerprint
from hirebridge.runtime.queue import PRIORITY_BACKGROUND, defer_reconciles
from hirebridge.store import rollout
from hirebridge.store.rollout import Progress

log = structlog.get_logger(__name__)
KINDS = ("opportunity", "requisition")
QUIET_RECHECK_SECONDS = 60.0  # after a claim found nothing, how long a process trusts that


def fingerprints(config: Config) -> dict[tuple[str, str], str]:
    return {(name, kind): recipes_fingerprint(config, name, kind) for name in config.lever for kind in KINDS}


class Rollout:
    """One per process: tops the rollout up to its concurrency."""

    def __init__(self, config: Config) -> None:
        self.config = config
        self.fingerprints = fingerprints(config)
        self._quiet_until = 0.0

    async def allowed(self, pool: AsyncConnectionPool) -> dict[tuple[str, str], str]:
        if self.config.rollout.mode == "auto":
            return self.fingerprints
        approved = await rollout.approvals(pool)
        return {key: f for key, f in self.fingerprints.items() if approved.get(key) == f}

    async def approve(self, pool: AsyncConnectionPool) -> int:
        """`hirebridge apply`: approve the deployed recipes and queue the first reconciles (a running
        service continues the chain) on the open queue; how many were queued."""
        await rollout.approve(pool, self.fingerprints)
        return await self.top_up(pool, force=True)

    async def progress(self, pool: AsyncConnectionPool) -> list[Progress]:
        return await rollout.progress(pool, self.fingerprints)

    async def top_up(self, pool: AsyncConnectionPool, *, force: bool = False) -> int:
        """Queue rollout reconciles until `concurrency` are in flight; how many were queued."""
        if not force and time.monotonic() < self._quiet_until:
            return 0
        allowed = await self.allowed(pool)
        room = self.config.rollout.concurrency - await rollout.in_flight(pool, PRIORITY_BACKGROUND)
        if not allowed or room <= 0:
            return 0
        async with pool.connection() as conn, conn.transaction():
            subjects = await rollout.claim(conn, allowed, room)
            if subjects:
                await defer_reconciles(subjects, connection=conn, priority=PRIORITY_BACKGROUND)
        if subjects:
            log.info("rollout queued", subjects=len(subjects))
        else:
            self._quiet_until = time.monotonic() + QUIET_RECHECK_SECONDS
        return len(subjects)


async def rollout_report(pool: AsyncConnectionPool, config: Config) -> dict[str, dict[str, Any]]:
    """Per Lever connection, for `status`: the rollout's progress and the effects waiting for review."""
    from hirebridge.runtime.ledger_changes import ledger_changes

    rows = await rollout.progress(pool, fingerprints(config))
    report: dict[str, dict[str, Any]] = {}
    for name in config.lever:
        mine = [r for r in rows if r.connection == name]
        changes = await ledger_changes(pool, config, connection=name)
        report[name] = {
            "mode": config.rollout.mode,
            "known": sum(r.known for r in mine),
            "current": sum(r.current for r in mine),
            "pending": sum(r.pending for r in mine),
            "failing": sum(r.failing for r in mine),
            "waiting_for_apply": config.rollout.mode == "manual"
            and any(r.pending and not r.approved for r in mine),
            "orphans": [
                {"recipe": o.recipe, "action": o.action, "kind": o.kind, "effects": o.count}
                for o in changes.removed
            ],
            "orphan_policy": config.rollout.orphans,
        }
    return report
