"""Virtual clock in epoch milliseconds: real time plus an offset that tests can advance."""

from __future__ import annotations

import time


class Clock:
    def __init__(self) -> None:
        self.offset_ms = 0

    def now(self) -> int:
        return int(time.time() * 1000) + self.offset_ms

    def advance(self, seconds: float) -> int:
        self.offset_ms += int(seconds * 1000)
        return self.now()

    def set(self, now_ms: int) -> int:
        self.offset_ms = now_ms - int(time.time() * 1000)
        return self.now()

    def reset(self) -> None:
        self.offset_ms = 0
