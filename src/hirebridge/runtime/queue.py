"""The queue: procrastinate on the service's own PostgreSQL, behind a narrow port.

Reconciles of one subject are serialised with `lock` (FIFO per lock, also through retries: a job
waiting for its retry blocks later jobs of the same lock, procrastinate PR #231). Bursts are
coalesced by subject versions (store/subjects.py), not by `queueing_lock`, which together with
`lock` and retries can leave a subject stuck (procrastinate issue #1543).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import procrastinate
from procrastinate import JobContext
from psycopg import AsyncConnection

from hirebridge.domain.subjects import Subject
from hirebridge.runtime.retry import ReconcileRetry

if TYPE_CHECKING:
    from hirebridge.runtime.service import Service

RECONCILE_QUEUE = "reconcile"
UPKEEP_QUEUE = "upkeep"
STALLED_AFTER_SECONDS = 30.0

app = procrastinate.App(connector=procrastinate.PsycopgConnector())


def _service(context: JobContext) -> Service:
    return context.additional_context["service"]  # type: ignore[no-any-return]


@app.task(name="reconcile_opportunity", queue=RECONCILE_QUEUE, pass_context=True, retry=ReconcileRetry())
async def reconcile_opportunity_task(context: JobContext, connection: str, opportunity_id: str) -> str:
    return await _service(context).reconcile(Subject(connection, "opportunity", opportunity_id))


@app.periodic(cron="* * * * *", periodic_id="recover_stalled_jobs")
@app.task(
    name="recover_stalled_jobs", queue=UPKEEP_QUEUE, queueing_lock="recover_stalled_jobs", pass_context=True
)
async def recover_stalled_jobs(context: JobContext, timestamp: int) -> int:
    """Put back jobs whose worker died (no heartbeat): procrastinate does not do it by itself
    (docs howto/production/retry_stalled_jobs), and a stalled job holds its subject's lock."""
    manager = context.app.job_manager
    stalled = list(await manager.get_stalled_jobs(seconds_since_heartbeat=STALLED_AFTER_SECONDS))
    for job in stalled:
        await manager.retry_job(job)
    return len(stalled)


async def defer_reconcile(subject: Subject, *, connection: AsyncConnection | None = None) -> int:
    """Queue a reconcile of `subject`; with `connection`, inside that connection's transaction."""
    task = reconcile_opportunity_task.configure(lock=subject.lock, **_on(connection))
    return await task.defer_async(connection=subject.connection, opportunity_id=subject.id)


def _on(connection: AsyncConnection | None) -> dict[str, Any]:
    return {"connection": connection} if connection is not None else {}
