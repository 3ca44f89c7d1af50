"""The Lever budget shared by every process: one bucket in PostgreSQL, spent by priority."""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
import time

import pytest

from hirebridge.runtime.budget import SharedBudget, spending
from hirebridge.store.database import open_pool

RATE, BURST = 40.0, 8
# One process: as many grants as it can, then the moment of each (wall clock, shared by processes).
TAKER = """
import asyncio, json, sys, time
from hirebridge.runtime.budget import SharedBudget
from hirebridge.store.database import open_pool

async def main(url: str, count: int) -> None:
    async with open_pool(url, max_size=2) as pool:
        budget = SharedBudget(pool, "main", rate=RATE, burst=BURST)
        await budget.acquire()  # warm: the first grant starts when every process is ready
        stamps = []
        for _ in range(count):
            await budget.acquire()
            stamps.append(time.time())
    print(json.dumps(stamps))

asyncio.run(main(sys.argv[1], int(sys.argv[2])))
""".replace("RATE", str(RATE)).replace("BURST", str(BURST))


def test_processes_share_one_bucket(database_url: str) -> None:
    count = 30
    takers = [
        subprocess.Popen([sys.executable, "-c", TAKER, database_url, str(count)], stdout=subprocess.PIPE)
        for _ in range(3)
    ]
    stamps = sorted(t for p in takers for t in json.loads(p.communicate(timeout=60)[0]))
    assert len(stamps) == 3 * count
    # A token bucket: in any window of w seconds at most burst + rate × w grants (plus the warm-ups'
    # burst, taken before), whatever process took them.
    for i, first in enumerate(stamps):
        for j in range(i, len(stamps)):
            window = stamps[j] - first
            assert j - i + 1 <= 2 * BURST + RATE * window + 1, (j - i + 1, window)
    # And the rate was used, not just respected: 90 grants take about (90 − burst) / rate.
    assert stamps[-1] - stamps[0] < 2 * (3 * count) / RATE


@pytest.mark.asyncio
async def test_live_requests_are_served_while_a_backfill_spends_the_rest(database_url: str) -> None:
    async with open_pool(database_url, max_size=6) as pool:
        budget = SharedBudget(pool, "main", rate=RATE, burst=20)
        background = 0

        async def backfill() -> None:
            nonlocal background
            with spending("background"):
                while True:
                    await budget.acquire()
                    background += 1

        tasks = [asyncio.create_task(backfill()) for _ in range(4)]
        try:
            await asyncio.sleep(1.0)  # the backfill has spent the bucket down to its reserve
            assert background >= 20 * 0.5
            waits = []
            for _ in range(3):
                began = time.monotonic()
                for _ in range(5):  # one reconcile's reads and writes
                    await budget.acquire()
                waits.append(time.monotonic() - began)
                await asyncio.sleep(0.3)
            took = background
            await asyncio.sleep(1.0)
            rate = background - took
        finally:
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)
    # Live work found the reserve each time: no wait behind the backfill's requests.
    assert max(waits) < 0.1, waits
    # The backfill still ran at about the rate the live work left.
    assert rate >= RATE * 0.6, rate


@pytest.mark.asyncio
async def test_a_429_empties_the_bucket_for_every_process(database_url: str) -> None:
    async with open_pool(database_url, max_size=2) as pool:
        one = SharedBudget(pool, "main", rate=RATE, burst=BURST)
        other = SharedBudget(pool, "main", rate=RATE, burst=BURST)
        await one.acquire()
        await one.throttled()
        began = time.monotonic()
        await other.acquire()
        waited = time.monotonic() - began
    assert waited >= BURST / RATE * 0.8, waited
