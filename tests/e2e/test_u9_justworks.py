"""U9 end to end: hired in Lever → a Justworks new-hire packet, admin emails over real SMTP, the review
page, and the pending hire in Justworks; held packets, declines and un-hiring.

The Justworks simulator and an SMTP server (aiosmtpd, writing to a Maildir) run as processes of
their own; the service reaches them over loopback like any other Justworks and mail server.
"""

from __future__ import annotations

import mailbox
import re
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from email.message import Message
from pathlib import Path
from typing import Any

import httpx2
import pytest
from lever_actions import Recruiter, eventually, lever_notes, ms

from conftest import Service, Simulators, start_service
from hirebridge.demo.processes import ManagedProcess, free_port

START = ms(datetime(2026, 9, 1, 12, tzinfo=UTC))
MAILDIR_HANDLER = ("-c", "aiosmtpd.handlers.Mailbox")
LINK = re.compile(r"http://\S+/review/packets/[A-Za-z0-9_-]{40,}")


@dataclass
class Justworks:
    url: str

    def get(self, path: str, **params: Any) -> Any:
        response = httpx2.get(f"{self.url}{path}", params=params, timeout=10)
        response.raise_for_status()
        return response.json()

    def pending_hires(self) -> list[dict[str, Any]]:
        return list(self.get("/_sim/state")["pending_hires"])


@dataclass
class Mail:
    url_port: int
    folder: Path

    def messages(self) -> list[Message]:
        return list(mailbox.Maildir(self.folder, create=False))

    def to(self, address: str, subject: str) -> list[Message]:
        return [m for m in self.messages() if m["To"] == address and m["Subject"] == subject]


@pytest.fixture(scope="module")
def justworks_process(log_dir: Path) -> Iterator[str]:
    port = free_port()
    process = ManagedProcess("sim-justworks", ["sim", "justworks", "--port", str(port)], log_dir=log_dir)
    try:
        process.wait_http(f"http://127.0.0.1:{port}/_sim/state")
        yield f"http://127.0.0.1:{port}"
    finally:
        process.stop()


