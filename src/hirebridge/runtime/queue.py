"""The queue: procrastinate on the service's own PostgreSQL, behind a narrow port.

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
from procrastinate import JobContext
from prometheus_client import Counter
from psycopg import AsyncConnection

from hirebridge.domain.subjects import Subject
from hirebridge.runtime.budget import Priority, spending
from hirebridge.runtime.retry import ReconcileRetry
from hirebridge.store import subjects

if TYPE_CHECKING:
    from procrastinate.manager import JobManager

    from hirebridge.runtime.service import Service

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

RECONCILES = Counter(
    "hirebridge_reconciles_total",
    "Reconcile jobs finished, by Lever connection and priority (live, sweep, background).",
    ["connection", "priority"],
)

app = procrastinate.App(connector=procrastinate.PsycopgConnector())


def _service(context: JobContext) -> Service:
    return context.additional_context["service"]  # type: ignore[no-any-return]


async def _reconcile(context: JobContext, subject: Subject) -> str:
    service = _service(context)
    priority = budget_priority(context.job.priority)
    with spending(priority):
        result = await service.reconcile(subject)
    RECONCILES.labels(subject.connection, priority).inc()
    if context.job.priority == PRIORITY_BACKGROUND:  # a rollout reconcile hands over to the next
        from hirebridge.runtime import rollout

        await rollout.of(service).top_up(service.pool, force=True)
    return result


@app.task(name="reconcile_opportunity", queue=RECONCILE_QUEUE, pass_context=True, retry=ReconcileRetry())
async def reconcile_opportunity_task(context: JobContext, connection: str, opportunity_id: str) -> str:
    return await _reconcile(context, Subject(connection, "opportunity", opportunity_id))


@app.task(name="reconcile_requisition", queue=RECONCILE_QUEUE, pass_context=True, retry=ReconcileRetry())
async def reconcile_requisition_task(context: JobContext, connection: str, requisition_id: str) -> str:
    return await _reconcile(context, Subject(connection, "requisition", requisition_id))


def budget_priority(job_priority: int) -> Priority:
    """The Lever budget's priority for a job of `job_priority`."""
    if job_priority >= PRIORITY_LIVE:
        return "live"
    return "sweep" if job_priority > PRIORITY_BACKGROUND else "background"


# Six-field crons: croniter reads the seconds as the last field.
@app.periodic(cron="* * * * * */15", periodic_id="run_due_reconciles")
@app.task(
    name="run_due_reconciles", queue=UPKEEP_QUEUE, queueing_lock="run_due_reconciles", pass_context=True
)
async def run_due_reconciles(context: JobContext, timestamp: int) -> int:
    """Reconcile subjects whose time-based effect (a reminder) is due. A job deferred for the future
    with the subject's lock would block its other jobs until then (procrastinate #1599), so the due
    time is kept on the subject and this task defers a normal reconcile when it comes."""
    pool = _service(context).pool
    async with pool.connection() as conn, conn.transaction():
        due = await subjects.take_due(conn)
        for subject in due:
            await defer_reconcile(subject, connection=conn)
    return len(due)


@app.periodic(cron="* * * * * */5", periodic_id="roll_out")
@app.task(name="roll_out", queue=UPKEEP_QUEUE, queueing_lock="roll_out", pass_context=True)
async def roll_out(context: JobContext, timestamp: int) -> int:
    """Subjects last reconciled under other recipes: queue some at background priority (each one
    that finishes queues the next, so the tick only starts and restarts the chain)."""
    from hirebridge.runtime import rollout

    service = _service(context)
    return await rollout.of(service).top_up(service.pool)


# A tick, not the sweep interval: each connection's streams run when their cursor says they are due
# (sweep_interval_seconds, poll_interval_seconds), under a lease, whichever worker ticks.
# HIREBRIDGE_WATCH_SECONDS (tests) shortens the requisition and offer polls, and so the tick.
WATCH_SECONDS = os.environ.get("HIREBRIDGE_WATCH_SECONDS")
SWEEP_TICK_SECONDS = min(5, int(WATCH_SECONDS or 5))


@app.periodic(cron=f"* * * * * */{SWEEP_TICK_SECONDS}", periodic_id="sweep_lever")
@app.task(name="sweep_lever", queue=UPKEEP_QUEUE, queueing_lock="sweep_lever", pass_context=True)
async def sweep_lever(context: JobContext, timestamp: int) -> int:
    """What webhooks missed, and what Lever sends no webhooks for (requisitions, offers)."""
    from hirebridge.runtime.sweep import sweep_due

    with spending("sweep"):
        return await sweep_due(_service(context))


@app.periodic(cron=f"* * * * * */{SWEEP_TICK_SECONDS}", periodic_id="watch_justworks")
@app.task(name="watch_justworks", queue=UPKEEP_QUEUE, queueing_lock="watch_justworks", pass_context=True)
async def watch_justworks(context: JobContext, timestamp: int) -> int:
    """Justworks members read while a new hire is awaited there (U9's closing of the loop)."""
    from hirebridge.runtime.justworks_watch import watch_due

    return await watch_due(_service(context))


# A tick too: the run itself waits for `retention.interval_seconds` (its cursor row says when).
@app.periodic(cron=f"* * * * * */{SWEEP_TICK_SECONDS}", periodic_id="apply_retention")
@app.task(name="apply_retention", queue=UPKEEP_QUEUE, queueing_lock="apply_retention", pass_context=True)
async def apply_retention(context: JobContext, timestamp: int) -> int:
    """Delete or redact what is past its retention window, every `retention.interval_seconds`."""
    from hirebridge.runtime.retention import retention_due

    service = _service(context)
    done = await retention_due(service.pool, service.config.retention)
    return sum(done.values()) if done else 0


@app.periodic(cron="* * * * * */5", periodic_id="recover_stalled_jobs")
@app.task(
    name="recover_stalled_jobs", queue=UPKEEP_QUEUE, queueing_lock="recover_stalled_jobs", pass_context=True
)
async def recover_stalled_jobs(context: JobContext, timestamp: int) -> int:
    """Put back jobs whose worker died (no heartbeat): procrastinate does not do it by itself
    (docs howto/production/retry_stalled_jobs), and a stalled job holds its subject's lock."""
    return await put_back_stalled_jobs(context.app.job_manager)


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


def _reconcile_of(subject: Subject) -> tuple[procrastinate.tasks.Task[Any, Any, Any], dict[str, Any]]:
    if subject.kind == "requisition":
        return reconcile_requisition_task, {"connection": subject.connection, "requisition_id": subject.id}
    return reconcile_opportunity_task, {"connection": subject.connection, "opportunity_id": subject.id}


def _on(connection: AsyncConnection | None) -> dict[str, Any]:
    return {"connection": connection} if connection is not None else {}
