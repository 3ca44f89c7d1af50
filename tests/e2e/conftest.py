"""End to end: the simulators and the service as real processes on loopback, a real PostgreSQL (the
simulators' fixtures, `simulators` and `sims`, are shared with the other suites in tests/conftest.py)."""

from __future__ import annotations

import mailbox
import subprocess
import sys
import tempfile
from collections.abc import Generator, Iterator
from pathlib import Path
from typing import Any

import psycopg
import pytest
from e2e_support import WATCH_OFFERS, Mail, Service, listening, start_service, wait_for

from hirebridge.demo.processes import ManagedProcess, free_port
from simulators import Simulators


@pytest.fixture
def service(sims: Simulators, database_url: str, log_dir: Path) -> Iterator[Service]:
    # An offer's signature sends no webhook: the demo config's offer recipes see it by polling.
    running = start_service(sims, database_url, log_dir, env=WATCH_OFFERS)
    yield running
    running.process.stop()


@pytest.fixture
def lever(sims: Simulators) -> Iterator[Any]:
    """A recruiter in Lever (lever_actions.Recruiter)."""
    from lever_actions import Recruiter

    recruiter = Recruiter(sims)
    yield recruiter
    recruiter.close()


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
        wait_for(lambda: server.poll() is not None or listening(port), what="the SMTP server", every=0.1)
        assert server.poll() is None, "the SMTP server did not start"
        yield Mail(port, folder)
    finally:
        server.terminate()
        server.wait(timeout=10)
        log.close()


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