@pytest.fixture(scope="module")
def smtp_process(log_dir: Path) -> Iterator[Mail]:
    """A real SMTP server process; every message it receives lands in a Maildir."""
    port, folder = free_port(), log_dir / "maildir"
    mailbox.Maildir(folder, create=True)
    log = (log_dir / "smtp.log").open("wb")
    server = subprocess.Popen(
        [sys.executable, "-m", "aiosmtpd", "-n", "-l", f"127.0.0.1:{port}", *MAILDIR_HANDLER, str(folder)],
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + 20
        while not _listening(port):
            assert time.monotonic() < deadline and server.poll() is None, "the SMTP server did not start"
            time.sleep(0.1)
        yield Mail(port, folder)
    finally:
        server.terminate()
        server.wait(timeout=10)
        log.close()


def _listening(port: int) -> bool:
    import socket

    with socket.socket() as sock:
        return sock.connect_ex(("127.0.0.1", port)) == 0


@pytest.fixture
def justworks(justworks_process: str) -> Justworks:
    httpx2.post(f"{justworks_process}/_sim/reset", timeout=10).raise_for_status()
    return Justworks(justworks_process)


@pytest.fixture
def mail(smtp_process: Mail) -> Mail:
    # Emptied, not removed: the SMTP server keeps writing into the same folders.
    mailbox.Maildir(smtp_process.folder, create=False).clear()
    return smtp_process


@pytest.fixture
def service(
    sims: Simulators, database_url: str, log_dir: Path, justworks: Justworks, mail: Mail
) -> Iterator[Service]:
    env = {
        "HIREBRIDGE_JUSTWORKS": "on",
        "JUSTWORKS_BASE_URL": justworks.url,
        "SMTP_PORT": str(mail.url_port),
    }
    running = start_service(sims, database_url, log_dir, env=env)
    yield running
    running.process.stop()


@pytest.fixture
def lever(sims: Simulators) -> Iterator[Recruiter]:
    recruiter = Recruiter(sims)
    yield recruiter
    recruiter.close()


HIRED = "A candidate has been hired in Lever!"
WITHDRAWN = "A hire was withdrawn in Lever"
EMPLOYEE_ADMINS = ("paula@example.com", "rita@example.com")  # Finn only sees invoices


def hire(lever: Recruiter, name: str, **offer: Any) -> str:
    opportunity = lever.create(name)
    lever.offer(opportunity, **offer)
    lever.archive(opportunity, "Hired")
    return opportunity


def body(message: Message) -> str:
    """The text as written (long lines travel quoted-printable)."""
    return bytes(message.get_payload(decode=True)).decode()


def review_links(mail: Mail) -> dict[str, str]:
    """The review link each employee admin got; exactly one email each."""

    def check() -> dict[str, str]:
        links = {}
        for admin in EMPLOYEE_ADMINS:
            got = mail.to(admin, HIRED)
            assert len(got) == 1, f"{admin} got {len(got)} emails"
            found = LINK.search(body(got[0]))
            assert found
            links[admin] = found.group(0)
        return links

    return eventually(check, what="the admin emails")


def packet(link: str) -> dict[str, Any]:
    response = httpx2.get(link, headers={"Accept": "application/json"}, timeout=10)
    response.raise_for_status()
    assert response.headers["cache-control"] == "no-store"
    assert response.headers["referrer-policy"] == "no-referrer"
    return dict(response.json())


def post(link: str, action: str, form: dict[str, str] | None = None) -> httpx2.Response:
    return httpx2.post(f"{link}/{action}", data=form or {}, timeout=30, follow_redirects=True)


def test_hire_builds_a_valid_packet_emails_admins_and_sends_once(
    service: Service, lever: Recruiter, justworks: Justworks, mail: Mail, sims: Simulators
) -> None:
    opportunity = hire(
        lever,
        "Ada Lindqvist",
        salary_amount=150000,
        salary_interval="per-year-salary",
        compensation_currency="USD",
        anticipated_start_date=START,
    )
    links = review_links(mail)
    assert mail.to("finn@example.com", HIRED) == []
    assert len(set(links.values())) == 2  # one link per admin

    shown = packet(links["paula@example.com"])
    assert shown["status"] == "awaiting_review" and shown["problems"] == []
    assert shown["fields"] == {
        "member_type": "Full-time",
        "first_name": "Ada",
        "last_name": "Lindqvist",
        "home_email": "ada.lindqvist@example.net",
        "title": "Senior Backend Engineer",
        "manager_email": "hank@example.com",
        "department": "Engineering",
        "office": "Remote US",
        "start_date": "2026-09-01",
        "compensation_amount": "150000",
        "earnings_type": "per-year-salary",
        "currency": "USD",
        "exemption_status": "exempt",
    }
    page = httpx2.get(links["paula@example.com"], timeout=10).text
    assert "Awaiting review" in page and "Send to Justworks" in page
    assert "+1 555 0100" not in page  # the page shows the packet, nothing else about the candidate
    assert httpx2.get(links["paula@example.com"][:-4] + "abcd", timeout=10).status_code == 404
    assert justworks.pending_hires() == []  # nothing goes to Justworks before an admin sends it

    # A double click and a second admin's click: one pending hire, one invitation.
    for link in (links["paula@example.com"], links["paula@example.com"], links["rita@example.com"]):
        assert post(link, "send").status_code == 200
    hires = justworks.pending_hires()
    assert len(hires) == 1, hires
    hire_record = hires[0]
    assert hire_record["status"] == "invited"
    assert hire_record["source_ref"]["opportunity_id"] == opportunity
    assert hire_record["compensation"] == {"type_of_earnings": "year", "amount": 15000000, "currency": "USD"}
    assert hire_record["department"]["name"] == "Engineering"
    assert hire_record["manager"]["member_id"] == "mem_hank"
    assert hire_record["start_date"] == "2026-09-01"
    assert not any("resume" in k or "file" in k for k in hire_record)
    invitations = justworks.get("/_sim/outbox", kind="invitation")["items"]
    assert [i["to"] for i in invitations] == ["ada.lindqvist@example.net"]
    assert packet(links["rita@example.com"])["status"] == "sent"

    def noted() -> None:
        notes = [n for n in lever_notes(sims, opportunity) if "Justworks" in n]
        assert len(notes) == 1 and hire_record["id"] in notes[0], notes

    eventually(noted, what="the Lever note of the outcome")
    time.sleep(1.0)
    noted()  # still one: later reconciles do not repeat it


def test_invalid_packet_is_held_with_reasons_then_corrected_and_declined(
    service: Service, lever: Recruiter, justworks: Justworks, mail: Mail, sims: Simulators
) -> None:
    opportunity = hire(lever, "Bo Berg", salary_amount=12000, salary_interval="per-month-salary")
    link = review_links(mail)["rita@example.com"]
    shown = packet(link)
    assert shown["status"] == "held"
    assert {p["field"]: p["message"] for p in shown["problems"]} == {
        "start_date": "start date is missing (no anticipated start date on the offer)",
        "earnings_type": "type of earnings is a monthly salary; "
        "Justworks accepts only hour (wage) or year (salary)",
    }
    assert "need a correction before it can be sent" in body(mail.to("rita@example.com", HIRED)[0])
    page = httpx2.get(link, timeout=10).text
    assert "Held:" in page and "monthly salary" in page

    post(link, "send")  # refused while held: nothing half-right reaches Justworks
    assert justworks.pending_hires() == []

    post(link, "fields", {**shown["fields"], "earnings_type": "year", "compensation_amount": "144000",
                          "start_date": "2026-10-05", "department": "Marketing"})  # fmt: skip
    corrected = packet(link)
    assert corrected["status"] == "held"
    assert [p["field"] for p in corrected["problems"]] == ["department"]
    assert "Marketing" in corrected["problems"][0]["message"]
    post(link, "fields", {**corrected["fields"], "department": "Engineering"})
    assert packet(link)["status"] == "awaiting_review"

    post(link, "decline", {"reason": "start date moved"})
    assert packet(link)["status"] == "declined"
    assert post(link, "send").status_code == 200
    assert justworks.pending_hires() == []

    eventually(lambda: _assert_one_note(sims, opportunity, "declined"), what="the Lever note of the decline")


def _assert_one_note(sims: Simulators, opportunity: str, word: str) -> None:
    notes = [n for n in lever_notes(sims, opportunity) if "Justworks" in n]
    assert len(notes) == 1 and word in notes[0], notes


def test_unhiring_before_sending_withdraws_the_packet_and_tells_the_admins(
    service: Service, lever: Recruiter, justworks: Justworks, mail: Mail
) -> None:
    opportunity = hire(
        lever, "Cy Dahl", salary_amount=50, salary_interval="per-hour-wage", anticipated_start_date=START
    )
    link = review_links(mail)["paula@example.com"]
    assert packet(link)["status"] == "awaiting_review"
    assert packet(link)["fields"]["exemption_status"] == "nonexempt"

    lever.unarchive(opportunity)
    eventually(lambda: _assert_status(link, "withdrawn"), what="the packet to be withdrawn")
    eventually(
        lambda: _assert_emailed(mail, WITHDRAWN, EMPLOYEE_ADMINS), what="the admins to hear of the withdrawal"
    )
    post(link, "send")
    assert justworks.pending_hires() == []
    assert "Withdrawn" in httpx2.get(link, timeout=10).text


def _assert_status(link: str, status: str) -> None:
    assert packet(link)["status"] == status


def _assert_emailed(mail: Mail, subject: str, recipients: tuple[str, ...]) -> None:
    for recipient in recipients:
        assert len(mail.to(recipient, subject)) == 1
