"""The console's account, session and failed sign-in queries against the real database."""

from __future__ import annotations

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
    async with open_pool(database_url, max_size=2) as pool:
        assert await accounts.failures(pool, [account, address], window_seconds=3600) == {}
        await accounts.add_failure(pool, [account, address], window_seconds=3600)
        await accounts.add_failure(pool, [account], window_seconds=3600)
        found = await accounts.failures(pool, [account, address], window_seconds=3600)
        assert {key: count for key, (count, _) in found.items()} == {account: 2, address: 1}
        await accounts.clear_failures(pool, [account])
        found = await accounts.failures(pool, [account, address], window_seconds=3600)
        assert set(found) == {address}
        # Outside the window a failure no longer counts, and the next failure forgets it.
        assert await accounts.failures(pool, [address], window_seconds=0.0) == {}
