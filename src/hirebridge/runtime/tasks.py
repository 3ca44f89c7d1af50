"""Every procrastinate task, in one place; each calls a plain function of the module that does the
work. The queue itself (the app, priorities, deferring a reconcile) is runtime/queue.py, which
finds these tasks by name (the app's `import_paths`)."""

from __future__ import annotations

import os

from procrastinate import JobContext
from prometheus_client import Counter

from hirebridge.domain.subjects import Subject
from hirebridge.runtime import plan_runs
from hirebridge.runtime.budget import spending
from hirebridge.runtime.justworks_watch import watch_due
from hirebridge.runtime.queue import (
    PLAN_RUN_TASK,
    PRIORITY_BACKGROUND,
    RECONCILE_QUEUE,
    RECONCILE_TASKS,
    UPKEEP_QUEUE,
    app,
    budget_priority,
    defer_due_reconciles,
    put_back_stalled_jobs,
)
from hirebridge.runtime.retention import retention_due
from hirebridge.runtime.retry import ReconcileRetry
from hirebridge.runtime.service import Service
from hirebridge.runtime.sweep import sweep_due

RECONCILES = Counter(
    "hirebridge_reconciles_total",
    "Reconcile jobs finished, by Lever connection and priority (live, sweep, background).",
    ["connection", "priority"],
)


def _service(context: JobContext) -> Service:
    return context.additional_context["service"]  # type: ignore[no-any-return]


async def _reconcile(context: JobContext, subject: Subject) -> str:
    service = _service(context)
    priority = budget_priority(context.job.priority)
    with spending(priority):
        result = await service.reconcile(subject)
    RECONCILES.labels(subject.connection, priority).inc()
    if context.job.priority == PRIORITY_BACKGROUND:  # a rollout reconcile hands over to the next
        await service.rollout.top_up(service.pool, force=True)
    return result


@app.task(
    name=RECONCILE_TASKS["opportunity"], queue=RECONCILE_QUEUE, pass_context=True, retry=ReconcileRetry()
)
async def reconcile_opportunity_task(context: JobContext, connection: str, opportunity_id: str) -> str:
    return await _reconcile(context, Subject(connection, "opportunity", opportunity_id))


@app.task(
    name=RECONCILE_TASKS["requisition"], queue=RECONCILE_QUEUE, pass_context=True, retry=ReconcileRetry()
)
async def reconcile_requisition_task(context: JobContext, connection: str, requisition_id: str) -> str:
    return await _reconcile(context, Subject(connection, "requisition", requisition_id))


@app.task(name=PLAN_RUN_TASK, queue=UPKEEP_QUEUE, pass_context=True)
async def plan_deployed_recipes(context: JobContext, run_id: int) -> int:
    """The dry run of every subject under the deployed recipes, asked for from the console."""
    return await plan_runs.run(_service(context), run_id)


# Six-field crons: croniter reads the seconds as the last field.
@app.periodic(cron="* * * * * */15", periodic_id="run_due_reconciles")
@app.task(
    name="run_due_reconciles", queue=UPKEEP_QUEUE, queueing_lock="run_due_reconciles", pass_context=True
)
async def run_due_reconciles(context: JobContext, timestamp: int) -> int:
    """Reconcile subjects whose time-based effect (a reminder) is due."""
    return await defer_due_reconciles(_service(context).pool)


@app.periodic(cron="* * * * * */5", periodic_id="roll_out")
@app.task(name="roll_out", queue=UPKEEP_QUEUE, queueing_lock="roll_out", pass_context=True)
async def roll_out(context: JobContext, timestamp: int) -> int:
    """Subjects last reconciled under other recipes: queue some at background priority (each one
    that finishes queues the next, so the tick only starts and restarts the chain)."""
    service = _service(context)
    return await service.rollout.top_up(service.pool)


# A tick, not the sweep interval: each connection's streams run when their cursor says they are due
# (sweep_interval_seconds, poll_interval_seconds), under a lease, whichever worker ticks.
# HIREBRIDGE_WATCH_SECONDS (tests) shortens the requisition and offer polls, and so the tick.
WATCH_SECONDS = os.environ.get("HIREBRIDGE_WATCH_SECONDS")
SWEEP_TICK_SECONDS = min(5, int(WATCH_SECONDS or 5))


@app.periodic(cron=f"* * * * * */{SWEEP_TICK_SECONDS}", periodic_id="sweep_lever")
@app.task(name="sweep_lever", queue=UPKEEP_QUEUE, queueing_lock="sweep_lever", pass_context=True)
async def sweep_lever(context: JobContext, timestamp: int) -> int:
    """What webhooks missed, and what Lever sends no webhooks for (requisitions, offers)."""
    with spending("sweep"):
        return await sweep_due(_service(context))


@app.periodic(cron=f"* * * * * */{SWEEP_TICK_SECONDS}", periodic_id="watch_justworks")
@app.task(name="watch_justworks", queue=UPKEEP_QUEUE, queueing_lock="watch_justworks", pass_context=True)
async def watch_justworks(context: JobContext, timestamp: int) -> int:
    """Justworks members read while a new hire is awaited there (U9's closing of the loop)."""
    return await watch_due(_service(context))


# A tick too: the run itself waits for `retention.interval_seconds` (its cursor row says when).
@app.periodic(cron=f"* * * * * */{SWEEP_TICK_SECONDS}", periodic_id="apply_retention")
@app.task(name="apply_retention", queue=UPKEEP_QUEUE, queueing_lock="apply_retention", pass_context=True)
async def apply_retention(context: JobContext, timestamp: int) -> int:
    """Delete or redact what is past its retention window, every `retention.interval_seconds`."""
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
