"""Lever reference data (pipeline, archive reasons, users, postings), cached for a few minutes.

They change rarely and every reconcile needs them; re-reading them each time would spend most of
Lever's 10 requests/s on data that did not change.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from typing import Any

from hirebridge.connectors.lever import LeverClient

Json = dict[str, Any]


class _Cached:
    def __init__(self, load: Callable[[], Awaitable[Any]], ttl: float) -> None:
        self._load = load
        self._ttl = ttl
        self._value: Any = None
        self._at = -float("inf")
        self._lock = asyncio.Lock()

    async def get(self) -> Any:
        if time.monotonic() - self._at < self._ttl:
            return self._value
        async with self._lock:
            if time.monotonic() - self._at >= self._ttl:
                self._value = await self._load()
                self._at = time.monotonic()
        return self._value


class LeverReference:
    def __init__(self, client: LeverClient, *, ttl: float = 300.0) -> None:
        self._client = client
        self._ttl = ttl
        self.stages = _Cached(client.stages, ttl)
        self.archive_reasons = _Cached(client.archive_reasons, ttl)
        self._users = _Cached(self._load_users, ttl)
        self._postings: dict[str, _Cached] = {}

    async def _load_users(self) -> dict[str, Json]:
        return {user["id"]: user for user in await self._client.users()}

    async def users(self) -> dict[str, Json]:
        return await self._users.get()

    async def user_id_by_email(self, email: str) -> str | None:
        email = email.lower()
        return next(
            (uid for uid, u in (await self.users()).items() if str(u.get("email", "")).lower() == email), None
        )

    async def posting(self, posting_id: str) -> Json:
        cached = self._postings.get(posting_id)
        if cached is None:
            cached = self._postings[posting_id] = _Cached(lambda: self._client.posting(posting_id), self._ttl)
        return await cached.get()

    async def stage_index(self) -> dict[str, int]:
        return {str(stage["text"]): index for index, stage in enumerate(await self.stages.get())}
