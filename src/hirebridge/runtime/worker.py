"""`hirebridge worker`: reconciles only, no web; any number of them against one database."""

from __future__ import annotations

import gc

from hirebridge.config.models import Config
from hirebridge.runtime import queue
from hirebridge.runtime.service import Service
from hirebridge.store.database import open_pool
from hirebridge.store.migrate import migrate


async def run_worker(config: Config, database_url: str, *, concurrency: int | None = None) -> None:
    workers = concurrency or config.service.workers
    async with open_pool(database_url, max_size=workers + 4) as pool:
        await migrate(pool)
        await queue.app.open_async(pool=pool)
        service = Service.build(config, pool)
        gc.freeze()  # as in serve (web/app.py): what lives as long as the process is not collected
        try:
            await queue.app.run_worker_async(
                concurrency=workers,
                additional_context={"service": service},
                **queue.WORKER_OPTIONS,
            )
        finally:
            await service.aclose()
            await queue.app.close_async()
