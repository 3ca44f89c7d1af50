"""Start everything, play the season, wait until hirebridge has caught up, and show the result."""

from __future__ import annotations

import asyncio
import os
import secrets
import tempfile
import time
from pathlib import Path

import httpx2
import psycopg
from rich.console import Console

from hirebridge.demo.justworks import (
    EMPLOYEE_ADMINS,
    MailCatcher,
    admin_adds_one_person,
    connect_justworks,
    wait_for_hired_emails,
    wait_for_status,
)
from hirebridge.demo.processes import LEVER_SIM_SWITCHES, ManagedProcess, free_port
from hirebridge.demo.report import all_issues, print_report
from hirebridge.demo.season import play_jira, play_season
from hirebridge.settings import Settings
from hirebridge.store.database import embedded_server_uri, recreate_database
from hirebridge.store.jobs import sync_backlog

LEVER_KEY = "sim-lever-key"
RECRUITER_KEY = "sim-lever-recruiter-key"
JIRA_AUTH = ("admin@example.com", "sim-token")


def fresh_database(settings: Settings, name: str) -> str:
    admin = settings.database_url or embedded_server_uri(settings.data_dir / "pg")
    return recreate_database(admin, name)


def wait_until_synced(database_url: str, lever_url: str, *, timeout: float) -> float:
    """Seconds until every hint was reconciled and no job or webhook delivery is in flight."""
    started = time.monotonic()
    quiet = 0
    while time.monotonic() - started < timeout:
        with psycopg.connect(database_url) as conn:
            behind, jobs = sync_backlog(conn)
        pending = (
            httpx2.get(f"{lever_url}/_sim/deliveries", params={"limit": 0}, timeout=5)
            .json()
            .get("pending", 0)
        )
        quiet = quiet + 1 if (behind == 0 and jobs == 0 and pending == 0) else 0
        if quiet >= 3:
            return time.monotonic() - started
        time.sleep(0.2)
    raise TimeoutError(f"hirebridge had not caught up after {timeout:.0f} s")


