"""The system under test as in production: embedded PostgreSQL, the simulators and `hirebridge serve`
(plus `hirebridge worker` processes), each a real process on loopback."""

from __future__ import annotations

import os
import subprocess
import sys
import time
import uuid
from pathlib import Path
from typing import Any

import httpx2
import psycopg

from hirebridge.demo.processes import LEVER_SIM_SWITCHES, ManagedProcess, free_port
from hirebridge.store.database import embedded_server_uri, ensure_database, with_database

LEVER_KEY, RECRUITER_KEY = "sim-lever-key", "sim-lever-recruiter-key"
JIRA_TOKEN = "sim-token"
# Deliveries the Lever simulator keeps in flight to hirebridge, as a dispatcher with a pool of senders
# would (Lever documents neither its concurrency nor an order; the simulator's default is one by one).
WEBHOOK_CONCURRENCY = 8
CONFIG = """
version: 1
service: {public_url: "${HIREBRIDGE_PUBLIC_URL}", workers: %(workers)d}
lever:
  main:
    base_url: ${LEVER_BASE_URL}
    api_key: ${LEVER_API_KEY}
    perform_as: rita@example.com
    sweep_interval_seconds: 3600
    poll_interval_seconds: 3600
jira:
  main:
    base_url: ${JIRA_BASE_URL}
    email: admin@example.com
    api_token: ${JIRA_API_TOKEN}
    requests_per_second: %(jira_rps)s
    search_consistency_seconds: 1
    register_webhook: false
recipes:
  - name: onboarding
    when: {stage_reached: Offer}
    allow: [candidate.name]
    actions:
      - id: epic
        jira_issue:
          project: ONB
          type: Epic
          summary: "Onboarding {{ candidate.name }}"
          remote_link: false
"""


class Stack:
    def __init__(self, work: Path) -> None:
        self.work = work
        self.logs = work / "logs"
        self.admin_uri = embedded_server_uri(work / "pg")
        self.processes: list[ManagedProcess] = []
        lever_port, jira_port = free_port(), free_port()
        self.lever_url = f"http://127.0.0.1:{lever_port}"
        self.jira_url = f"http://127.0.0.1:{jira_port}"
        self._start(
            "sim-lever",
            ["sim", "lever", "--port", str(lever_port), *LEVER_SIM_SWITCHES],
            f"{self.lever_url}/_sim/state",
        )
        self._start("sim-jira", ["sim", "jira", "--port", str(jira_port)], f"{self.jira_url}/_sim/state")
        # The account as the simulator starts (scenarios seed opportunities into it, then reset it).
        self._lever_seed = httpx2.get(f"{self.lever_url}/_sim/seed", timeout=30).json()

    def _start(
        self, name: str, args: list[str], ready: str, env: dict[str, str] | None = None
    ) -> ManagedProcess:
        process = ManagedProcess(name, args, env=env, log_dir=self.logs)
        self.processes.append(process)
        process.wait_http(ready, timeout=60)
        return process

    def fresh(self, *, jira_faults: dict[str, Any] | None = None) -> str:
        """Simulators reset (Lever at its real limit for hirebridge's key, Jira as asked) and a new
        database; its URL. The recruiters' key stands for people working in Lever's UI, which spends
        none of the API's budget: it is exempt."""
        httpx2.post(f"{self.lever_url}/_sim/seed", json=self._lever_seed, timeout=30).raise_for_status()
        httpx2.post(f"{self.jira_url}/_sim/reset", timeout=30).raise_for_status()
        self.lever_limit()
        httpx2.post(
            f"{self.lever_url}/_sim/config",
            json={"webhook_retry_base_seconds": 0.2, "webhook_concurrency": WEBHOOK_CONCURRENCY},
            timeout=10,
        ).raise_for_status()
        httpx2.post(f"{self.jira_url}/_sim/faults", json=jira_faults or {}, timeout=10).raise_for_status()
        name = f"bench_{uuid.uuid4().hex[:10]}"
        ensure_database(self.admin_uri, name)
        return with_database(self.admin_uri, name)

    def lever_limit(self) -> None:
        """Lever's documented limit for hirebridge's key (a new seed resets the simulator's faults)."""
        faults = {"rate_limit": {"rps": 10, "burst": 20}, "rate_limit_exempt": [RECRUITER_KEY]}
        httpx2.post(f"{self.lever_url}/_sim/faults", json=faults, timeout=10).raise_for_status()

    def env(self, database_url: str, public_url: str) -> dict[str, str]:
        return {
            "HIREBRIDGE_DATABASE_URL": database_url,
            "HIREBRIDGE_PUBLIC_URL": public_url,
            "LEVER_BASE_URL": self.lever_url,
            "LEVER_API_KEY": LEVER_KEY,
            "JIRA_BASE_URL": self.jira_url,
            "JIRA_API_TOKEN": JIRA_TOKEN,
            "HIREBRIDGE_LOG_LEVEL": "warning",
        }

    def config(self, *, workers: int = 8, jira_rps: float = 1000) -> Path:
        path = self.work / f"config-{workers}-{jira_rps}.yaml"
        path.write_text(CONFIG % {"workers": workers, "jira_rps": jira_rps})
        return path

    def serve(self, database_url: str, config: Path, *, workers: bool) -> tuple[str, ManagedProcess]:
        port = free_port()
        url = f"http://127.0.0.1:{port}"
        args = ["serve", "--config", str(config), "--port", str(port)]
        args += [] if workers else ["--no-workers"]
        process = self._start(f"serve-{port}", args, f"{url}/readyz", self.env(database_url, url))
        deadline = time.monotonic() + 60
        while not httpx2.get(f"{url}/readyz", timeout=5).json().get("webhooks"):
            if time.monotonic() > deadline:
                raise TimeoutError("webhooks were not registered")
            time.sleep(0.1)
        return url, process

    def worker(self, database_url: str, config: Path, public_url: str) -> ManagedProcess:
        process = ManagedProcess(
            f"worker-{len(self.processes)}",
            ["worker", "--config", str(config)],
            env=self.env(database_url, public_url),
            log_dir=self.logs,
        )
        self.processes.append(process)
        return process

    def stop(self, process: ManagedProcess) -> None:
        process.stop()
        self.processes.remove(process)

    def close(self) -> None:
        for process in reversed(self.processes):
            process.stop()
        self.processes.clear()


def python(module: str, *args: str, env: dict[str, str] | None = None) -> subprocess.Popen[bytes]:
    """A bench helper process (the load generator, the reference app)."""
    return subprocess.Popen(
        [sys.executable, "-m", module, *args],
        stdout=subprocess.PIPE,
        env={**os.environ, **(env or {})},
        start_new_session=True,
    )


def signature_tokens(database_url: str) -> dict[str, str]:
    with psycopg.connect(database_url) as conn:
        rows = conn.execute("SELECT event, signature_token FROM lever_webhooks").fetchall()
    return {event: token for event, token in rows}


def wait_http(url: str, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if httpx2.get(url, timeout=1).status_code == 200:
                return
        except httpx2.TransportError:
            pass
        time.sleep(0.1)
    raise TimeoutError(f"{url} did not answer within {timeout:.0f} s")
