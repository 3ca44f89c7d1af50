"""U9 in the demo: a Justworks simulator, a mail server that keeps what it receives, and an admin who
opens the emailed review link and sends one packet to Justworks."""

from __future__ import annotations

import re
import time
from dataclasses import dataclass, field
from email import message_from_bytes
from email.message import Message
from typing import Any

import httpx2

from hirebridge.demo.season import Candidate

HIRED_SUBJECT = "A candidate has been hired in Lever!"
# Admins of the simulated company who may manage employees (Finn only sees invoices).
EMPLOYEE_ADMINS = ("paula@example.com", "rita@example.com")
REVIEW_LINK = re.compile(r"https?://\S+/review/packets/[A-Za-z0-9_-]+")


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


def admin_sends_one_packet(mail: MailCatcher, candidates: list[Candidate]) -> Candidate | None:
    """Paula opens her link for the first complete packet and sends it; returns whose it was."""
    for candidate in (c for c in candidates if c.outcome == "hired"):
        for message in mail.hired_emails():
            if message["To"] != EMPLOYEE_ADMINS[0] or not body(message).startswith(candidate.name):
                continue
            link = REVIEW_LINK.search(body(message))
            if link is None:
                continue
            packet = httpx2.get(link.group(0), headers={"Accept": "application/json"}, timeout=10).json()
            if packet["status"] != "awaiting_review":
                continue
            httpx2.post(f"{link.group(0)}/send", timeout=30, follow_redirects=True).raise_for_status()
            candidate.packet_sent = True
            return candidate
    return None


def pending_hires(justworks_url: str) -> list[dict[str, Any]]:
    state = httpx2.get(f"{justworks_url}/_sim/state", timeout=10).json()
    return list(state["pending_hires"])