def run_demo(config_path: Path, *, timeout: float = 45.0) -> int:
    console = Console(width=max(Console().width, 110))
    started = time.monotonic()
    settings = Settings.from_env()
    log_dir = Path(tempfile.mkdtemp(prefix="hirebridge-demo-"))
    ports = {name: free_port() for name in ("lever", "jira", "justworks", "smtp", "service")}
    justworks_url = f"http://127.0.0.1:{ports['justworks']}"
    lever_url, jira_url = f"http://127.0.0.1:{ports['lever']}", f"http://127.0.0.1:{ports['jira']}"
    service_url = f"http://127.0.0.1:{ports['service']}"
    console.print("Starting PostgreSQL (embedded unless HIREBRIDGE_DATABASE_URL is set)…")
    database_url = fresh_database(settings, "hirebridge_demo")
    env = {
        "HIREBRIDGE_DATABASE_URL": database_url,
        "HIREBRIDGE_PUBLIC_URL": service_url,
        "LEVER_BASE_URL": lever_url,
        "LEVER_API_KEY": LEVER_KEY,
        "JIRA_BASE_URL": jira_url,
        "JIRA_API_TOKEN": JIRA_AUTH[1],
        "JIRA_SEARCH_CONSISTENCY_SECONDS": os.environ.get("JIRA_SEARCH_CONSISTENCY_SECONDS", "5"),
        "HIREBRIDGE_JUSTWORKS": "on",
        "JUSTWORKS_BASE_URL": justworks_url,
        "JUSTWORKS_AUTH_URL": justworks_url,
        "JUSTWORKS_POLL_SECONDS": "1",
        "SMTP_PORT": str(ports["smtp"]),
        # Seals the Justworks OAuth tokens; a fresh one per demo.
        "HIREBRIDGE_SECRET_KEY": secrets.token_urlsafe(32),
    }
    processes: list[ManagedProcess] = []
    mail = MailCatcher(ports["smtp"])
    try:
        console.print("Starting the Lever, Jira and Justworks simulators, a mail server and hirebridge…")
        lever = ManagedProcess(
            "lever", ["sim", "lever", "--port", str(ports["lever"]), *LEVER_SIM_SWITCHES], log_dir=log_dir
        )
        jira = ManagedProcess("jira", ["sim", "jira", "--port", str(ports["jira"])], log_dir=log_dir)
        justworks = ManagedProcess(
            "justworks", ["sim", "justworks", "--port", str(ports["justworks"])], log_dir=log_dir
        )
        processes += [lever, jira, justworks]
        mail.start()
        lever.wait_http(f"{lever_url}/_sim/state")
        jira.wait_http(f"{jira_url}/_sim/state")
        justworks.wait_http(f"{justworks_url}/_sim/state")
        service = ManagedProcess(
            "service",
            ["serve", "--config", str(config_path), "--port", str(ports["service"])],
            env=env,
            log_dir=log_dir,
        )
        processes.append(service)
        service.wait_http(f"{service_url}/readyz")
        _wait_for_webhooks(service_url)
        console.print("Connecting Justworks: an admin authorizes hirebridge (OAuth)…")
        connect_justworks(config_path, {**os.environ, **env})
        console.print("Playing a hiring season through Lever's API (20 candidates)…")
        candidates = asyncio.run(play_season(lever_url, RECRUITER_KEY))
        synced = wait_until_synced(database_url, lever_url, timeout=timeout)
        console.print(f"hirebridge caught up {synced:.1f} s after the last move in Lever.")
        console.print("In Jira, an interviewer writes feedback and IT resolves a provisioning request…")
        asyncio.run(play_jira(jira_url, candidates))
        hired = sum(c.outcome == "hired" for c in candidates)
        wait_for_hired_emails(mail, hired * len(EMPLOYEE_ADMINS), timeout=timeout)
        added = admin_adds_one_person(mail, candidates, justworks_url)
        if added is not None:
            console.print(
                f"A Justworks admin reviewed {added[0].name}'s new-hire packet and added them in Justworks…"
            )
            wait_for_status(added[1], "joined", timeout=timeout)
        console.print("Putting requisition SAL-201 on hold in Lever…")
        hold_requisition(lever_url, "SAL-201")
        wait_for_requisitions(jira_url, timeout=timeout)
        synced = wait_until_synced(database_url, lever_url, timeout=timeout)
        wrong = print_report(
            candidates,
            lever_url,
            jira_url,
            console,
            lever_key=LEVER_KEY,
            jira_auth=JIRA_AUTH,
            justworks_url=justworks_url,
            mail=mail,
        )
    except Exception as exc:
        console.print(f"[red]demo failed:[/red] {exc}")
        console.print(f"logs: {log_dir}")
        return 1
    finally:
        for process in reversed(processes):
            process.stop()
        mail.stop()
    console.print(f"Finished in {time.monotonic() - started:.1f} s. Logs: {log_dir}")
    if wrong:
        console.print(f"[red]{wrong} result(s) differ from what the recipes prescribe[/red]")
        return 1
    return 0


def hold_requisition(lever_url: str, code: str) -> None:
    """A hiring freeze: the recruiter puts a requisition on hold (PUT replaces the whole requisition)."""
    with httpx2.Client(base_url=f"{lever_url}/v1", auth=(RECRUITER_KEY, ""), timeout=10) as lever:
        requisitions = lever.get("/requisitions", params={"requisition_code": code}).json()["data"]
        body = {
            k: v for k, v in requisitions[0].items() if k not in ("id", "createdAt", "updatedAt", "closedAt")
        }
        body["status"] = "onHold"
        lever.put(f"/requisitions/{requisitions[0]['id']}", json=body).raise_for_status()


def wait_for_requisitions(jira_url: str, *, timeout: float) -> None:
    """Lever sends no requisition webhooks: wait for the watch (every 15 s) to see the hold."""
    deadline = time.monotonic() + timeout
    with httpx2.Client(base_url=jira_url, auth=JIRA_AUTH, timeout=10) as jira:
        while time.monotonic() < deadline:
            issues = all_issues(jira, "project = HC")
            if any(i["fields"]["status"]["name"] == "On Hold" for i in issues):
                return
            time.sleep(0.5)


def _wait_for_webhooks(service_url: str, timeout: float = 20.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if httpx2.get(f"{service_url}/readyz", timeout=2).json().get("webhooks"):
            return
        time.sleep(0.1)
    raise TimeoutError("the service did not register its Lever webhooks")
