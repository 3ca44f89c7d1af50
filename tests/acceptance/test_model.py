"""The model test: random recruiter actions in Lever under random faults (webhooks duplicated,
reordered and lost; Jira 429, 5xx and latency; workers SIGKILLed). Once the system settles, Jira and
Lever hold exactly what the recipes prescribe for the *final* Lever state, and nothing twice.

One service, two workers and the simulators serve every example (processes are expensive); each
example works on fresh candidates, and the three requisitions carry over.

HIREBRIDGE_MODEL_EXAMPLES (CI default 4), HIREBRIDGE_MODEL_STEPS (default 14) and
HIREBRIDGE_MODEL_SEED size and reproduce long runs; HIREBRIDGE_MODEL_SHRINK=1 shrinks a failure.
"""

from __future__ import annotations

import asyncio
import importlib.util
import os
import time
from collections.abc import Callable, Coroutine
from typing import Any, ClassVar

import httpx2
from acceptance_oracle import World, problems
from acceptance_support import INTERVIEWERS, POSTINGS, STAGES, Cluster, Recruiter, env_int
from hypothesis import HealthCheck, Phase, seed, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    precondition,
    rule,
    run_state_machine_as_test,
)

from simulators import Simulators

# Dropped webhooks are repaired only by a periodic pass over what changed in Lever (the sweep).
SWEEP = importlib.util.find_spec("hirebridge.runtime.sweep") is not None
DAY_MS = 86_400_000
BASE_MS = (int(time.time() * 1000) // DAY_MS + 30) * DAY_MS
SETTLE_SECONDS = float(os.environ.get("HIREBRIDGE_MODEL_SETTLE_SECONDS") or 90)
CANDIDATES = 3
WHO = st.integers(0, CANDIDATES - 1)


def interview_webhooks_arrive(machine: Hiring) -> bool:
    """Interview changes do not move an opportunity's `updatedAt` in Lever, so the sweep cannot see
    them: a lost interview webhook is not repaired (a known gap, see runtime/sweep.py). Interviews are
    changed only while webhooks are not being dropped."""
    return not machine.dropping


def run(coroutine: Coroutine[Any, Any, Any]) -> Any:
    return asyncio.run(coroutine)


class Hiring(RuleBasedStateMachine):
    cluster: ClassVar[Cluster]
    sims: ClassVar[Simulators]
    example: ClassVar[int] = 0

    def __init__(self) -> None:
        super().__init__()
        Hiring.example += 1
        self.ids: list[str] = []
        self.dropping = False
        self.sims.faults()

    def recruiter(self, action: Callable[[Recruiter], Coroutine[Any, Any, Any]]) -> Any:
        async def go() -> Any:
            recruiter = Recruiter(self.sims.lever_url)
            try:
                return await action(recruiter)
            finally:
                await recruiter.aclose()

        return run(go())

    @initialize(postings=st.lists(st.sampled_from(POSTINGS), min_size=CANDIDATES, max_size=CANDIDATES))
    def candidates(self, postings: list[str]) -> None:
        async def create(recruiter: Recruiter) -> list[str]:
            return [
                await recruiter.create(f"Model {self.example:03d}-{i}", posting)
                for i, posting in enumerate(postings)
            ]

        self.ids = self.recruiter(create)

    # Lever actions ------------------------------------------------------------------------------

    @rule(who=WHO, stage=st.sampled_from(sorted(STAGES)))
    def move(self, who: int, stage: str) -> None:
        self.recruiter(lambda r: r.move(self.ids[who], stage))

    @rule(who=WHO)
    def sign_offer(self, who: int) -> None:
        self.recruiter(lambda r: r.sign(self.ids[who]))

    @rule(who=WHO, reason=st.sampled_from(["Not a fit", "Withdrew", "Hired"]))
    def archive(self, who: int, reason: str) -> None:
        self.recruiter(lambda r: r.archive(self.ids[who], reason))

    @rule(who=WHO)
    def unarchive(self, who: int) -> None:
        self.recruiter(lambda r: r.archive(self.ids[who], None))

    @precondition(interview_webhooks_arrive)
    @rule(who=WHO, interviewer=st.sampled_from(INTERVIEWERS), day=st.integers(0, 9))
    def schedule_interview(self, who: int, interviewer: str, day: int) -> None:
        self.recruiter(lambda r: r.schedule(self.ids[who], interviewer, BASE_MS + day * DAY_MS + 3600_000))

    @precondition(interview_webhooks_arrive)
    @rule(who=WHO, day=st.integers(0, 9))
    def reschedule_interview(self, who: int, day: int) -> None:
        async def go(recruiter: Recruiter) -> None:
            interviews = await recruiter.interviews(self.ids[who])
            if interviews:
                await recruiter.reschedule(self.ids[who], interviews[0], BASE_MS + day * DAY_MS + 7200_000)

        self.recruiter(go)

    @precondition(interview_webhooks_arrive)
    @rule(who=WHO)
    def cancel_interview(self, who: int) -> None:
        async def go(recruiter: Recruiter) -> None:
            interviews = await recruiter.interviews(self.ids[who])
            if interviews:
                await recruiter.cancel(self.ids[who], interviews[-1]["id"])

        self.recruiter(go)

    @rule(which=st.integers(0, 2), status=st.sampled_from(["open", "onHold", "closed"]))
    def requisition_status(self, which: int, status: str) -> None:
        async def go(recruiter: Recruiter) -> None:
            requisitions = (await recruiter._call("GET", "/requisitions"))["data"]
            await recruiter.set_requisition(sorted(requisitions, key=lambda q: q["id"])[which], status)

        self.recruiter(go)

    # Faults -------------------------------------------------------------------------------------

    @rule(
        duplicate=st.sampled_from([0, 0.5, 2]),
        reorder=st.booleans(),
        drop=st.sampled_from([0.0, 0.3, 1.0] if SWEEP else [0.0]),
        rate_429=st.sampled_from([0.0, 0.1]),
        rate_5xx=st.sampled_from([0.0, 0.1]),
        latency_ms=st.sampled_from([0, 80]),
    )
    def faults(
        self, duplicate: float, reorder: bool, drop: float, rate_429: float, rate_5xx: float, latency_ms: int
    ) -> None:
        self.dropping = drop > 0
        self.sims.faults(
            lever={"webhook_duplicate": duplicate, "webhook_reorder": reorder, "webhook_drop": drop},
            jira={
                "rate_429": rate_429,
                "rate_5xx": rate_5xx,
                "latency_ms": latency_ms,
                "search_lag_seconds": 1.0,
            },
        )

    @rule(which=st.integers(0, 1))
    def crash_worker(self, which: int) -> None:
        self.cluster.kill_worker(which)

    @precondition(lambda self: bool(self.ids))
    @rule(seconds=st.sampled_from([0.2, 1.0]))
    def pause(self, seconds: float) -> None:
        """Let hirebridge catch up part-way, so later actions reverse work already done."""
        time.sleep(seconds)

    # The check ----------------------------------------------------------------------------------

    def teardown(self) -> None:
        if not self.ids:
            return
        # Faults stop (lost webhooks stay lost); then the periodic repair and the retries must get
        # Jira and Lever to the prescribed state, with nothing done twice on the way.
        self.sims.faults()
        deadline = time.monotonic() + SETTLE_SECONDS
        found: list[str] = []
        while time.monotonic() < deadline:
            self.cluster.settle(timeout=max(1.0, deadline - time.monotonic()))
            found = problems(World.read(self.sims.lever_url, self.sims.jira_url), self.ids, requisitions=True)
            if not found:
                break
            time.sleep(1.0)
        assert found == [], found
        parked = self.cluster.query("SELECT recipe, key, last_error FROM effects WHERE state = 'failed'")
        assert parked == []


def test_recipes_hold_for_the_final_lever_state_under_faults(
    sims: Simulators, make_cluster: Callable[..., Cluster]
) -> None:
    Hiring.sims = sims
    Hiring.cluster = make_cluster(workers=2, concurrency=4)
    httpx2.post(f"{sims.lever_url}/_sim/config", json={"webhook_reorder_window_ms": 150}, timeout=10)
    machine: Any = Hiring
    if os.environ.get("HIREBRIDGE_MODEL_SEED"):
        machine = seed(int(os.environ["HIREBRIDGE_MODEL_SEED"]))(Hiring)
    phases = list(Phase) if os.environ.get("HIREBRIDGE_MODEL_SHRINK") else [Phase.generate]
    run_state_machine_as_test(
        machine,
        settings=settings(
            max_examples=env_int("HIREBRIDGE_MODEL_EXAMPLES", 4),
            stateful_step_count=env_int("HIREBRIDGE_MODEL_STEPS", 14),
            deadline=None,
            database=None,
            phases=phases,
            suppress_health_check=list(HealthCheck),
        ),
    )
