"""Lever's rate limit: a token bucket per API key (10 requests/s steady, bursts of 20)."""

from __future__ import annotations

import time


class TokenBuckets:
    def __init__(self) -> None:
        self._buckets: dict[str, tuple[float, float]] = {}

    def clear(self) -> None:
        self._buckets.clear()

    def allow(self, key: str, rps: float, burst: float) -> bool:
        if rps <= 0:
            return True
        now = time.monotonic()
        tokens, last = self._buckets.get(key, (float(burst), now))
        tokens = min(float(burst), tokens + (now - last) * rps)
        if tokens < 1.0:
            self._buckets[key] = (tokens, now)
            return False
        self._buckets[key] = (tokens - 1.0, now)
        return True
