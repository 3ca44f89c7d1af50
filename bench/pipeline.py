"""A hiring season driven through the Lever simulator's own API, as recruiters clicking would (48 at
once, on the lean client of bench/rawhttp.py), and the wait until hirebridge has caught up
(`python -m bench.pipeline` is not a thing: the scenarios call it)."""

from __future__ import annotations

import asyncio
import time
from typing import Any

import httpx2
import psycopg

from bench.rawhttp import JsonClient
from bench.stack import RECRUITER_KEY, Stack

# Four moves a candidate, the last into the Offer stage (the last of every Lever pipeline): the recipe
# fires on that move's webhook. An offer's signature sends no webhook, so it would measure the poll.
PIPELINE = ("Phone Screen", "Technical Assessment", "Onsite", "Offer")
DRIVERS = 48


class Season:
    """`count` candidates created at New Applicant, then each taken through PIPELINE."""

    def __init__(self, stack: Stack, count: int) -> None:
        self.stack = stack
        self.count = count
        self.ids: list[str] = []
        self.moved_at: dict[str, float] = {}  # opportunity → wall time its last move was answered
        self.calls = 0

    async def _client(self) -> tuple[JsonClient, dict[str, str], str, str]:
        client = JsonClient(f"{self.stack.lever_url}/v1", size=DRIVERS, basic_user=RECRUITER_KEY)
        stages = {s["text"]: s["id"] for s in (await client.request("GET", "/stages"))["data"]}
        users = {u["email"]: u["id"] for u in (await client.request("GET", "/users"))["data"]}
        posting = next(p["id"] for p in (await client.request("GET", "/postings"))["data"])
        return client, stages, users["rita@example.com"], posting

    async def create(self) -> None:
        client, stages, me, posting = await self._client()
        try:

            async def one(n: int) -> str:
                body = {
                    "name": f"Bench Candidate {n:05d}",
                    "postings": [posting],
                    "stage": stages["New Applicant"],
                }
                answer = await client.request(
                    "POST", "/opportunities", params={"perform_as": me}, json_body=body
                )
                return str(answer["data"]["id"])

            self.ids = await _bounded([lambda n=n: one(n) for n in range(self.count)])
        finally:
            await client.aclose()
        self.calls += self.count

    async def move(self, stages_to: tuple[str, ...] = PIPELINE, *, rate: float | None = None) -> None:
        """Every candidate through `stages_to`; with `rate`, candidates start at that many per second."""
        client, stages, me, _ = await self._client()
        try:

            async def walk(opportunity: str) -> None:
                for stage in stages_to:
                    await client.request(
                        "PUT",
                        f"/opportunities/{opportunity}/stage",
                        params={"perform_as": me},
                        json_body={"stage": stages[stage]},
                    )
                self.moved_at[opportunity] = time.time()

            if rate is None:
                await _bounded([lambda o=o: walk(o) for o in self.ids])
            else:
                tasks = []
                for opportunity in self.ids:
                    tasks.append(asyncio.create_task(walk(opportunity)))
                    await asyncio.sleep(1 / rate)
                await asyncio.gather(*tasks)
        finally:
            await client.aclose()
        self.calls += len(self.ids) * len(stages_to)


async def _bounded(calls: list[Any]) -> list[Any]:
    gate = asyncio.Semaphore(DRIVERS)

    async def run(call: Any) -> Any:
        async with gate:
            return await call()

    return await asyncio.gather(*(run(c) for c in calls))


def synced(database_url: str, stack: Stack) -> bool:
    """Nothing behind, no reconcile queued or running, no webhook still to be delivered."""
    with psycopg.connect(database_url) as conn:
        behind = conn.execute(
            "SELECT count(*) FROM subjects WHERE synced_version < desired_version"
        ).fetchone()
        jobs = conn.execute(
            "SELECT count(*) FROM procrastinate_jobs WHERE status IN ('todo', 'doing')"
            " AND task_name LIKE 'reconcile_%'"
        ).fetchone()
    pending = (
        httpx2.get(f"{stack.lever_url}/_sim/deliveries", params={"limit": 0}, timeout=10)
        .json()
        .get("pending", 0)
    )
    return behind == (0,) and jobs == (0,) and pending == 0


def wait_synced(database_url: str, stack: Stack, timeout: float) -> float:
    """Wall time at which hirebridge was first seen fully caught up (three quiet polls in a row)."""
    deadline, quiet, first = time.monotonic() + timeout, 0, 0.0
    while time.monotonic() < deadline:
        if synced(database_url, stack):
            first = first or time.time()
            quiet += 1
            if quiet >= 3:
                return first
        else:
            quiet, first = 0, 0.0
        time.sleep(0.2)
    raise TimeoutError(f"not synced after {timeout:.0f} s")


def jira_snapshot(stack: Stack) -> list[dict[str, Any]]:
    return httpx2.get(f"{stack.jira_url}/_sim/state", timeout=60).json()["issues"]


def jira_calls(stack: Stack) -> dict[str, Any]:
    return httpx2.get(f"{stack.jira_url}/_sim/stats", timeout=10).json()


def lever_calls(stack: Stack) -> int:
    return int(httpx2.get(f"{stack.lever_url}/_sim/stats", timeout=10).json()["total"])
