"""The service a one-shot command runs its work through: the store migrated, the queue open, the
clients built, all closed again on the way out."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from hirebridge.runtime import queue
from hirebridge.runtime.service import Service
from hirebridge.store.database import open_pool
from hirebridge.store.migrate import migrate


@asynccontextmanager
async def command_service(config: Any, url: str) -> AsyncIterator[Service]:
    async with open_pool(url, max_size=config.service.workers + 4) as pool:
        await migrate(pool)
        await queue.app.open_async(pool=pool)
        service = Service.build(config, pool)
        try:
            yield service
        finally:
            await service.aclose()
            await queue.app.close_async()
