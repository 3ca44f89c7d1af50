"""The service with Justworks on: the Justworks simulator connected by OAuth, admin emails through a
real SMTP server, and what the tests read back (the admins' emails and review links)."""

from __future__ import annotations

import json
import mailbox
import re
import secrets
import subprocess
import sys
from dataclasses import dataclass
from email.message import Message
from pathlib import Path
from typing import Any

import httpx2
from e2e_support import DEMO_CONFIG, JIRA_AUTH, LEVER_KEY, Mail, Service, Simulators, start_service

from hirebridge.demo.justworks import connect_justworks

LINK = re.compile(r"http://\S+/review/packets/[A-Za-z0-9_-]{40,}")
HIRED = "A candidate has been hired in Lever!"
EMPLOYEE_ADMINS = ("paula@example.com", "rita@example.com")  # named in the config; Finn is not


@dataclass
class Running:
    service: Service
    env: dict[str, str]
    justworks: str
    mail: Mail
    config: Path = DEMO_CONFIG

    def run(self, *args: str) -> subprocess.CompletedProcess[str]:
        command = [sys.executable, "-m", "hirebridge", *args, "--config", str(self.config)]
        return subprocess.run(command, env=self.env, capture_output=True, text=True, timeout=60)

    def cli(self, *args: str) -> str:
        return self.run(*args).stdout

    def status(self) -> dict[str, Any]:
        return dict(json.loads(self.cli("status", "--json"))["justworks"]["main"])


def start_with_justworks(
    sims: Simulators,
    database_url: str,
    log_dir: Path,
    justworks_url: str,
    smtp: Mail,
    *,
    config: Path = DEMO_CONFIG,
    env: dict[str, str] | None = None,
) -> Running:
    """A fresh Justworks and an empty mailbox; the service started and Justworks connected (OAuth)."""
    httpx2.post(f"{justworks_url}/_sim/reset", timeout=10).raise_for_status()
    mailbox.Maildir(smtp.folder, create=False).clear()  # emptied: the server keeps writing there
    env = {
        "HIREBRIDGE_JUSTWORKS": "on",
        "JUSTWORKS_BASE_URL": justworks_url,
        "JUSTWORKS_AUTH_URL": justworks_url,
        "JUSTWORKS_POLL_SECONDS": "1",
        "HIREBRIDGE_WATCH_SECONDS": "2",  # offers, for which Lever sends no webhooks, are read every 2 s
        "SMTP_PORT": str(smtp.port),
        "HIREBRIDGE_SECRET_KEY": secrets.token_urlsafe(16),
        **(env or {}),
    }
    service = start_service(sims, database_url, log_dir, config=config, env=env)
    full = {
        **env,
        "PATH": "/usr/bin:/bin",
        "HIREBRIDGE_DATABASE_URL": database_url,
        "HIREBRIDGE_PUBLIC_URL": service.url,
        "LEVER_BASE_URL": sims.lever_url,
        "LEVER_API_KEY": LEVER_KEY,
        "JIRA_BASE_URL": sims.jira_url,
        "JIRA_API_TOKEN": JIRA_AUTH[1],
    }
    assert "is connected" in connect_justworks(config, full)
    return Running(service, full, justworks_url, smtp, config)


def body(message: Message) -> str:
    """The text as written (long lines travel quoted-printable)."""
    return bytes(message.get_payload(decode=True)).decode()
