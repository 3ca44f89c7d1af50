"""The service under test as a process (`hirebridge serve` on loopback against the simulators), and
waiting for it."""

from __future__ import annotations

import mailbox
import socket
import time
from dataclasses import dataclass
from email.message import Message
from pathlib import Path
from typing import Any

import httpx2

from hirebridge.demo.processes import ManagedProcess, free_port
from simulators import Simulators

REPO = Path(__file__).resolve().parents[2]
DEMO_CONFIG = REPO / "examples" / "demo.yaml"
LEVER_KEY = "sim-lever-key"
RECRUITER_KEY = "sim-lever-recruiter-key"
JIRA_AUTH = ("admin@example.com", "sim-token")
WATCH_OFFERS = {"HIREBRIDGE_WATCH_SECONDS": "2"}


@dataclass
class Service:
    url: str
    process: ManagedProcess
    database_url: str


def start_service(
    sims: Simulators,
    database_url: str,
    log_dir: Path,
    *,
    config: Path = DEMO_CONFIG,
    args: tuple[str, ...] = (),
    env: dict[str, str] | None = None,
    wait_webhooks: bool = True,
    port: int | None = None,
) -> Service:
    """`wait_webhooks=False`: ready without webhooks (a Lever OAuth connection not connected yet);
    `port`: the one a stopped service had, to restart it at the same address."""
    port = port or free_port()
    url = f"http://127.0.0.1:{port}"
    process = ManagedProcess(
        f"service-{port}",
        ["serve", "--config", str(config), "--port", str(port), *args],
        env={
            "HIREBRIDGE_DATABASE_URL": database_url,
            "HIREBRIDGE_PUBLIC_URL": url,
            "LEVER_BASE_URL": sims.lever_url,
            "LEVER_API_KEY": LEVER_KEY,
            "JIRA_BASE_URL": sims.jira_url,
            "JIRA_API_TOKEN": JIRA_AUTH[1],
            "JIRA_SEARCH_CONSISTENCY_SECONDS": "2",
            **(env or {}),
        },
        log_dir=log_dir,
    )
    process.wait_http(f"{url}/readyz")
    if not wait_webhooks:
        return Service(url, process, database_url)
    wait_for(
        lambda: httpx2.get(f"{url}/readyz", timeout=2).json().get("webhooks"), what="webhook registration"
    )
    return Service(url, process, database_url)


@dataclass
class Mail:
    port: int
    folder: Path

    def to(self, address: str, subject: str) -> list[Message]:
        return [
            m
            for m in mailbox.Maildir(self.folder, create=False)
            if m["To"] == address and m["Subject"] == subject
        ]


def listening(port: int) -> bool:
    with socket.socket() as sock:
        return sock.connect_ex(("127.0.0.1", port)) == 0


def wait_for(condition: Any, *, timeout: float = 20.0, what: str = "condition", every: float = 0.05) -> Any:
    """`every`: a condition that reads Lever's API polls slower than its rate limit (10/s a key)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(every)
    raise AssertionError(f"timed out waiting for {what}")
