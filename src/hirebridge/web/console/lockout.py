"""How repeated failed sign-ins slow down (pure): per account and per client address, after a number
of failures each further try must wait, the wait doubling up to a ceiling. Failures older than the
window are forgotten; a successful sign-in clears the account's (not the address's)."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime, timedelta

from hirebridge.config.console import ConsoleSettings


def account_key(email: str) -> bytes:
    return hashlib.sha256(f"account:{email}".encode()).digest()


def address_key(address: str) -> bytes:
    return hashlib.sha256(f"address:{address}".encode()).digest()


@dataclass(frozen=True)
class Failures:
    count: int
    last_at: datetime


@dataclass(frozen=True)
class Lockout:
    account_threshold: int
    address_threshold: int
    base_seconds: float
    max_seconds: float

    @classmethod
    def from_settings(cls, settings: ConsoleSettings) -> Lockout:
        return cls(
            settings.lockout_failures,
            settings.lockout_address_failures,
            settings.lockout_seconds,
            settings.lockout_max_seconds,
        )

    def wait(self, failures: int, threshold: int) -> float:
        """Seconds to wait after the latest of `failures` failed sign-ins."""
        if failures < threshold:
            return 0.0
        return min(self.base_seconds * 2 ** min(failures - threshold, 30), self.max_seconds)

    def retry_at(self, account: Failures | None, address: Failures | None, now: datetime) -> datetime | None:
        """When the next try is allowed, if not now."""
        times = [
            f.last_at + timedelta(seconds=self.wait(f.count, threshold))
            for f, threshold in ((account, self.account_threshold), (address, self.address_threshold))
            if f is not None and self.wait(f.count, threshold) > 0
        ]
        later = max(times, default=None)
        return later if later is not None and later > now else None
