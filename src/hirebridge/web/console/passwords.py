"""Console passwords: argon2id (memory-hard). The default cost is argon2-cffi's RFC 9106 low-memory
profile (64 MiB, 3 passes); `console.password_*` may lower it to OWASP's floor (19 MiB, 2 passes) on a
small machine. A hash keeps its own parameters, so changing them is safe: each account's hash is
renewed at its next sign-in."""

from __future__ import annotations

import asyncio
from functools import cached_property

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from hirebridge.config.console import ConsoleSettings
from hirebridge.errors import HirebridgeError

MIN_LENGTH = 12
MAX_LENGTH = 1024
AT_ONCE = 2  # hashes computed at once: each takes its memory cost, and a core


class WeakPassword(HirebridgeError):
    """The password is too short: use at least 12 characters (a passphrase is fine)."""


class Passwords:
    def __init__(self, settings: ConsoleSettings | None = None) -> None:
        settings = settings or ConsoleSettings()
        self._hasher = PasswordHasher(
            time_cost=settings.password_time_cost,
            memory_cost=settings.password_memory_kib,
            parallelism=settings.password_parallelism,
        )
        self._slots = asyncio.Semaphore(AT_ONCE)

    @cached_property
    def _dummy(self) -> str:
        # Verified against when an account does not exist: a wrong address costs as long as a wrong password.
        return self._hasher.hash("not a password of anyone")

    def hash(self, password: str) -> str:
        if len(password) < MIN_LENGTH:
            raise WeakPassword()
        return self._hasher.hash(password[:MAX_LENGTH])

    def verify(self, stored: str | None, password: str) -> bool:
        """Whether `password` matches `stored`; takes as long when there is no stored hash."""
        try:
            return self._hasher.verify(stored or self._dummy, password[:MAX_LENGTH]) and stored is not None
        except (VerificationError, InvalidHashError):
            return False

    def needs_rehash(self, stored: str) -> bool:
        """Made with other parameters than today's: replaced at the next sign-in."""
        try:
            return self._hasher.check_needs_rehash(stored)
        except InvalidHashError:
            return True

    async def checked(self, stored: str | None, password: str) -> bool:
        """`verify` off the event loop (a hash takes tens of milliseconds of CPU: webhooks are served
        by the same loop), a few at a time."""
        async with self._slots:
            return await asyncio.to_thread(self.verify, stored, password)

    async def hashed(self, password: str) -> str:
        async with self._slots:
            return await asyncio.to_thread(self.hash, password)
