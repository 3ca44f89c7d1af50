"""The system under test as real processes (ingest, workers, simulators), a recruiter driving Lever's
API, and waiting for hirebridge to settle."""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx2
import psycopg

from hirebridge.config.models import LeverConnection
from hirebridge.demo.processes import ManagedProcess, free_port
from simulators import Simulators

REPO = Path(__file__).resolve().parents[2]
DEMO_CONFIG = REPO / "examples" / "demo.yaml"
LEVER_KEY = "sim-lever-key"
RECRUITER_KEY = "sim-lever-recruiter-key"
JIRA_AUTH = ("admin@example.com", "sim-token")
RITA = "06e3514e-e707-5211-95bc-7723afb67855"
INTERVIEWERS = ("10fbaad5-9810-51e8-9fcb-94a451d14636", "cc41a561-67ce-5844-aefe-e8cef435e25d")
STAGES = {
    "New Applicant": "applicant-new",
    "Phone Screen": "32cd6549-1b0e-5d5f-aee1-c8465a215553",
    "Technical Assessment": "0cc07473-26f5-5a0c-832c-71849df86e06",
    "Onsite": "f60a0dda-c55e-55bc-97c9-3b60f9a2b5eb",
    "Offer": "offer",  # the last stage of every Lever pipeline
}
REASONS = {
    "Hired": "a4860b97-6d06-53fc-a8af-075e9c627707",
    "Withdrew": "6a06f910-6f69-5763-9e77-83fc2a35e79f",
    "Not a fit": "e096778a-c1da-5e30-8263-cfd030768468",
}
POSTINGS = (
    "96126780-9a2c-56dc-9fe9-7a8a85e14260",
    "5ec667a1-e255-5829-b529-2255c05c16be",
    "9c22db94-a1b0-557e-bcbf-68ea4a138a8f",
)


def env_int(name: str, default: int) -> int:
    return int(os.environ.get(name) or default)


def acceptance_config(directory: Path) -> Path:
    """examples/demo.yaml as it is, but with a Lever rate limit that lets hundreds of candidates run in
    CI time (the simulator's own limit is switched off to match)."""
    text = DEMO_CONFIG.read_text()
    anchor = "    perform_as: rita@example.com\n"
    assert anchor in text, "examples/demo.yaml changed shape; update acceptance_config"
    extra = "    requests_per_second: 200\n    burst: 200\n"
    if "sweep_interval_seconds" in LeverConnection.model_fields:
        # The periodic repair of lost webhooks, at test speed.
        extra += "    sweep_interval_seconds: 3\n    sweep_overlap_seconds: 30\n"
    path = directory / "acceptance.yaml"
    path.write_text(text.replace(anchor, anchor + extra, 1))
    return path


@dataclass
class Cluster:
    """`hirebridge serve` (ingest; with or without in-process workers) and `hirebridge worker`s."""

    sims: Simulators
    database_url: str
    config: Path
    log_dir: Path
    url: str = ""
    service: ManagedProcess | None = None
    workers: list[ManagedProcess] = field(default_factory=list)
    started: int = 0

    def env(self) -> dict[str, str]:
        return {
            "HIREBRIDGE_DATABASE_URL": self.database_url,
            "HIREBRIDGE_PUBLIC_URL": self.url,
            "LEVER_BASE_URL": self.sims.lever_url,
            "LEVER_API_KEY": LEVER_KEY,
            "JIRA_BASE_URL": self.sims.jira_url,
            "JIRA_API_TOKEN": JIRA_AUTH[1],
            "JIRA_SEARCH_CONSISTENCY_SECONDS": "2",
            # A killed worker's subjects resume within seconds, not the production half-minute.
            "HIREBRIDGE_STALLED_AFTER_SECONDS": "3",
            "HIREBRIDGE_WATCH_SECONDS": "2",
        }

    def start(self, *, workers: int, serve_workers: bool = False, concurrency: int = 4) -> Cluster:
        port = free_port()
        self.url = f"http://127.0.0.1:{port}"
        args = ["serve", "--config", str(self.config), "--port", str(port)]
        if not serve_workers:
            args.append("--no-workers")
        self.service = ManagedProcess(f"serve-{port}", args, env=self.env(), log_dir=self.log_dir)
        self.service.wait_http(f"{self.url}/readyz")
        eventually(
            lambda: httpx2.get(f"{self.url}/readyz", timeout=2).json().get("webhooks"),
            timeout=30,
            what="webhook registration",
        )
        self.concurrency = concurrency
        for _ in range(workers):
            self.workers.append(self._worker())
        return self

    def _worker(self) -> ManagedProcess:
        self.started += 1
        args = ["worker", "--config", str(self.config), "--concurrency", str(self.concurrency)]
        return ManagedProcess(f"worker-{self.started}", args, env=self.env(), log_dir=self.log_dir)

    def kill_worker(self, index: int) -> None:
        """SIGKILL, as the kernel's OOM killer or a pulled plug would, then start a fresh one."""
        self.workers[index].kill()
        self.workers[index].stop()
        self.workers[index] = self._worker()

    def stop(self) -> None:
        for process in [*self.workers, *([self.service] if self.service else [])]:
            process.stop()

    def query(self, sql: str, args: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
        with psycopg.connect(self.database_url) as conn:
            return conn.execute(sql, args).fetchall()

    def backlog(self) -> dict[str, int]:
        (behind,) = self.query("SELECT count(*) FROM subjects WHERE synced_version < desired_version")[0]
        (jobs,) = self.query(
            "SELECT count(*) FROM procrastinate_jobs WHERE status IN ('todo', 'doing')"
            " AND task_name LIKE 'reconcile_%%'"
        )[0]
        (failed,) = self.query(
            "SELECT count(*) FROM procrastinate_jobs WHERE status = 'failed'"
            " AND task_name LIKE 'reconcile_%%'"
        )[0]
        (pending,) = self.query("SELECT count(*) FROM effects WHERE state = 'pending'")[0]
        deliveries = httpx2.get(f"{self.sims.lever_url}/_sim/deliveries", timeout=10).json()["pending"]
        return {
            "subjects behind": behind,
            "reconcile jobs": jobs,
            "failed jobs": failed,
            "pending effects": pending,
            "webhook deliveries": deliveries,
        }

    def settle(self, *, timeout: float) -> float:
        """Seconds until nothing is in flight: no webhook, no hint, job or effect left (3 quiet polls),
        and a poll of the offers (a signature sends no webhook) has run since."""
        started = time.monotonic()
        (since,) = self.query("SELECT now()")[0]
        quiet, backlog = 0, {}
        while time.monotonic() - started < timeout:
            backlog = self.backlog()
            (polled,) = self.query(
                "SELECT count(*) FROM sweep_cursors WHERE stream = 'offers'"
                " AND last_started_at > %s AND last_finished_at >= last_started_at",
                (since,),
            )[0]
            busy = any(v for k, v in backlog.items() if k != "failed jobs") or not polled
            quiet = 0 if busy else quiet + 1
            if quiet >= 3:
                return time.monotonic() - started
            time.sleep(0.3)
        raise AssertionError(
            f"hirebridge did not settle within {timeout:.0f} s: {backlog}; logs in {self.log_dir}"
        )

    def runs(self, kind: str = "opportunity") -> list[dict[str, Any]]:
        """Every completed reconcile, as audited: subject, start, end, process, Lever state seen."""
        rows = self.query(
            "SELECT subject_id, detail FROM audit"
            " WHERE action = 'reconciled' AND subject_kind = %s ORDER BY id",
            (kind,),
        )
        return [{"subject": subject, **detail} for subject, detail in rows]


def eventually(condition: Callable[[], Any], *, timeout: float, what: str, every: float = 0.2) -> Any:
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout:.0f} s waiting for {what}")
        time.sleep(every)


