"""Acceptance: the whole system as processes (simulators, ingest, several workers) on one PostgreSQL."""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from acceptance_support import Cluster, Simulators, acceptance_config

from hirebridge.demo.processes import LEVER_SIM_SWITCHES, ManagedProcess, free_port


@pytest.fixture(scope="session")
def acceptance_dir() -> Iterator[Path]:
    path = Path(tempfile.mkdtemp(prefix="hirebridge-acceptance-"))
    yield path
    if not os.environ.get("HIREBRIDGE_KEEP_LOGS"):  # set it to read the processes' logs afterwards
        shutil.rmtree(path, ignore_errors=True)


@pytest.fixture(scope="session")
def simulators(acceptance_dir: Path) -> Iterator[Simulators]:
    lever_port, jira_port = free_port(), free_port()
    logs = acceptance_dir / "sims"
    lever = ManagedProcess(
        "sim-lever", ["sim", "lever", "--port", str(lever_port), *LEVER_SIM_SWITCHES], log_dir=logs
    )
    jira = ManagedProcess("sim-jira", ["sim", "jira", "--port", str(jira_port)], log_dir=logs)
    try:
        sims = Simulators(f"http://127.0.0.1:{lever_port}", f"http://127.0.0.1:{jira_port}")
        lever.wait_http(f"{sims.lever_url}/_sim/state")
        jira.wait_http(f"{sims.jira_url}/_sim/state")
        yield sims
    finally:
        lever.stop()
        jira.stop()


@pytest.fixture
def sims(simulators: Simulators) -> Simulators:
    simulators.reset()
    return simulators


@pytest.fixture
def make_cluster(
    sims: Simulators, database_url: str, acceptance_dir: Path, request: pytest.FixtureRequest
) -> Iterator[Callable[..., Cluster]]:
    """Start the service and workers on this test's database; everything is stopped afterwards."""
    clusters: list[Cluster] = []
    log_dir = acceptance_dir / request.node.name

    def make(**kwargs: object) -> Cluster:
        cluster = Cluster(sims, database_url, acceptance_config(acceptance_dir), log_dir)
        clusters.append(cluster)
        return cluster.start(**kwargs)  # type: ignore[arg-type]

    yield make
    for cluster in clusters:
        cluster.stop()
