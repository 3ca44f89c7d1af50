"""The queue as its backlog grows: the time a worker spends taking a job (procrastinate's fetch, the
statement every worker runs per job) and ending it (deleted on success, as `hirebridge worker` does),
with 1,000 to 100,000 reconciles waiting; each size with hirebridge's index on waiting jobs' locks
(migration 0013) and, as the reference, with procrastinate's own indexes alone.

The backlog is what ingest leaves: one waiting reconcile per subject (a burst about one candidate is
one job), each with the subject's lock. It is written with one INSERT, then ANALYZEd, as autovacuum
would have done by the time a backlog that size had built up. Each size gets a database of its own.
"""

from __future__ import annotations

import asyncio
import time
import uuid
from typing import Any

import psycopg

from bench.stats import latency_summary, ratio
from hirebridge.store.database import ensure_database, open_pool, with_database
from hirebridge.store.migrate import migrate

BACKLOG = """
INSERT INTO procrastinate_jobs (queue_name, task_name, lock, args)
SELECT 'default', 'reconcile_opportunity', 'main:opportunity:opp-' || n,
       jsonb_build_object('connection', 'main', 'opportunity_id', 'opp-' || n)
FROM generate_series(1, %(count)s) AS n
"""
# The reference: the schema as procrastinate alone would leave it.
WITHOUT_OUR_INDEX = "DROP INDEX hirebridge_jobs_lock_waiting_idx"
FETCH = "SELECT id FROM procrastinate_fetch_job_v2(NULL, %(worker)s)"
FINISH = "SELECT procrastinate_finish_job_v1(%(id)s, 'succeeded', true)"


def _migrated_database(admin_uri: str) -> str:
    name = f"bench_fetch_{uuid.uuid4().hex[:10]}"
    ensure_database(admin_uri, name)
    url = with_database(admin_uri, name)

    async def run() -> None:
        async with open_pool(url, max_size=2) as pool:
            await migrate(pool)

    asyncio.run(run())
    return url


def measure(admin_uri: str, backlog: int, fetches: int, *, our_index: bool) -> dict[str, Any]:
    """Fetch and end `fetches` jobs from a backlog of `backlog`, one at a time, as one worker slot."""
    url = _migrated_database(admin_uri)
    with psycopg.connect(url, autocommit=True) as conn:
        if not our_index:
            conn.execute(WITHOUT_OUR_INDEX)
        began = time.perf_counter()
        conn.execute(BACKLOG, {"count": backlog})
        conn.execute("ANALYZE procrastinate_jobs")
        filled = time.perf_counter() - began
        row = conn.execute("SELECT worker_id FROM procrastinate_register_worker_v1()").fetchone()
        assert row is not None
        fetch_seconds, finish_seconds = [], []
        for _ in range(fetches):
            t0 = time.perf_counter()
            job = conn.execute(FETCH, {"worker": row[0]}).fetchone()
            t1 = time.perf_counter()
            assert job is not None and job[0] is not None, "the backlog ran dry"
            conn.execute(FINISH, {"id": job[0]})
            fetch_seconds.append(t1 - t0)
            finish_seconds.append(time.perf_counter() - t1)
    total = sum(fetch_seconds) + sum(finish_seconds)
    return {
        "backlog": backlog,
        "our_index": our_index,
        "fetches": fetches,
        "fill_seconds": round(filled, 2),
        "fetch": latency_summary(fetch_seconds),
        "finish": latency_summary(finish_seconds),
        "jobs_per_second": round(fetches / total, 1),
    }


def run(admin_uri: str, sizes: list[int], fetches: int) -> dict[str, Any]:
    """Each size with and without our index, alternating, so that both meet the same machine."""
    found: dict[str, Any] = {"sizes": sizes, "with_index": [], "procrastinate_only": []}
    for size in sizes:
        found["procrastinate_only"].append(measure(admin_uri, size, fetches, our_index=False))
        found["with_index"].append(measure(admin_uri, size, fetches, our_index=True))
    for key in ("with_index", "procrastinate_only"):
        runs = found[key]
        found[f"{key}_growth_p50"] = ratio(runs[-1]["fetch"]["p50_ms"], runs[0]["fetch"]["p50_ms"])
    return found
