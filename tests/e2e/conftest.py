"""End to end: the simulators and the service as real processes on loopback, a real PostgreSQL."""

from __future__ import annotations

import mailbox
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Generator, Iterator
from dataclasses import dataclass
from email.message import Message
from pathlib import Path
from typing import Any

import httpx2
import psycopg
import pytest

from hirebridge.demo.processes import LEVER_SIM_SWITCHES, ManagedProcess, free_port

REPO = Path(__file__).resolve().parents[2]
DEMO_CONFIG = REPO / "examples" / "demo.yaml"
LEVER_KEY = "sim-lever-key"
RECRUITER_KEY = "sim-lever-recruiter-key"
JIRA_AUTH = ("admin@example.com", "sim-token")
WATCH_OFFERS = {"HIREBRIDGE_WATCH_SECONDS": "2"}


@dataclass
class Simulators:
    lever_url: str
    jira_url: str

    def reset(self) -> None:
        for url in (self.lever_url, self.jira_url):
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


@pytest.fixture(scope="session")
def log_dir() -> Iterator[Path]:
    path = Path(tempfile.mkdtemp(prefix="hirebridge-e2e-"))
    yield path
    shutil.rmtree(path, ignore_errors=True)


@pytest.fixture(scope="session")
def simulators(log_dir: Path) -> Iterator[Simulators]:
    lever_port, jira_port = free_port(), free_port()
    lever = ManagedProcess(
        "sim-lever", ["sim", "lever", "--port", str(lever_port), *LEVER_SIM_SWITCHES], log_dir=log_dir
    )
    jira = ManagedProcess("sim-jira", ["sim", "jira", "--port", str(jira_port)], log_dir=log_dir)
    try:
        sims = Simulators(f"http://127.0.0.1:{lever_port}", f"http://127.0.0.1:{jira_port}")
        lever.wait_http(f"{sims.lever_url}/_sim/state")
        jira.wait_http(f"{sims.jira_url}/_sim/state")
        yield sims
    finally:
        lever.stop()
        jira.stop()


@dataclass
class Service:
    url: str
    process: ManagedProcess
    database_url: str


@pytest.fixture
def sims(simulators: Simulators) -> Simulators:
    simulators.reset()
    return simulators


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


@pytest.fixture
def service(sims: Simulators, database_url: str, log_dir: Path) -> Iterator[Service]:
    # An offer's signature sends no webhook: the demo config's offer recipes see it by polling.
    running = start_service(sims, database_url, log_dir, env=WATCH_OFFERS)
    yield running
    running.process.stop()


@pytest.fixture
def lever(sims: Simulators) -> Iterator[Any]:
    """A recruiter in Lever (lever_actions.Recruiter)."""
    from lever_actions import Recruiter  # it reads this module's constants: imported once this is loaded

    recruiter = Recruiter(sims)
    yield recruiter
    recruiter.close()


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


@pytest.fixture(scope="module")
def justworks_url(log_dir: Path) -> Iterator[str]:
    """The Justworks simulator as a process of its own (reset by each test's service start)."""
    port = free_port()
    process = ManagedProcess("sim-justworks", ["sim", "justworks", "--port", str(port)], log_dir=log_dir)
    try:
        process.wait_http(f"http://127.0.0.1:{port}/_sim/state")
        yield f"http://127.0.0.1:{port}"
    finally:
        process.stop()


@pytest.fixture(scope="module")
def smtp(log_dir: Path) -> Iterator[Mail]:
    """A real SMTP server process (aiosmtpd); every message it receives lands in a Maildir."""
    port, folder = free_port(), Path(tempfile.mkdtemp(prefix="maildir-", dir=log_dir)) / "mail"
    mailbox.Maildir(folder, create=True)
    log = (log_dir / f"smtp-{port}.log").open("wb")
    server = subprocess.Popen(
        [sys.executable, "-m", "aiosmtpd", "-n", "-l", f"127.0.0.1:{port}", "-c", "aiosmtpd.handlers.Mailbox",
         str(folder)],
        stdout=log,
        stderr=subprocess.STDOUT,
    )  # fmt: skip
    try:
        wait_for(lambda: server.poll() is not None or _listening(port), what="the SMTP server", every=0.1)
        assert server.poll() is None, "the SMTP server did not start"
        yield Mail(port, folder)
    finally:
        server.terminate()
        server.wait(timeout=10)
        log.close()


def _listening(port: int) -> bool:
    with socket.socket() as sock:
        return sock.connect_ex(("127.0.0.1", port)) == 0


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Generator[None, Any, Any]:
    """A failed test shows what the service did: the end of its log and its latest audit rows (both
    free of candidate data by design), so a failure seen only in CI can be read."""
    report = yield
    funcargs = getattr(item, "funcargs", {})
    service = funcargs.get("service") or getattr(funcargs.get("running"), "service", None)
    if report.when == "call" and report.failed and isinstance(service, Service):
        report.sections.append(("service log (last 80 lines)", _tail(service.process.output(), 80)))
        report.sections.append(("audit (latest 40 rows)", _audit(service.database_url)))
    return report


def _tail(text: str, lines: int) -> str:
    return "\n".join(text.splitlines()[-lines:])


def _audit(database_url: str) -> str:
    try:
        with psycopg.connect(database_url) as conn:
            rows = conn.execute(
                "SELECT at, subject_kind, subject_id, action, detail FROM audit ORDER BY id DESC LIMIT 40"
            ).fetchall()
    except psycopg.Error as exc:
        return f"(audit not readable: {exc})"
    return "\n".join(" ".join(str(value) for value in row) for row in reversed(rows))


def wait_for(condition: Any, *, timeout: float = 20.0, what: str = "condition", every: float = 0.05) -> Any:
    """`every`: a condition that reads Lever's API polls slower than its rate limit (10/s a key)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(every)
    raise AssertionError(f"timed out waiting for {what}")
