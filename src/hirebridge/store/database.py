"""Where the database is: an embedded PostgreSQL under the data directory, or a server by URL."""

from __future__ import annotations

import asyncio
import contextlib
import time
import weakref
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import psycopg
import structlog
from psycopg_pool import AsyncConnectionPool, PoolTimeout

from hirebridge.errors import DatabaseError
from hirebridge.settings import Settings
from hirebridge.store import embedded
from hirebridge.store.sql import QUERIES

DATABASE_NAME = "hirebridge"

log = structlog.get_logger(__name__)


def embedded_server_uri(pgdata: Path) -> str:
    """Start (or join) the embedded PostgreSQL in `pgdata` and return its admin URI; it stops when the
    last process using it ends (store/embedded.py).

    The server listens on a Unix socket only, so this mode is for one machine; use
    HIREBRIDGE_DATABASE_URL to share a database between machines.
    """
    pgdata = pgdata.resolve()
    pgdata.mkdir(parents=True, exist_ok=True)
    try:
        return embedded.join(pgdata)
    except Exception as exc:
        raise DatabaseError(f"could not start the embedded PostgreSQL in {pgdata}: {exc}") from exc


def with_database(uri: str, name: str) -> str:
    """The same server URI, pointed at another database."""
    info = psycopg.conninfo.conninfo_to_dict(uri)
    info["dbname"] = name
    return psycopg.conninfo.make_conninfo(**info)


def ensure_database(admin_uri: str, name: str, *, template: str | None = None) -> None:
    with psycopg.connect(admin_uri, autocommit=True) as conn:
        exists = conn.execute(QUERIES["database_exists"], {"name": name}).fetchone()
        if exists:
            return
        query = psycopg.sql.SQL("CREATE DATABASE {}").format(psycopg.sql.Identifier(name))
        if template:
            query = psycopg.sql.SQL("CREATE DATABASE {} TEMPLATE {}").format(
                psycopg.sql.Identifier(name), psycopg.sql.Identifier(template)
            )
        with contextlib.suppress(psycopg.errors.DuplicateDatabase):
            conn.execute(query)


def recreate_database(admin_uri: str, name: str) -> str:
    """An empty database `name` (dropped first, its sessions ended, when it exists); its URI."""
    with psycopg.connect(admin_uri, autocommit=True) as conn:
        conn.execute(
            psycopg.sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(psycopg.sql.Identifier(name))
        )
        conn.execute(psycopg.sql.SQL("CREATE DATABASE {}").format(psycopg.sql.Identifier(name)))
    return with_database(admin_uri, name)


def resolve_database_url(settings: Settings) -> str:
    """The URL to connect to: HIREBRIDGE_DATABASE_URL, or the embedded server's `hirebridge` database."""
    if settings.database_url:
        return settings.database_url
    admin_uri = embedded_server_uri(settings.data_dir / "pg")
    ensure_database(admin_uri, DATABASE_NAME)
    return with_database(admin_uri, DATABASE_NAME)


class CheckWhenIdle:
    """The pool's `check`: a round trip to the server before a connection is handed out, but only for
    one that sat idle in the pool for a while. Checking every checkout doubled the round trips of a
    reconcile (each store call takes a connection); a connection returned moments ago is known to
    work, and if the server went away meanwhile the query fails, the pool drops the connection and
    the job or webhook is retried."""

    def __init__(self, idle_seconds: float = 10.0) -> None:
        self.idle_seconds = idle_seconds
        self._returned: weakref.WeakKeyDictionary[psycopg.AsyncConnection[Any], float] = (
            weakref.WeakKeyDictionary()
        )

    async def check(self, conn: psycopg.AsyncConnection[Any]) -> None:
        returned = self._returned.get(conn)
        if returned is None or time.monotonic() - returned > self.idle_seconds:
            await AsyncConnectionPool.check_connection(conn)

    async def returned(self, conn: psycopg.AsyncConnection[Any]) -> None:
        self._returned[conn] = time.monotonic()


# How long a caller waits for a connection: when the database goes away, a webhook is answered 503
# and a job fails (to be retried) after this, instead of after the pool's default half-minute.
CONNECTION_WAIT_SECONDS = 10.0
# Once a wait ended without a connection, the next callers wait this long only, until one gets a
# connection again: while the database is known away a webhook is answered 503 at once, not held
# for ten seconds, which may be longer than Lever's and Jira's senders wait (neither documents it).
AWAY_WAIT_SECONDS = 1.0


class ServicePool(AsyncConnectionPool):
    """The pool, knowing whether the last wait for a connection ended without one."""

    away = False

    # psycopg_pool's own signature, `timeout` included.
    async def getconn(self, timeout: float | None = None) -> psycopg.AsyncConnection[Any]:  # noqa: ASYNC109
        if timeout is None and self.away:
            timeout = AWAY_WAIT_SECONDS
        try:
            conn = await super().getconn(timeout)
        except PoolTimeout:
            self.away = True
            raise
        self.away = False
        return conn


def create_pool(url: str, *, max_size: int = 10) -> ServicePool:
    """One pool per process, shared by the web app, the store and procrastinate."""
    idle = CheckWhenIdle()
    return ServicePool(
        url,
        min_size=1,
        max_size=max_size,
        open=False,
        timeout=CONNECTION_WAIT_SECONDS,
        # A connection that cannot be made is retried with doubling delays (1, 2, 4 … s) until this,
        # then the next request tries at once: the pool is back within seconds of the server, however
        # long the outage, instead of at its next, ever later retry.
        reconnect_timeout=5.0,
        # Not kwargs={"autocommit": True}: procrastinate's LISTEN connection passes autocommit itself.
        configure=_autocommit,
        check=idle.check,
        reset=idle.returned,
    )


async def _autocommit(conn: psycopg.AsyncConnection) -> None:
    await conn.set_autocommit(True)


async def database_problem(pool: AsyncConnectionPool, *, within: float = 1.5) -> str | None:
    """None when the database answers a round trip within `within` seconds; else what is wrong, in a
    line (and the service's pool knows the database is away)."""
    try:
        async with asyncio.timeout(within):
            async with pool.connection(timeout=within) as conn:
                await conn.execute(QUERIES["round_trip"])
    except TimeoutError:
        problem = f"the database did not answer within {within:g} s"
    except psycopg.Error as exc:
        problem = f"{type(exc).__name__}: {exc}".splitlines()[0][:200]
    else:
        return None
    if isinstance(pool, ServicePool):
        pool.away = True
    return problem


@contextlib.asynccontextmanager
async def open_pool(
    url: str, *, max_size: int = 10, wait_for_database: bool = False
) -> AsyncIterator[AsyncConnectionPool]:
    """`wait_for_database`: a service starting while the database is away waits for it (a log line
    every half-minute) instead of failing; commands fail after half a minute."""
    while True:
        pool = create_pool(url, max_size=max_size)
        try:
            await pool.open(wait=True, timeout=30)
            break
        except Exception as exc:
            await pool.close()
            if not wait_for_database:
                raise DatabaseError(f"could not connect to the database: {exc}") from exc
            log.warning("waiting for the database", problem=f"{type(exc).__name__}: {exc}"[:300])
    try:
        yield pool
    finally:
        await pool.close()
