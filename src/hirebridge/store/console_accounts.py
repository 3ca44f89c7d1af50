"""The console's accounts, sessions and failed sign-ins (store side; the rules live in web/console/)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from psycopg.rows import dict_row
from psycopg_pool import AsyncConnectionPool

from hirebridge.store.sql import QUERIES

Seen = dict[bytes, tuple[int, datetime]]  # key → failures inside the window, the latest's time


@dataclass(frozen=True)
class Account:
    email: str
    role: str
    password_hash: str | None


@dataclass(frozen=True)
class AccountRow:
    email: str
    role: str
    has_password: bool
    created_at: datetime
    last_seen_at: datetime | None


@dataclass(frozen=True)
class SessionRow:
    email: str
    role: str
    csrf: str
    created_at: datetime


async def _rows(pool: AsyncConnectionPool, query: str, args: dict[str, Any]) -> list[dict[str, Any]]:
    async with pool.connection() as conn, conn.cursor(row_factory=dict_row) as cur:
        await cur.execute(QUERIES[query], args)
        return await cur.fetchall() if cur.description else []


async def add(pool: AsyncConnectionPool, email: str, role: str, password_hash: str | None) -> bool:
    """False if the account exists already."""
    args = {"email": email, "role": role, "password_hash": password_hash}
    return bool(await _rows(pool, "console_account_add", args))


async def get(pool: AsyncConnectionPool, email: str) -> Account | None:
    rows = await _rows(pool, "console_account_get", {"email": email})
    return Account(rows[0]["email"], rows[0]["role"], rows[0]["password_hash"]) if rows else None


async def listing(pool: AsyncConnectionPool) -> list[AccountRow]:
    return [AccountRow(**row) for row in await _rows(pool, "console_account_list", {})]


async def remove(pool: AsyncConnectionPool, email: str) -> bool:
    """Its sessions go with it (ON DELETE CASCADE): a removed account is signed out at once."""
    return bool(await _rows(pool, "console_account_remove", {"email": email}))


async def set_role(pool: AsyncConnectionPool, email: str, role: str) -> bool:
    return bool(await _rows(pool, "console_account_set_role", {"email": email, "role": role}))


async def set_password(
    pool: AsyncConnectionPool, email: str, password_hash: str, *, keep: bool = False
) -> bool:
    """Also ends the account's sessions (a changed password signs every browser out) unless `keep`
    (the same password hashed anew)."""
    async with pool.connection() as conn, conn.transaction():
        changed = await conn.execute(
            QUERIES["console_account_set_password"], {"email": email, "password_hash": password_hash}
        )
        if changed.rowcount and not keep:
            await conn.execute(QUERIES["console_sessions_end_for"], {"email": email})
        return bool(changed.rowcount)


async def other_admins(pool: AsyncConnectionPool, email: str) -> int:
    return int((await _rows(pool, "console_admins_left", {"email": email}))[0]["n"])


async def start_session(pool: AsyncConnectionPool, token_hash: bytes, email: str, csrf: str) -> None:
    await _rows(pool, "console_session_start", {"token_hash": token_hash, "email": email, "csrf": csrf})


async def touch_session(
    pool: AsyncConnectionPool, token_hash: bytes, *, idle_seconds: float, absolute_seconds: float
) -> SessionRow | None:
    args = {"token_hash": token_hash, "idle_seconds": idle_seconds, "absolute_seconds": absolute_seconds}
    rows = await _rows(pool, "console_session_touch", args)
    return SessionRow(**rows[0]) if rows else None


async def end_session(pool: AsyncConnectionPool, token_hash: bytes) -> None:
    await _rows(pool, "console_session_end", {"token_hash": token_hash})


async def end_sessions_for(pool: AsyncConnectionPool, email: str) -> None:
    await _rows(pool, "console_sessions_end_for", {"email": email})


async def expire_sessions(pool: AsyncConnectionPool, *, idle_seconds: float, absolute_seconds: float) -> None:
    args = {"idle_seconds": idle_seconds, "absolute_seconds": absolute_seconds}
    await _rows(pool, "console_sessions_expire", args)


async def try_sign_in(
    pool: AsyncConnectionPool,
    keys: list[bytes],
    *,
    window_seconds: float,
    admitted: Callable[[Seen], bool],
) -> tuple[Seen, bool]:
    """The recent failures of each key, and whether `admitted` lets this try go on; a try let go on is
    counted as a failure of every key before its password is checked (`take_back` when it succeeds),
    and the tries on a key are counted one after the other."""
    async with pool.connection() as conn, conn.transaction():
        await conn.execute(QUERIES["console_failures_forget"], {"window_seconds": window_seconds})
        for key in sorted(keys):
            await conn.execute(QUERIES["console_failure_lock"], {"key": key})
        args = {"keys": keys, "window_seconds": window_seconds}
        cur = await conn.execute(QUERIES["console_failures_get"], args)
        seen = {bytes(key): (count, last_at) for key, count, last_at in await cur.fetchall()}
        if not admitted(seen):
            return seen, False
        for key in keys:
            await conn.execute(QUERIES["console_failure_add"], {"key": key, "window_seconds": window_seconds})
    return seen, True


async def take_back(pool: AsyncConnectionPool, key: bytes, previous_at: datetime | None) -> None:
    await _rows(pool, "console_failure_take_back", {"key": key, "previous_at": previous_at})


async def clear_failures(pool: AsyncConnectionPool, keys: list[bytes]) -> None:
    await _rows(pool, "console_failures_clear", {"keys": keys})
