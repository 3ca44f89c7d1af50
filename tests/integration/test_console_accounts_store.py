"""The console's account, session and failed sign-in queries against the real database."""

from __future__ import annotations

import asyncio
import hashlib

from hirebridge.store import console_accounts as accounts
from hirebridge.store.database import open_pool

DAY = 86_400.0


async def test_accounts_roles_passwords_and_the_last_admin(database_url: str) -> None:
    async with open_pool(database_url, max_size=2) as pool:
        assert await accounts.add(pool, "ada@example.com", "admin", "hash-1")
        assert not await accounts.add(pool, "ada@example.com", "viewer", None)  # exists already
        assert await accounts.add(pool, "vera@example.com", "viewer", None)
        assert await accounts.get(pool, "ada@example.com") == accounts.Account(
            "ada@example.com", "admin", "hash-1"
        )
        assert await accounts.get(pool, "nobody@example.com") is None
        listed = {row.email: (row.role, row.has_password) for row in await accounts.listing(pool)}
        assert listed == {"ada@example.com": ("admin", True), "vera@example.com": ("viewer", False)}
        assert await accounts.other_admins(pool, "ada@example.com") == 0
        assert await accounts.set_role(pool, "vera@example.com", "admin")
        assert await accounts.other_admins(pool, "ada@example.com") == 1
        assert not await accounts.set_role(pool, "nobody@example.com", "admin")

        token = hashlib.sha256(b"browser-1").digest()
        await accounts.start_session(pool, token, "ada@example.com", "csrf-1")
        session = await accounts.touch_session(pool, token, idle_seconds=DAY, absolute_seconds=DAY)
        assert session is not None and (session.email, session.role, session.csrf) == (
            "ada@example.com",
            "admin",
            "csrf-1",
        )
        # The same password hashed anew keeps the session; a new password ends it.
        assert await accounts.set_password(pool, "ada@example.com", "hash-2", keep=True)
        assert await accounts.touch_session(pool, token, idle_seconds=DAY, absolute_seconds=DAY) is not None
        assert await accounts.set_password(pool, "ada@example.com", "hash-3")
        assert await accounts.touch_session(pool, token, idle_seconds=DAY, absolute_seconds=DAY) is None
        assert (await accounts.get(pool, "ada@example.com")).password_hash == "hash-3"  # type: ignore[union-attr]

        # Sign-out, sign-out everywhere, expiry, and removal (its sessions go with it).
        for n, end in enumerate(("one", "all", "expired", "removed")):
            token = hashlib.sha256(f"browser-{n}-{end}".encode()).digest()
            await accounts.start_session(pool, token, "vera@example.com", "csrf")
            if end == "one":
                await accounts.end_session(pool, token)
            elif end == "all":
                await accounts.end_sessions_for(pool, "vera@example.com")
            elif end == "expired":
                await accounts.expire_sessions(pool, idle_seconds=0.0, absolute_seconds=0.0)
            else:
                assert await accounts.remove(pool, "vera@example.com")
            assert (
                await accounts.touch_session(pool, token, idle_seconds=DAY, absolute_seconds=DAY) is None
            ), end
        assert not await accounts.remove(pool, "vera@example.com")


async def test_failed_sign_ins_are_counted_per_key_within_the_window_and_cleared(database_url: str) -> None:
    account, address = hashlib.sha256(b"account").digest(), hashlib.sha256(b"address").digest()

    def counts(seen: accounts.Seen) -> dict[bytes, int]:
        return {key: count for key, (count, _) in seen.items()}

    async def look(keys: list[bytes], window: float = 3600) -> accounts.Seen:
        seen, admitted = await accounts.try_sign_in(
            pool, keys, window_seconds=window, admitted=lambda _: False
        )
        assert not admitted
        return seen

    async with open_pool(database_url, max_size=2) as pool:
        assert await look([account, address]) == {}
        seen, admitted = await accounts.try_sign_in(
            pool, [account, address], window_seconds=3600, admitted=lambda _: True
        )
        assert (seen, admitted) == ({}, True)
        await accounts.try_sign_in(pool, [account], window_seconds=3600, admitted=lambda _: True)
        assert counts(await look([account, address])) == {account: 2, address: 1}
        # A try that succeeded is taken back with the time of the failure before it.
        before = (await look([address]))[address][1]
        await accounts.try_sign_in(pool, [address], window_seconds=3600, admitted=lambda _: True)
        await accounts.take_back(pool, address, before)
        assert await look([address]) == {address: (1, before)}
        await accounts.clear_failures(pool, [account])
        assert set(await look([account, address])) == {address}
        # Outside the window a failure no longer counts, and the next try forgets it.
        assert await look([address], window=0.0) == {}


async def test_parallel_tries_on_one_key_are_counted_one_after_the_other(database_url: str) -> None:
    key = hashlib.sha256(b"account").digest()
    async with open_pool(database_url, max_size=12) as pool:

        async def attempt() -> bool:
            # At most three failures inside the window; the check and the count are one step.
            return (
                await accounts.try_sign_in(
                    pool, [key], window_seconds=3600, admitted=lambda seen: seen.get(key, (0, None))[0] < 3
                )
            )[1]

        async def hold() -> None:
            async with pool.connection():
                await asyncio.sleep(0.2)

        await asyncio.gather(*(hold() for _ in range(10)))  # ten connections open: the tries overlap
        admitted = await asyncio.gather(*(attempt() for _ in range(10)))
    assert sorted(admitted) == [False] * 7 + [True] * 3
