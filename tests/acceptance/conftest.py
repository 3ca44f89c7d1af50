"""Acceptance: the whole system as processes (simulators, ingest, several workers) on one PostgreSQL."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from acceptance_support import Cluster, acceptance_config

from simulators import Simulators


@pytest.fixture
def sims(sims: Simulators) -> Simulators:
    """The session's simulators, reset, with Lever's own rate limit off: the service's config sets one at
    test speed (acceptance_config)."""
    sims.faults()
    return sims


@pytest.fixture
def make_cluster(
    sims: Simulators, database_url: str, log_dir: Path, request: pytest.FixtureRequest
) -> Iterator[Callable[..., Cluster]]:
    """Start the service and workers on this test's database; everything is stopped afterwards."""
    clusters: list[Cluster] = []
    logs = log_dir / request.node.name

    def make(**kwargs: object) -> Cluster:
        cluster = Cluster(sims, database_url, acceptance_config(log_dir), logs)
        clusters.append(cluster)
        return cluster.start(**kwargs)  # type: ignore[arg-type]

    yield make
    for cluster in clusters:
        cluster.stop()
