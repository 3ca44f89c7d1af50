"""Waiting for the reconciles a command queued (`sweep`, `forget`): when no worker is running, this
process runs them itself. And who is there to run them (`apply`)."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Sequence

from psycopg_pool import AsyncConnectionPool

from hirebridge.runtime import queue
from hirebridge.runtime.service import Service
from hirebridge.store import jobs

FINISHED = ("succeeded", "failed", "cancelled", "aborted")


async def wait_for_jobs(
    service: Service,
    job_ids: Sequence[int],
    limit_seconds: float,
    *,
    progress: Callable[[int], None] = lambda done: None,
    running_here: Callable[[], None] = lambda: None,
) -> dict[int, str]:
    """Each job's state once all finished or `limit_seconds` passed; `progress(finished)` after each
    look, `running_here()` when no worker is alive and this process runs the jobs."""
    local: asyncio.Task[None] | None = None
    if not await live_workers(service.pool):
        running_here()
        local = asyncio.create_task(
            queue.app.run_worker_async(
                queues=[queue.RECONCILE_QUEUE],
                concurrency=service.config.service.workers,
                additional_context={"service": service},
                install_signal_handlers=False,
                delete_jobs="successful",
            )
        )
    deadline = time.monotonic() + limit_seconds
    states: dict[int, str] = {}
    try:
        while True:
            found = await jobs.job_states(service.pool, job_ids)
            # Finished jobs are deleted (delete_jobs="successful"): gone means succeeded.
            states = {job: found.get(job, "succeeded") for job in job_ids}
            done = sum(s in FINISHED for s in states.values())
            progress(done)
            if done == len(job_ids) or time.monotonic() > deadline:
                break
            await asyncio.sleep(0.5)
    finally:
        if local is not None:
            local.cancel()
            await asyncio.gather(local, return_exceptions=True)
    return states


async def live_workers(pool: AsyncConnectionPool) -> int:
    """`serve` and `worker` processes that sent a heartbeat lately: someone to run what was queued."""
    return await jobs.live_workers(pool)
