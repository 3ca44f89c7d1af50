"""Workers SIGKILLed again and again while candidates move: zero lost and zero duplicated effects.

Jira holds its answer after applying a write (`latency_after_write_ms`) and each kill waits for such a
write, so kills land in the dangerous window: applied in Jira, not yet recorded by hirebridge. One test
does that once, deterministically, and checks the write is found by its marker instead of sent again.

HIREBRIDGE_CRASH_CANDIDATES (CI default 90) and HIREBRIDGE_CRASH_KILLS (default 8) size long runs.
"""

from __future__ import annotations

import asyncio
import random
import threading
import time
from collections.abc import Callable

import httpx2
from acceptance_oracle import World, problems
from acceptance_support import INTERVIEWERS, POSTINGS, Cluster, Recruiter, env_int, eventually

from simulators import Simulators

# Where candidates go: forward, backwards, archived (with Jira work to close), hired, interviewed.
# "sign": the candidate signs the offer in the Offer stage (Lever's accepted offer).
SCRIPTS = (
    ["Phone Screen", "Technical Assessment"],
    ["Phone Screen", "Onsite", "interview", "Offer", "sign"],
    ["Technical Assessment", "Onsite", "Offer", "sign", "Onsite"],
    ["Technical Assessment", "archive:Not a fit"],
    ["Onsite", "interview", "Offer", "sign", "archive:Hired"],
    ["Phone Screen", "interview", "archive:Withdrew"],
)
DAY_MS = 86_400_000


async def play(lever_url: str, count: int, seed: int) -> list[str]:
    rng = random.Random(seed)
    recruiter = Recruiter(lever_url)
    start_ms = int(time.time() * 1000) + 10 * DAY_MS

    async def candidate(index: int) -> str:
        await asyncio.sleep(rng.uniform(0, count / 20))  # arrivals spread over the run
        opportunity_id = await recruiter.create(f"Crash {index:03d}", POSTINGS[index % len(POSTINGS)])
        for step in SCRIPTS[index % len(SCRIPTS)]:
            await asyncio.sleep(rng.uniform(0.0, 0.5))
            if step == "interview":
                await recruiter.schedule(opportunity_id, INTERVIEWERS[index % 2], start_ms + index * 3600_000)
            elif step == "sign":
                await recruiter.sign(opportunity_id)
            elif step.startswith("archive:"):
                await recruiter.archive(opportunity_id, step.split(":", 1)[1])
            else:
                await recruiter.move(opportunity_id, step)
        return opportunity_id

    try:
        return list(await asyncio.gather(*(candidate(i) for i in range(count))))
    finally:
        await recruiter.aclose()


def writes_in_flight(jira_url: str) -> int:
    return int(httpx2.get(f"{jira_url}/_sim/stats", timeout=10).json()["writesInFlight"])


class Killer(threading.Thread):
    """Kills a random worker about every `every` seconds (and starts a new one), `kills` times; each
    kill waits (up to `every`) for a Jira write to be held, so most land between write and record."""

    def __init__(self, cluster: Cluster, *, kills: int, every: float, seed: int) -> None:
        super().__init__(daemon=True)
        self.cluster, self.kills, self.every = cluster, kills, every
        self.rng = random.Random(seed)
        self.done = 0
        self.error: BaseException | None = None

    def run(self) -> None:
        try:
            while self.done < self.kills:
                time.sleep(self.every * self.rng.uniform(0.3, 0.7))
                deadline = time.monotonic() + self.every
                while writes_in_flight(self.cluster.sims.jira_url) == 0 and time.monotonic() < deadline:
                    time.sleep(0.02)
                self.cluster.kill_worker(self.rng.randrange(len(self.cluster.workers)))
                self.done += 1
        except BaseException as exc:  # reported by the test thread
            self.error = exc


def test_sigkilled_workers_lose_and_duplicate_nothing(
    sims: Simulators, make_cluster: Callable[..., Cluster]
) -> None:
    count = env_int("HIREBRIDGE_CRASH_CANDIDATES", 90)
    kills = env_int("HIREBRIDGE_CRASH_KILLS", 8)
    sims.faults(
        lever={"latency_ms": 60},
        jira={"latency_ms": 50, "latency_after_write_ms": 300, "search_lag_seconds": 1.0},
    )
    cluster = make_cluster(workers=3, concurrency=4)
    killer = Killer(cluster, kills=kills, every=max(1.0, count / 20 / kills * 1.5), seed=11)
    killer.start()
    ids = asyncio.run(play(sims.lever_url, count, seed=3))
    killer.join(timeout=300)
    assert killer.error is None and killer.done == kills
    cluster.settle(timeout=180)

    world = World.read(sims.lever_url, sims.jira_url)
    assert problems(world, ids) == []
    # Nothing parked, no reconcile given up.
    assert cluster.query("SELECT recipe, key, last_error FROM effects WHERE state <> 'done'") == []
    assert cluster.backlog()["failed jobs"] == 0


def test_a_write_applied_when_its_worker_dies_is_found_not_sent_again(
    sims: Simulators, make_cluster: Callable[..., Cluster]
) -> None:
    # Long enough that the kill surely lands while Jira holds the answer of an applied write.
    sims.faults(jira={"latency_after_write_ms": 2000})
    cluster = make_cluster(workers=1, concurrency=1)

    async def hire() -> str:
        recruiter = Recruiter(sims.lever_url)
        try:
            opportunity_id = await recruiter.create("Window Walker", POSTINGS[0])
            for stage in ("Phone Screen", "Onsite", "Offer"):
                await recruiter.move(opportunity_id, stage)
            await recruiter.sign(opportunity_id)
            return opportunity_id
        finally:
            await recruiter.aclose()

    opportunity_id = asyncio.run(hire())
    eventually(lambda: writes_in_flight(sims.jira_url), timeout=60, what="a Jira write held in flight")
    cluster.kill_worker(0)
    sims.faults(jira={"latency_after_write_ms": 0})
    cluster.settle(timeout=120)

    assert problems(World.read(sims.lever_url, sims.jira_url), [opportunity_id]) == []
    found = cluster.query("SELECT count(*) FROM audit WHERE action = 'pending-found'")[0][0]
    assert found >= 1, "the write applied before the kill was not found by its marker"
    assert cluster.query("SELECT count(*) FROM effects WHERE state <> 'done'") == [(0,)]
