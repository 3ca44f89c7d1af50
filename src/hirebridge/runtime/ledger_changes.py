"""What the ledger says about a changed configuration: effects of removed actions (orphans) and likely
renames not declared with `moved`. Read by `check`, `plan --all` and `status`."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field

import psycopg
from psycopg_pool import AsyncConnectionPool

from hirebridge.config.models import Config
from hirebridge.domain.changes import Orphaned, Rename, likely_renames, removed_actions
from hirebridge.errors import HirebridgeError
from hirebridge.settings import Settings
from hirebridge.store import rollout
from hirebridge.store.database import resolve_database_url


@dataclass
class LedgerChanges:
    removed: list[Orphaned] = field(default_factory=list)
    renames: list[Rename] = field(default_factory=list)
    unread: str | None = None  # why the ledger could not be read


async def ledger_changes(
    pool: AsyncConnectionPool, config: Config, *, connection: str | None = None
) -> LedgerChanges:
    """Over every Lever connection, or the one named."""
    try:
        rows = await rollout.effect_actions(pool)
    except psycopg.errors.UndefinedTable:
        return LedgerChanges()  # a database hirebridge never ran on: nothing was made yet
    grouped = [
        (recipe, action, kind, target, n)
        for lever, recipe, action, kind, target, n, _ in rows
        if connection is None or lever == connection
    ]
    removed = removed_actions(grouped, config)
    renames = likely_renames(removed, config, [(recipe, action) for recipe, action, *_ in grouped])
    return LedgerChanges(removed, renames)


@asynccontextmanager
async def read_only_ledger(settings: Settings) -> AsyncIterator[AsyncConnectionPool | None]:
    """The store, read-only, if there is one to read: a database URL, or an embedded server that has
    been created already (`check` starts none)."""
    if settings.database_url is None and not (settings.data_dir / "pg").exists():
        yield None
        return
    url = resolve_database_url(settings)
    try:  # one attempt: a pool would keep retrying an unreachable server until its timeout
        probe = await psycopg.AsyncConnection.connect(url, connect_timeout=5)
    except psycopg.Error as exc:
        raise HirebridgeError(f"could not connect to the database: {type(exc).__name__}") from exc
    await probe.close()
    pool = AsyncConnectionPool(
        url,
        min_size=1,
        max_size=2,
        open=False,
        kwargs={"autocommit": True, "options": "-c default_transaction_read_only=on", "connect_timeout": 5},
    )
    try:
        await pool.open(wait=True, timeout=10)
    except Exception as exc:
        raise HirebridgeError(f"could not connect to the database: {type(exc).__name__}") from exc
    try:
        yield pool
    finally:
        await pool.close()


async def read_ledger_changes(config: Config, settings: Settings) -> LedgerChanges:
    """For `check`: never fails the check itself; an unreadable store is reported as such."""
    try:
        async with read_only_ledger(settings) as pool:
            if pool is None:
                return LedgerChanges(unread="no database yet")
            return await ledger_changes(pool, config)
    except (HirebridgeError, psycopg.Error) as exc:
        return LedgerChanges(unread=str(exc).splitlines()[0][:200])
