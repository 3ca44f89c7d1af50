"""The database stops while candidates move and starts again: `serve` (with its in-process workers)
and a `hirebridge worker` ride it out without a restart, `/readyz` follows the database, webhooks
(Lever's and Jira's) during the outage are answered 503, and afterwards every candidate converges:
nothing lost, nothing done twice.

HIREBRIDGE_OUTAGE_SECONDS sets the outage (CI default 3; 60 for the long variant).
"""

from __future__ import annotations

import asyncio
import json
import threading
import time
import uuid
from collections.abc import Callable, Iterator

import httpx2
import pytest
from acceptance_oracle import World, problems
from acceptance_support import Cluster, env_int, eventually
from own_postgres import OwnPostgres
from test_crash import play

from hirebridge.domain.signature import hub_signature, lever_signature
from hirebridge.store.database import CONNECTION_WAIT_SECONDS
from simulators import Simulators


@pytest.fixture
def own_postgres() -> Iterator[OwnPostgres]:
    """This test stops its database: a cluster of its own, never the shared one."""
    cluster = OwnPostgres()
    try:
        yield cluster
    finally:
        cluster.destroy()


@pytest.fixture
def database_url(own_postgres: OwnPostgres) -> str:
    return own_postgres.database("hirebridge")


def signed_stage_change(cluster: Cluster, opportunity: str) -> dict[str, object]:
    (token,) = cluster.query(
        "SELECT signature_token FROM lever_webhooks WHERE event = 'candidateStageChange'"
    )[0]
    nonce, at = uuid.uuid4().hex, int(time.time() * 1000)
    return {
        "token": nonce,
        "triggeredAt": at,
        "event": "candidateStageChange",
        "signature": lever_signature(token, nonce, at),
        "data": {"opportunityId": opportunity, "toStageId": "offer", "fromStageId": "x"},
    }


def readyz(cluster: Cluster) -> int:
    try:
        return httpx2.get(f"{cluster.url}/readyz", timeout=5).status_code
    except httpx2.TransportError:
        return 0


def test_a_database_outage_is_ridden_out_without_a_restart(
    sims: Simulators, make_cluster: Callable[..., Cluster], own_postgres: OwnPostgres
) -> None:
    outage = env_int("HIREBRIDGE_OUTAGE_SECONDS", 3)
    count = env_int("HIREBRIDGE_OUTAGE_CANDIDATES", 12)
    sims.faults(lever={"latency_ms": 20}, jira={"latency_ms": 20})
    cluster = make_cluster(workers=1, serve_workers=True, concurrency=4)
    assert cluster.service is not None
    processes = [cluster.service, *cluster.workers]
    pids = [p.process.pid for p in processes]

    eventually(
        lambda: cluster.query("SELECT count(*) FROM procrastinate_workers") == [(2,)],
        timeout=60,
        what="both workers running",
    )

    ids: list[str] = []
    player = threading.Thread(target=lambda: ids.extend(asyncio.run(play(sims.lever_url, count, seed=5))))
    player.start()
    time.sleep(1.0)  # candidates are being created and moved
    webhook = signed_stage_change(cluster, str(uuid.uuid4()))
    (secret,) = cluster.query("SELECT secret FROM jira_webhooks WHERE connection = 'main'")[0]
    jira_event = json.dumps({"webhookEvent": "comment_created", "issue": {"id": "10001"}}).encode()

    own_postgres.stop()
    stopped_at = time.monotonic()
    eventually(lambda: readyz(cluster) == 503, timeout=15, what="/readyz 503 while the database is away")
    during = httpx2.post(f"{cluster.url}/webhooks/lever/main", json=webhook, timeout=30)
    assert during.status_code == 503, during.text
    jira_during = httpx2.post(
        f"{cluster.url}/webhooks/jira/main",
        content=jira_event,
        headers={"X-Hub-Signature": hub_signature(secret, jira_event)},
        timeout=30,
    )
    assert jira_during.status_code == 503, jira_during.text
    time.sleep(max(0.0, outage - (time.monotonic() - stopped_at)))
    assert readyz(cluster) == 503
    own_postgres.start()
    restarted_at = time.monotonic()

    eventually(lambda: readyz(cluster) == 200, timeout=30, what="/readyz 200 once the database is back")
    ready_after = time.monotonic() - restarted_at
    player.join(timeout=120)
    assert not player.is_alive() and len(ids) == count
    # The same webhook, sent again as Lever would, is stored now.
    again = httpx2.post(f"{cluster.url}/webhooks/lever/main", json=webhook, timeout=30)
    assert again.json() == {"status": "accepted"}
    cluster.settle(timeout=120)
    print(
        f"outage {outage} s: ready {ready_after:.1f} s after the database, settled"
        f" {time.monotonic() - restarted_at:.1f} s after it"
    )

    # No restart: the very processes started before the outage did all the work. A worker busy when
    # the database went away was stopped by procrastinate and started again inside its process (an
    # idle one may not notice a short outage: its next query only waits for a connection).
    assert [p.process.poll() for p in processes] == [None] * len(processes)
    assert [p.process.pid for p in processes] == pids
    restarted = [p.name for p in processes if "worker stopped; starting it again" in p.output()]
    assert restarted, "no worker was stopped by the outage: it did not test anything"
    if outage > CONNECTION_WAIT_SECONDS:
        assert len(restarted) == len(processes)
    assert problems(World.read(sims.lever_url, sims.jira_url), ids) == []
    assert cluster.query("SELECT recipe, key, last_error FROM effects WHERE state <> 'done'") == []
    assert cluster.backlog()["failed jobs"] == 0
    assert cluster.query("SELECT count(*) FROM subjects WHERE synced_version < desired_version") == [(0,)]
