"""Workers SIGKILLed again and again while candidates move: zero lost and zero duplicated effects.

Jira and Lever answer slowly (latency faults), so most kills land while a write is in flight: sent,
not yet recorded. The ledger's audit must show such writes were found by their marker afterwards.

HIREBRIDGE_CRASH_CANDIDATES (CI default 90) and HIREBRIDGE_CRASH_KILLS (default 8) size long runs.
"""

from __future__ import annotations

import asyncio
import random
import threading
import time
from collections.abc import Callable

from acceptance_oracle import World, problems
from acceptance_support import INTERVIEWERS, POSTINGS, Cluster, Recruiter, Simulators, env_int

# Where candidates go: forward, backwards, archived (with Jira work to close), hired, interviewed.
SCRIPTS = (
    ["Phone Screen", "Technical Assessment"],
    ["Phone Screen", "Onsite", "interview", "Offer", "Offer Accepted"],
    ["Technical Assessment", "Onsite", "Offer", "Offer Accepted", "Onsite"],
    ["Technical Assessment", "archive:Not a fit"],
    ["Onsite", "interview", "Offer", "Offer Accepted", "archive:Hired"],
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
            elif step.startswith("archive:"):
                await recruiter.archive(opportunity_id, step.split(":", 1)[1])
            else:
                await recruiter.move(opportunity_id, step)
        return opportunity_id

    try:
        return list(await asyncio.gather(*(candidate(i) for i in range(count))))
    finally:
        await recruiter.aclose()


class Killer(threading.Thread):
    """Kills a random worker every `every` seconds (and starts a new one), `kills` times."""

    def __init__(self, cluster: Cluster, *, kills: int, every: float, seed: int) -> None:
        super().__init__(daemon=True)
        self.cluster, self.kills, self.every = cluster, kills, every
        self.rng = random.Random(seed)
        self.done = 0
        self.error: BaseException | None = None

    def run(self) -> None:
        try:
            while self.done < self.kills:
                time.sleep(self.every * self.rng.uniform(0.6, 1.4))
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
        jira={"latency_ms": 150, "search_lag_seconds": 1.0},
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
    # The dangerous window was hit: a write that had reached Jira or Lever when its worker died was
    # found by its marker afterwards (instead of being sent again).
    recovered = cluster.query("SELECT count(*) FROM audit WHERE action = 'pending-found'")[0][0]
    assert recovered > 0, "no kill landed between sending a write and recording it"
