"""P4: throughput of 1 and of 4 `hirebridge worker` processes draining the same backlog with Jira
answering in 200 ms. P5: webhook → Jira epic latency at 50 events/s with Jira answering in 50 ms.

Times come from the Jira simulator's own `created` stamps (millisecond precision, same clock), so
worker start-up is not counted: P4's rate is epics created per second over the middle 80 % of them."""

from __future__ import annotations

import time
from datetime import datetime
from typing import Any

import httpx2
import uvloop

from bench.pipeline import PIPELINE, Season, jira_snapshot, wait_synced
from bench.stack import Stack
from bench.stats import latency_summary

WORKER_CONCURRENCY = 4


def _epics(stack: Stack) -> dict[str, float]:
    """Epic summary → created (epoch seconds)."""
    return {
        i["summary"]: datetime.strptime(i["fields"]["created"], "%Y-%m-%dT%H:%M:%S.%f%z").timestamp()
        for i in jira_snapshot(stack)
        if i["issuetype"] == "Epic"
    }


def _backlog_drained(stack: Stack, count: int, workers: int, timeout: float) -> dict[str, Any]:
    database_url = stack.fresh(jira_faults={"latency_ms": 200})
    config = stack.config(workers=WORKER_CONCURRENCY)
    url, service = stack.serve(database_url, config, workers=False)
    processes = []
    try:
        season = Season(stack, count)
        uvloop.run(season.create())
        uvloop.run(season.move())
        httpx2.post(f"{stack.lever_url}/_sim/deliveries/wait", json={"timeout_seconds": 60}, timeout=90)
        processes = [stack.worker(database_url, config, url) for _ in range(workers)]
        wait_synced(database_url, stack, timeout)
    finally:
        for process in processes:
            stack.stop(process)
        stack.stop(service)
    created = sorted(_epics(stack).values())
    # The middle 80 %: the workers' start-up (staggered imports) and the last stragglers are not
    # what a scale-out changes.
    low, high = int(len(created) * 0.1), int(len(created) * 0.9)
    span = created[high] - created[low]
    return {
        "workers": workers,
        "epics": len(created),
        "seconds_total": round(created[-1] - created[0], 2),
        "per_second": round((high - low) / span, 2),
    }


def scale_out(stack: Stack, *, count: int, timeout: float = 300) -> dict[str, Any]:
    one = _backlog_drained(stack, count, 1, timeout)
    four = _backlog_drained(stack, count, 4, timeout)
    return {"one": one, "four": four, "speed_up": round(four["per_second"] / one["per_second"], 2)}


def latency(stack: Stack, *, count: int, rate: float = 50, timeout: float = 300) -> dict[str, Any]:
    database_url = stack.fresh(jira_faults={"latency_ms": 50})
    _, service = stack.serve(database_url, stack.config(workers=16), workers=True)
    try:
        season = Season(stack, count)
        uvloop.run(season.create())
        uvloop.run(season.move(PIPELINE[:-1]))
        wait_synced(database_url, stack, timeout)
        started = time.time()
        uvloop.run(season.move(PIPELINE[-1:], rate=rate))
        wait_synced(database_url, stack, timeout)
    finally:
        stack.stop(service)
    created = _epics(stack)
    names = {o: f"Onboarding Bench Candidate {n:05d}" for n, o in enumerate(season.ids)}
    delays = [created[names[o]] - moved for o, moved in season.moved_at.items() if names[o] in created]
    return {
        "events": len(season.moved_at),
        "events_per_second": round(len(season.moved_at) / (max(season.moved_at.values()) - started), 1),
        "epics": len(delays),
        "jira_latency_ms": 50,
        "latencies": latency_summary(delays),
    }
