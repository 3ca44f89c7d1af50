"""The workers: procrastinate's worker kept running through database outages; `hirebridge worker`.

procrastinate stops its worker for good when the database goes away: its LISTEN connection or its
heartbeat fails ("Side task … failed … stopping worker"), or fetching a job raises. The process
would then stay up with no worker until restarted. `SupervisedWorker` waits for the database with
backoff and starts a new worker; the jobs the stopped one held go back to the queue at once (each
holds its subject's lock), instead of after the stall timeout.
"""

from __future__ import annotations

import asyncio
import gc
import signal
import time
from typing import Any

import procrastinate
import structlog
from procrastinate.worker import Worker
from psycopg_pool import AsyncConnectionPool

from hirebridge.config.models import Config
from hirebridge.runtime import queue
from hirebridge.runtime.process import opened_service
from hirebridge.runtime.retry import backoff_seconds
from hirebridge.store.database import database_problem

log = structlog.get_logger(__name__)

# A worker that ran this long before stopping was healthy: the next wait starts short again.
HEALTHY_SECONDS = 30.0
BACKOFF_CAP_SECONDS = 10.0


class SupervisedWorker:
    """One procrastinate worker at a time, started again whenever it stops by itself; `stop()` ends it."""

    def __init__(
        self,
        app: procrastinate.App,
        pool: AsyncConnectionPool,
        *,
        concurrency: int,
        context: dict[str, Any],
    ) -> None:
        self._app = app
        self._pool = pool
        self._concurrency = concurrency
        self._context = context
        self._worker: Worker | None = None
        self._stopping = asyncio.Event()

    @property
    def running(self) -> bool:
        """A worker is registered and fetching jobs (False while waiting for the database)."""
        return self._worker is not None and self._worker.worker_id is not None

    def stop(self) -> None:
        self._stopping.set()
        if self._worker is not None:
            self._worker.stop()

    async def run(self) -> None:
        self._app.perform_import_paths()  # the tasks (runtime/tasks.py) and their periodic schedule
        failures = 0
        while not self._stopping.is_set():
            worker = Worker(
                app=self._app,
                concurrency=self._concurrency,
                additional_context=self._context,
                install_signal_handlers=False,
                **queue.WORKER_OPTIONS,
            )
            self._worker = worker
            started = time.monotonic()
            problem: str | None = None
            try:
                await worker.run()
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                problem = summary(exc)
            finally:
                self._worker = None
            if self._stopping.is_set():
                return
            failures = 1 if time.monotonic() - started > HEALTHY_SECONDS else failures + 1
            log.warning("worker stopped; starting it again once the database answers", problem=problem)
            await self._wait_for_database(failures)
            if worker.worker_id is not None:
                await self._release(worker.worker_id)

    async def _wait_for_database(self, failures: int) -> None:
        attempt = failures - 1
        while not self._stopping.is_set():
            delay = backoff_seconds(attempt, base=0.5, cap=BACKOFF_CAP_SECONDS)
            try:
                await asyncio.wait_for(self._stopping.wait(), timeout=delay)
            except TimeoutError:
                pass
            if await database_problem(self._pool) is None:
                return
            attempt += 1

    async def _release(self, worker_id: int) -> None:
        """Forget the stopped worker and put back the jobs it was running (and any other stalled ones)."""
        try:
            await self._app.job_manager.unregister_worker(worker_id)
            await queue.put_back_stalled_jobs(self._app.job_manager)
        except Exception as exc:  # recover_stalled_jobs puts them back a little later
            log.warning("stalled jobs not put back yet", problem=summary(exc))


def summary(exc: BaseException) -> str:
    """One line for an exception and its causes (procrastinate wraps the database's error)."""
    parts: list[str] = []
    current: BaseException | None = exc
    while current is not None and len(parts) < 3:
        text = " ".join(str(current).split())[:200]
        parts.append(f"{type(current).__name__}: {text}" if text else type(current).__name__)
        current = current.__cause__ or current.__context__
    return "; ".join(parts)


async def run_worker(config: Config, database_url: str, *, concurrency: int | None = None) -> None:
    workers = concurrency or config.service.workers
    async with opened_service(config, database_url, max_size=workers + 4, wait_for_database=True) as service:
        supervised = SupervisedWorker(
            queue.app, service.pool, concurrency=workers, context={"service": service}
        )
        loop = asyncio.get_running_loop()
        for signum in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(signum, supervised.stop)
        gc.freeze()  # as in serve (web/app.py): what lives as long as the process is not collected
        try:
            await supervised.run()
        finally:
            for signum in (signal.SIGINT, signal.SIGTERM):
                loop.remove_signal_handler(signum)
