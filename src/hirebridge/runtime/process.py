"""What a process opens to work: the database (pool opened, migrations applied), the queue on that pool,
and the service built over both; each a smaller form of the next, all closed again on the way out.
`serve`, `worker` and every command go through here, whichever of the three they need. A long-running
process also ends on SIGTERM as on Ctrl-C (`exit_on_sigterm`), so that it leaves the embedded server."""

from __future__ import annotations

from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager

import httpx2
from psycopg_pool import AsyncConnectionPool

from hirebridge.config.models import Config
from hirebridge.runtime import queue
from hirebridge.runtime.service import Service
from hirebridge.settings import Settings
from hirebridge.store.database import database_problem, open_pool, resolve_database_url
from hirebridge.store.embedded import exit_on_sigterm
from hirebridge.store.migrate import migrate

__all__ = [
    "database_problem",
    "database_url",
    "exit_on_sigterm",
    "opened_queue",
    "opened_service",
    "opened_store",
]


def database_url() -> str:
    """HIREBRIDGE_DATABASE_URL, or the embedded server's database (started or joined now)."""
    return resolve_database_url(Settings.from_env())


@asynccontextmanager
async def opened_store(
    url: str, *, max_size: int = 2, wait_for_database: bool = False
) -> AsyncIterator[AsyncConnectionPool]:
    """The pool, with every migration applied. `wait_for_database`: a service starting while the
    database is away waits for it; a command fails after half a minute."""
    async with open_pool(url, max_size=max_size, wait_for_database=wait_for_database) as pool:
        await migrate(pool)
        yield pool


@asynccontextmanager
async def opened_queue(pool: AsyncConnectionPool) -> AsyncIterator[AsyncConnectionPool]:
    """procrastinate on `pool`, so that jobs can be queued (and run) through it."""
    await queue.app.open_async(pool=pool)
    try:
        yield pool
    finally:
        await queue.app.close_async()


@asynccontextmanager
async def opened_service(
    config: Config,
    url: str,
    *,
    max_size: int | None = None,
    wait_for_database: bool = False,
    transports: Mapping[str, httpx2.AsyncBaseTransport] | None = None,
) -> AsyncIterator[Service]:
    """The store and the queue open, the clients built (pool: `service.workers + 4` connections)."""
    size = max_size if max_size is not None else config.service.workers + 4
    async with opened_store(url, max_size=size, wait_for_database=wait_for_database) as pool:
        async with opened_queue(pool):
            service = Service.build(config, pool, transports=transports)
            try:
                yield service
            finally:
                await service.aclose()
