"""The queue: procrastinate on the service's own PostgreSQL, behind a narrow port. The tasks
themselves are declared in runtime/tasks.py.

Reconciles of one subject are serialised with `lock` (FIFO per lock, also through retries: a job
waiting for its retry blocks later jobs of the same lock, procrastinate PR #231). Bursts are
coalesced by subject versions (store/subjects.py), not by `queueing_lock`, which together with
`lock` and retries can leave a subject stuck (procrastinate issue #1543).
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import procrastinate
from psycopg import AsyncConnection
from psycopg_pool import AsyncConnectionPool

from hirebridge.domain.subjects import Subject
from hirebridge.runtime.budget import Priority
from hirebridge.store import subjects

if TYPE_CHECKING:
    from procrastinate.manager import JobManager

RECONCILE_QUEUE = "reconcile"
# Job priorities of reconciles (procrastinate fetches higher first, also among one subject's jobs);
# each spends the Lever budget at its own priority (runtime/budget.py: live above sweep above
# background). Live: webhooks, Jira hints, due reminders, replays. Sweep: what the sweep and the
# offers poll found changed. Background: the rollout of changed recipes to subjects nothing changed
# for (runtime/rollout.py), and below it a backfill (first start, `sweep --full`), which may take as
# long as the rate live work leaves allows.
PRIORITY_LIVE = 0
PRIORITY_SWEEP = -5
PRIORITY_BACKGROUND = -10
PRIORITY_BACKFILL = -20
UPKEEP_QUEUE = "upkeep"
# A killed worker's job holds its subject's lock until it is put back: detect that within seconds.
STALLED_AFTER_SECONDS = float(os.environ.get("HIREBRIDGE_STALLED_AFTER_SECONDS", "30"))
# Options of every worker (serve and `hirebridge worker`): heartbeats well inside the stall threshold.
WORKER_OPTIONS: dict[str, Any] = {
    "update_heartbeat_interval": STALLED_AFTER_SECONDS / 3,
    "stalled_worker_timeout": STALLED_AFTER_SECONDS,
    "delete_jobs": "successful",
}

# The module declaring every task: imported by a worker before it starts and by the first defer.
app = procrastinate.App(connector=procrastinate.PsycopgConnector(), import_paths=["hirebridge.runtime.tasks"])
# The reconcile task of each subject kind (runtime/tasks.py).
RECONCILE_TASKS = {"opportunity": "reconcile_opportunity", "requisition": "reconcile_requisition"}
PLAN_RUN_TASK = "plan_deployed_recipes"


def budget_priority(job_priority: int) -> Priority:
    """The Lever budget's priority for a job of `job_priority`."""
    if job_priority >= PRIORITY_LIVE:
        return "live"
    return "sweep" if job_priority > PRIORITY_BACKGROUND else "background"


async def defer_due_reconciles(pool: AsyncConnectionPool) -> int:
    """Queue a reconcile of each subject whose time-based effect (a reminder) is due. A job deferred
    for the future with the subject's lock would block its other jobs until then (procrastinate
    #1599), so the due time is kept on the subject and this defers a normal reconcile when it comes."""
    async with pool.connection() as conn, conn.transaction():
        due = await subjects.take_due(conn)
        for subject in due:
            await defer_reconcile(subject, connection=conn)
    return len(due)


async def put_back_stalled_jobs(manager: JobManager) -> int:
    stalled = list(await manager.get_stalled_jobs(seconds_since_heartbeat=STALLED_AFTER_SECONDS))
    for job in stalled:
        await manager.retry_job(job)
    return len(stalled)


async def defer_reconcile(
    subject: Subject, *, connection: AsyncConnection | None = None, priority: int = PRIORITY_LIVE
) -> int:
    """Queue a reconcile of `subject`; with `connection`, inside that connection's transaction."""
    task, kwargs = _reconcile_of(subject)
    configured = task.configure(lock=subject.lock, priority=priority, **_on(connection))
    return await configured.defer_async(**kwargs)


async def defer_reconciles(
    subjects: Sequence[Subject], *, connection: AsyncConnection, priority: int = 0
) -> list[int]:
    """Queue a reconcile of each subject with one statement, inside `connection`'s transaction."""
    jobs = []
    for subject in subjects:
        task, kwargs = _reconcile_of(subject)
        jobs.append(task.configure(lock=subject.lock, priority=priority).make_new_job(**kwargs))
    deferred = await app.job_manager.batch_defer_jobs_async(jobs=jobs, connection=connection)
    return [job.id for job in deferred if job.id is not None]


async def defer_plan_run(run_id: int, *, connection: AsyncConnection) -> int:
    """Queue a plan run at background priority, inside `connection`'s transaction."""
    app.perform_import_paths()
    task = app.tasks[PLAN_RUN_TASK]
    configured = task.configure(lock=PLAN_RUN_TASK, priority=PRIORITY_BACKGROUND, connection=connection)
    return await configured.defer_async(run_id=run_id)


def _reconcile_of(subject: Subject) -> tuple[procrastinate.tasks.Task[Any, Any, Any], dict[str, Any]]:
    app.perform_import_paths()  # once: registers the tasks (runtime/tasks.py)
    if subject.kind == "requisition":
        task = app.tasks[RECONCILE_TASKS["requisition"]]
        return task, {"connection": subject.connection, "requisition_id": subject.id}
    return app.tasks[RECONCILE_TASKS["opportunity"]], {
        "connection": subject.connection,
        "opportunity_id": subject.id,
    }


def _on(connection: AsyncConnection | None) -> dict[str, Any]:
    return {"connection": connection} if connection is not None else {}
