"""Reference (b) of P1: the same inserts as the ingest path (the inbox row, the subject's version, the
reconcile job) through psycopg, with no HTTP; prints a JSON summary. `--mode batched` stores through
the service's own group commit (runtime/ingest.py); `--mode per-event` commits each event alone, as
the ingest did before it."""

from __future__ import annotations

import argparse
import asyncio
import json
import time
import uuid

import uvloop
from psycopg_pool import AsyncConnectionPool

from bench.stats import latency_summary
from hirebridge.domain.subjects import Subject
from hirebridge.runtime import queue
from hirebridge.runtime.ingest import IngestWriter
from hirebridge.runtime.queue import defer_reconcile
from hirebridge.store import inbox, subjects
from hirebridge.store.database import open_pool
from hirebridge.store.inbox import InboxEvent
from hirebridge.store.migrate import migrate


async def _one_transaction(pool: AsyncConnectionPool, event: InboxEvent) -> None:
    assert event.subject is not None
    async with pool.connection() as conn, conn.transaction():
        stored = await inbox.store_event(
            conn,
            source=event.source,
            dedupe_key=event.dedupe_key,
            event=event.event,
            subject=event.subject,
            payload=event.payload,
        )
        if stored and await subjects.hint(conn, event.subject):
            await defer_reconcile(event.subject, connection=conn)


async def insert_for(
    url: str, *, mode: str, concurrency: int, pool_size: int, seconds: float, count: int
) -> dict:
    latencies: list[float] = []
    async with open_pool(url, max_size=pool_size) as pool:
        await migrate(pool)
        await queue.app.open_async(pool=pool)
        writer = IngestWriter(pool)
        deadline = time.monotonic() + seconds

        async def inserter(index: int) -> None:
            n = 0
            while time.monotonic() < deadline:
                subject = Subject("main", "opportunity", f"bench-opp-{(index * 7919 + n) % count}")
                payload = {"token": uuid.uuid4().hex, "triggeredAt": int(time.time() * 1000), "data": {}}
                event = InboxEvent(
                    source="lever",
                    dedupe_key=f"{payload['token']}:{payload['triggeredAt']}",
                    event="candidateStageChange",
                    subject=subject,
                    payload=payload,
                )
                started = time.perf_counter()
                if mode == "batched":
                    await writer.store(event)
                else:
                    await _one_transaction(pool, event)
                latencies.append(time.perf_counter() - started)
                n += 1

        started = time.monotonic()
        await asyncio.gather(*(inserter(i) for i in range(concurrency)))
        elapsed = time.monotonic() - started
        await queue.app.close_async()
    return {
        "mode": mode,
        "ok": len(latencies),
        "seconds": elapsed,
        "per_second": len(latencies) / elapsed,
    } | {"latencies": latency_summary(latencies)}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("database_url")
    parser.add_argument("--mode", choices=("batched", "per-event"), default="batched")
    parser.add_argument("--concurrency", type=int, default=64)
    parser.add_argument("--pool-size", type=int, default=16)
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--subjects", type=int, default=5000)
    args = parser.parse_args()
    summary = uvloop.run(
        insert_for(
            args.database_url,
            mode=args.mode,
            concurrency=args.concurrency,
            pool_size=args.pool_size,
            seconds=args.seconds,
            count=args.subjects,
        )
    )
    print(json.dumps(summary))


if __name__ == "__main__":
    main()