class Recruiter:
    """Lever's Data API as recruiters and a scheduling tool use it (the simulator's limit is off)."""

    def __init__(self, lever_url: str) -> None:
        self.lever_url = lever_url
        self.api = httpx2.AsyncClient(base_url=f"{lever_url}/v1", auth=(RECRUITER_KEY, ""), timeout=30)
        self.params = {"perform_as": RITA}

    async def _call(self, method: str, path: str, **kwargs: Any) -> dict[str, Any]:
        response = await self.api.request(method, path, params=self.params, **kwargs)
        response.raise_for_status()
        return response.json() if response.content else {}

    async def create(self, name: str, posting: str) -> str:
        body = {"name": name, "postings": [posting], "origin": "applied", "stage": STAGES["New Applicant"]}
        return str((await self._call("POST", "/opportunities", json=body))["data"]["id"])

    async def move(self, opportunity_id: str, stage: str) -> None:
        await self._call("PUT", f"/opportunities/{opportunity_id}/stage", json={"stage": STAGES[stage]})

    async def sign(self, opportunity_id: str) -> None:
        """The candidate signs the offer (Lever's accepted offer); offers have no write API, so the
        simulator's control API stands in for the offer sent from Lever and signed by the candidate."""
        body = {"opportunityId": opportunity_id, "status": "signed"}
        response = await self.api.post(f"{self.lever_url}/_sim/offers", json=body)
        response.raise_for_status()

    async def archive(self, opportunity_id: str, reason: str | None) -> None:
        body = {"reason": REASONS[reason] if reason else None}
        await self._call("PUT", f"/opportunities/{opportunity_id}/archived", json=body)

    async def schedule(self, opportunity_id: str, interviewer: str, date_ms: int) -> str:
        interview = {"subject": "Panel", "interviewers": [{"id": interviewer}], "date": date_ms}
        interview["duration"] = 45
        body = {"timezone": "UTC", "externallyManaged": True, "interviews": [interview]}
        panel = (await self._call("POST", f"/opportunities/{opportunity_id}/panels", json=body))["data"]
        return str(panel["interviews"][0]["id"])

    async def reschedule(self, opportunity_id: str, interview: dict[str, Any], date_ms: int) -> None:
        body = {
            "panel": interview["panel"],
            "interviewers": [{"id": p["id"]} for p in interview["interviewers"]],
            "date": date_ms,
            "duration": interview["duration"],
            "subject": interview["subject"],
        }
        await self._call("PUT", f"/opportunities/{opportunity_id}/interviews/{interview['id']}", json=body)

    async def cancel(self, opportunity_id: str, interview_id: str) -> None:
        await self._call("DELETE", f"/opportunities/{opportunity_id}/interviews/{interview_id}")

    async def interviews(self, opportunity_id: str) -> list[dict[str, Any]]:
        return list((await self._call("GET", f"/opportunities/{opportunity_id}/interviews"))["data"])

    async def set_requisition(self, requisition: dict[str, Any], status: str) -> None:
        keep = ("requisitionCode", "name", "headcountTotal", "hiringManager", "owner", "postings")
        body = {k: requisition[k] for k in keep if requisition.get(k) is not None}
        body |= {"status": status, "customFields": requisition.get("customFields") or {}}
        body["postingIds"] = body.pop("postings", [])
        await self._call("PUT", f"/requisitions/{requisition['id']}", json=body)

    async def aclose(self) -> None:
        await self.api.aclose()
