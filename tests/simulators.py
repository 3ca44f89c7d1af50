"""The Lever and Jira simulators as processes on loopback, one pair per test session, shared by the
end-to-end, acceptance and browser tests (the fixtures are in tests/conftest.py)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx2

from hirebridge.demo.processes import LEVER_SIM_SWITCHES, ManagedProcess, free_port


@dataclass
class Simulators:
    lever_url: str
    jira_url: str
    seeds: dict[str, Any] = field(default_factory=dict)  # each simulator's seed when it started

    def reset(self) -> None:
        """The seed each simulator started with (a test may have replaced it), no faults, every webhook
        event on, Lever's retries of a failed delivery fast."""
        for url in (self.lever_url, self.jira_url):
            if url in self.seeds:
                httpx2.post(f"{url}/_sim/seed", json=self.seeds[url], timeout=30).raise_for_status()
            else:
                httpx2.post(f"{url}/_sim/reset", timeout=10).raise_for_status()
        httpx2.post(
            f"{self.lever_url}/_sim/config", json={"webhook_retry_base_seconds": 0.05}, timeout=10
        ).raise_for_status()
        self.lever_settings(enabled_events="all")

    def lever_settings(self, **settings: Any) -> None:
        """Lever's webhook settings page: which events a Super Admin has turned on (the service
        listens on plain HTTP on loopback, the simulator's switch for tests)."""
        httpx2.post(
            f"{self.lever_url}/_sim/webhook_settings",
            json={"allow_http_loopback": True, **settings},
            timeout=10,
        ).raise_for_status()

    def faults(self, *, lever: dict[str, Any] | None = None, jira: dict[str, Any] | None = None) -> None:
        """Replace both simulators' faults; Lever's own rate limit is off unless `lever` sets one."""
        httpx2.delete(f"{self.lever_url}/_sim/faults", timeout=10).raise_for_status()
        lever_knobs = {"rate_limit": {"rps": 0, "burst": 1}, **(lever or {})}
        httpx2.post(f"{self.lever_url}/_sim/faults", json=lever_knobs, timeout=10).raise_for_status()
        jira_knobs = {
            "latency_ms": 0,
            "latency_after_write_ms": 0,
            "rate_429": 0.0,
            "rate_5xx": 0.0,
            "search_lag_seconds": 0.0,
            **(jira or {}),
        }
        httpx2.post(f"{self.jira_url}/_sim/faults", json=jira_knobs, timeout=10).raise_for_status()


@contextmanager
def running_simulators(log_dir: Path) -> Iterator[Simulators]:
    lever_port, jira_port = free_port(), free_port()
    lever = ManagedProcess(
        "sim-lever", ["sim", "lever", "--port", str(lever_port), *LEVER_SIM_SWITCHES], log_dir=log_dir
    )
    jira = ManagedProcess("sim-jira", ["sim", "jira", "--port", str(jira_port)], log_dir=log_dir)
    try:
        sims = Simulators(f"http://127.0.0.1:{lever_port}", f"http://127.0.0.1:{jira_port}")
        lever.wait_http(f"{sims.lever_url}/_sim/state")
        jira.wait_http(f"{sims.jira_url}/_sim/state")
        for url in (sims.lever_url, sims.jira_url):
            sims.seeds[url] = httpx2.get(f"{url}/_sim/seed", timeout=10).raise_for_status().json()
        yield sims
    finally:
        lever.stop()
        jira.stop()
