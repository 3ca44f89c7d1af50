"""U9 in the demo and its tests: a Justworks simulator connected by OAuth, a mail server that keeps
what it receives, and an admin who opens the emailed review link, adds the person in Justworks' "Add a
person" form (the simulator's control API stands for Justworks' web UI) and records it."""

from __future__ import annotations

import re
import subprocess
import sys
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from email import message_from_bytes
from email.message import Message
from pathlib import Path
from typing import Any

import httpx2

from hirebridge.demo.season import Candidate

HIRED_SUBJECT = "A candidate has been hired in Lever!"
# Admins of the simulated company who may manage employees (Finn only sees invoices).
EMPLOYEE_ADMINS = ("paula@example.com", "rita@example.com")
REVIEW_LINK = re.compile(r"https?://\S+/review/packets/[A-Za-z0-9_-]+")
CONNECT_LINK = re.compile(r"https?://\S+/oauth/authorize\?\S+")


@dataclass
class MailCatcher:
    """An SMTP server on loopback (aiosmtpd, in a thread) keeping every message in memory."""

    port: int
    messages: list[Message] = field(default_factory=list)
    controller: Any = None

    def start(self) -> MailCatcher:
        from aiosmtpd.controller import Controller

        catcher = self

        class Keep:
            async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
                catcher.messages.append(message_from_bytes(envelope.original_content or envelope.content))
                return "250 Message accepted for delivery"

        self.controller = Controller(Keep(), hostname="127.0.0.1", port=self.port)
        self.controller.start()
        return self

    def stop(self) -> None:
        if self.controller is not None:
            self.controller.stop()

    def hired_emails(self) -> list[Message]:
        return [m for m in self.messages if m["Subject"] == HIRED_SUBJECT]


def body(message: Message) -> str:
    return bytes(message.get_payload(decode=True) or b"").decode()


def wait_for_hired_emails(mail: MailCatcher, expected: int, *, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while len(mail.hired_emails()) < expected and time.monotonic() < deadline:
        time.sleep(0.2)


def connect_justworks(config: Path, env: Mapping[str, str], name: str = "main", *, cli: bool = False) -> str:
    """What an operator does once: `hirebridge connections connect justworks:NAME` (`cli`: that very
    command; else the same link made in this process), then a Justworks admin opens the link and
    consents, and Justworks sends them back to hirebridge's callback. Returns the page they land on."""
    if cli:
        printed = subprocess.run(
            [sys.executable, "-m", "hirebridge", "connections", "connect", f"justworks:{name}", "--config",
             str(config)],
            env=dict(env), capture_output=True, text=True, timeout=60, check=True,
        ).stdout  # fmt: skip
        found = CONNECT_LINK.search(printed)
        assert found is not None, printed
        link = found.group(0)
    else:
        from hirebridge.config.secret_key import TokenCipher
        from hirebridge.runtime.configuration import load_config
        from hirebridge.runtime.oauth_connect import connect_url

        link = connect_url(load_config(config, env), name, TokenCipher.from_env(env), "justworks")
    page = httpx2.get(link, follow_redirects=True, timeout=30)
    page.raise_for_status()
    return page.text


def review(link: str) -> dict[str, Any]:
    response = httpx2.get(link, headers={"Accept": "application/json"}, timeout=10)
    response.raise_for_status()
    return dict(response.json())


def add_person_form(packet: Mapping[str, Any], justworks_url: str, **changes: Any) -> dict[str, Any]:
    """The "Add a person" form as the admin fills it in from the review page: Justworks' choices as the
    page shows them, the manager picked by name in "Reports to", the amount in dollars."""
    form = {name: entry["value"] for name, entry in packet["form"].items()}
    members = httpx2.get(f"{justworks_url}/_sim/state", timeout=10).json()["members"]
    manager = next(
        (m["id"] for m in members if any(e["address"] == form["manager_email"] for e in m["emails"])), None
    )
    person: dict[str, Any] = {
        "member_type": form["member_type"],
        "first_name": form["first_name"],
        "last_name": form["last_name"],
        "title": form["title"] or None,
        "manager": {"member_id": manager} if manager else None,
        "department": {"name": form["department"]} if form["department"] else None,
        "office": {"name": form["office"]} if form["office"] else None,
        "start_date": form["start_date"],
        "home_email": form["home_email"],
        "invite": {"when": "now", "send_to": "home_email"},
    }
    if form["member_type"] != "contractor_us_1099":
        person["compensation"] = {
            "type_of_earnings": form["earnings_type"],
            "amount": int(Decimal(form["compensation_amount"]) * 100),
            "currency": form["currency"] or "USD",
        }
        person["exemption_status"] = form["exemption_status"]
    person.update(changes)
    return person


def admin_adds_person(link: str, justworks_url: str, **changes: Any) -> dict[str, Any]:
    """The admin types the packet into Justworks, invites the person, and records it on the page."""
    added = httpx2.post(
        f"{justworks_url}/_sim/people",
        json=add_person_form(review(link), justworks_url, **changes),
        timeout=10,
    )
    added.raise_for_status()
    httpx2.post(f"{link}/reviewed", timeout=30, follow_redirects=True).raise_for_status()
    return dict(added.json())


def admin_adds_one_person(
    mail: MailCatcher, candidates: list[Candidate], justworks_url: str
) -> Candidate | None:
    """Paula opens her link for the first complete packet and adds the person in Justworks; returns
    whose it was and her review link."""
    for candidate in (c for c in candidates if c.outcome == "hired"):
        for message in mail.hired_emails():
            if message["To"] != EMPLOYEE_ADMINS[0] or not body(message).startswith(candidate.name):
                continue
            link = REVIEW_LINK.search(body(message))
            if link is None or review(link.group(0))["status"] != "awaiting_review":
                continue
            admin_adds_person(link.group(0), justworks_url)
            candidate.packet_sent = True
            return candidate, link.group(0)
    return None


def wait_for_status(link: str, status: str, *, timeout: float) -> dict[str, Any]:
    deadline = time.monotonic() + timeout
    while True:
        packet = review(link)
        if packet["status"] == status or time.monotonic() > deadline:
            return packet
        time.sleep(0.3)
