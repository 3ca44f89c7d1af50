"""The pool while the database is away: after one wait for a connection ends without one, the next
callers wait a second, not ten, until a connection is had again (store/database.py)."""

from __future__ import annotations

import socket
import time

import pytest
from psycopg_pool import PoolTimeout

from hirebridge.store.database import AWAY_WAIT_SECONDS, CONNECTION_WAIT_SECONDS, create_pool


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


async def test_a_known_absent_database_is_waited_for_briefly_then_normally_again(database_url: str) -> None:
    pool = create_pool(f"postgresql://nobody@127.0.0.1:{closed_port()}/none?connect_timeout=1")
    await pool.open(wait=False)
    try:
        assert not pool.away
        with pytest.raises(PoolTimeout):
            await pool.getconn(timeout=0.3)
        assert pool.away
        began = time.monotonic()
        with pytest.raises(PoolTimeout):
            async with pool.connection():
                pass
        waited = time.monotonic() - began
        assert AWAY_WAIT_SECONDS * 0.9 <= waited < CONNECTION_WAIT_SECONDS / 2, waited
    finally:
        await pool.close()

    pool = create_pool(database_url)
    await pool.open(wait=True)
    try:
        pool.away = True  # as after an outage: the first connection had clears it
        async with pool.connection() as conn:
            await conn.execute("SELECT 1")
        assert not pool.away
        assert pool.timeout == CONNECTION_WAIT_SECONDS
    finally:
        await pool.close()
