from __future__ import annotations

from collections.abc import AsyncIterator

import httpx2
import pytest
from justworks_helpers import bearer

from hirebridge.sims.justworks import create_app


@pytest.fixture
async def anon() -> AsyncIterator[httpx2.AsyncClient]:
    transport = httpx2.ASGITransport(app=create_app())
    async with httpx2.AsyncClient(transport=transport, base_url="http://justworks.test") as client:
        yield client


@pytest.fixture
async def api(anon: httpx2.AsyncClient) -> httpx2.AsyncClient:
    anon.headers["Authorization"] = f"Bearer {await bearer(anon)}"
    return anon
