"""Plan runs: the dry run of every subject under the deployed recipes (`plan --all` over every Lever
connection) as a background job asked for from the console, its summary kept for the Recipes page."""

from __future__ import annotations

from typing import Any

from psycopg_pool import AsyncConnectionPool

from hirebridge.domain.plan_summary import summary_rows
from hirebridge.runtime.budget import spending
from hirebridge.runtime.dry_run import plan_all
from hirebridge.runtime.ledger_changes import LedgerChanges
from hirebridge.runtime.service import Service
from hirebridge.store import failures, plan_runs

# A plan of 5,000 subjects at 10 Lever requests/s takes minutes; a run unfinished after hours has lost
# its job (deleted, or failed outside the plan), and would keep the console's button disabled.
ABANDONED_AFTER_SECONDS = 6 * 3600.0


async def request(pool: AsyncConnectionPool, actor: str) -> tuple[int, bool]:
    """A run recorded and its job queued in one transaction; while one has not finished, that one
    (and False)."""
    from hirebridge.runtime.queue import defer_plan_run

    async with pool.connection() as conn, conn.transaction():
        await plan_runs.abandon(conn, ABANDONED_AFTER_SECONDS)
        run_id, added = await plan_runs.add(conn, actor)
        if added:
            await defer_plan_run(run_id, connection=conn)
    return run_id, added


async def run(service: Service, run_id: int) -> int:
    """The plan, at background priority (after live work and the sweep); its summary stored, or the
    reason it failed. The number of subjects planned."""
    if not await plan_runs.start(service.pool, run_id):
        return 0
    changes = LedgerChanges()
    try:
        with spending("background"):
            plans = await plan_all(service, list(service.lever), changes=changes)
    except Exception as exc:  # shown on the Recipes page; the next run starts from scratch
        await plan_runs.finish(service.pool, run_id, error=failures.redact(f"{type(exc).__name__}: {exc}"))
        return 0
    orphans: dict[str, Any] = {
        "effects": sum(len(p.orphans) for p in plans),
        "actions": [
            {"recipe": o.recipe, "action": o.action, "kind": o.kind, "target": o.target, "count": o.count}
            for o in changes.removed
        ],
    }
    renames = [
        {"from": f"{r.old.recipe}/{r.old.action}", "to": r.to, "declaration": r.declaration}
        for r in changes.renames
    ]
    await plan_runs.finish(
        service.pool,
        run_id,
        subjects=len(plans),
        summary=summary_rows(w for p in plans for w in p.writes),
        renames=renames,
        orphans=orphans,
    )
    return len(plans)


async def latest(pool: AsyncConnectionPool) -> dict[str, Any] | None:
    async with pool.connection() as conn:
        await plan_runs.abandon(conn, ABANDONED_AFTER_SECONDS)
    return await plan_runs.latest(pool)
