"""P2, P3 and P6: a season of candidates moved through the pipeline until Jira is fully synced, with
the Jira simulator limited to R requests/s for the whole site; P3 the same with every webhook
delivered 10× and reordered; P6 the service's peak RSS meanwhile.

The bound is the slower of the fewest Jira calls the recipes need ÷ R (one create per onboarding
epic: each candidate's epic is its own reconcile, so Jira's bulk create has one issue to carry) and
the fewest Lever calls ÷ Lever's 10 requests/s (one read of each candidate after its last move)."""

from __future__ import annotations

import threading
import time
from collections import Counter
from typing import Any

import httpx2
import uvloop

from bench.pipeline import Season, jira_calls, jira_snapshot, lever_calls, wait_synced
from bench.stack import Stack

MIN_JIRA_CALLS_PER_EPIC = 1
MIN_LEVER_READS_PER_CANDIDATE = 1
LEVER_RPS = 10.0


class PeakRss:
    """Samples a process's resident memory (Linux /proc) every 0.2 s in a thread."""

    def __init__(self, pid: int) -> None:
        self.pid = pid
        self.peak_kb = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.wait(0.2):
            try:
                with open(f"/proc/{self.pid}/status") as status:
                    for line in status:
                        if line.startswith("VmRSS:"):
                            self.peak_kb = max(self.peak_kb, int(line.split()[1]))
            except OSError:
                return

    def stop(self) -> float:
        self._stop.set()
        self._thread.join()
        return round(self.peak_kb / 1024, 1)


def run(stack: Stack, *, count: int, jira_rps: float, storm: bool, timeout: float = 400) -> dict[str, Any]:
    database_url = stack.fresh(jira_faults={"rate_limit_rps": jira_rps, "rate_limit_scope": "site"})
    if storm:
        faults = {"webhook_duplicate": 9, "webhook_reorder": True}
        httpx2.post(f"{stack.lever_url}/_sim/faults", json=faults, timeout=10).raise_for_status()
    _, service = stack.serve(database_url, stack.config(workers=16, jira_rps=jira_rps), workers=True)
    rss = PeakRss(service.process.pid)
    try:
        season = Season(stack, count)
        uvloop.run(season.create())
        wait_synced(database_url, stack, timeout)
        httpx2.request("DELETE", f"{stack.jira_url}/_sim/stats", timeout=10)
        lever_before = lever_calls(stack)
        started = time.time()
        uvloop.run(season.move())
        driven = time.time() - started
        finished = wait_synced(database_url, stack, timeout)
        lever_after = lever_calls(stack)
    finally:
        peak = rss.stop()
        stack.stop(service)
    calls = jira_calls(stack)
    epics = Counter(
        i["summary"] for i in jira_snapshot(stack) if i["issuetype"] == "Epic" and i["project"] == "ONB"
    )
    jira_bound = count * MIN_JIRA_CALLS_PER_EPIC / jira_rps
    lever_bound = count * MIN_LEVER_READS_PER_CANDIDATE / LEVER_RPS
    bound = max(jira_bound, lever_bound)
    elapsed = finished - started
    return {
        "candidates": count,
        "jira_rps": jira_rps,
        "storm": storm,
        "seconds": round(elapsed, 2),
        "driving_seconds": round(driven, 2),
        "bound_seconds": round(bound, 2),
        "bound_by": "lever" if lever_bound > jira_bound else "jira",
        "ratio_to_bound": round(elapsed / bound, 3),
        "epics": len(epics),
        "duplicates": sum(n - 1 for n in epics.values()),
        "missing": count - len(epics),
        "jira_calls": calls["total"],
        "jira_creates": calls["byRoute"].get("POST /rest/api/3/issue", 0),
        # Turned away by the site's rate limit and sent again: our limiter and Jira's bucket run at the
        # same R, so arrival jitter at the edge can meet an empty bucket.
        "jira_refused": sum(calls.get("refusedByRoute", {}).values()),
        "jira_calls_per_epic": round(calls["total"] / max(1, len(epics)), 3),
        "jira_calls_by_route": calls["byRoute"],
        "lever_calls_by_hirebridge": lever_after - lever_before - season.calls + count,
        "peak_rss_mb": peak,
    }
