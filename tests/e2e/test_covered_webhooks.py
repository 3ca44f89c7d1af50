"""A webhook about a change the last reconcile already read costs no Lever call; one that may carry
news does. Webhooks are signed like Lever's and sent to the running service."""

from __future__ import annotations

import time
import uuid
from typing import Any

import httpx2
import psycopg
from e2e_support import Service, Simulators
from lever_actions import Recruiter, settle

from hirebridge.domain.signature import lever_signature


def send_stage_change(service: Service, opportunity: str, to_stage: str, triggered_at: int) -> None:
    with psycopg.connect(service.database_url) as conn:
        row = conn.execute(
            "SELECT signature_token FROM lever_webhooks WHERE event = 'candidateStageChange'"
        ).fetchone()
    assert row is not None
    token = uuid.uuid4().hex
    body: dict[str, Any] = {
        "token": token,
        "triggeredAt": triggered_at,
        "event": "candidateStageChange",
        "signature": lever_signature(row[0], token, triggered_at),
        "data": {"opportunityId": opportunity, "toStageId": to_stage, "fromStageId": "x"},
    }
    answer = httpx2.post(f"{service.url}/webhooks/lever/main", json=body, timeout=10)
    assert answer.json() == {"status": "accepted"}


def lever_reads(sims: Simulators, opportunity: str) -> int:
    log = httpx2.get(f"{sims.lever_url}/_sim/requests", timeout=10).json()["data"]
    return sum(1 for r in log if r["method"] == "GET" and r["path"] == f"/v1/opportunities/{opportunity}")


def last_audit(service: Service, opportunity: str) -> str:
    with psycopg.connect(service.database_url) as conn:
        row = conn.execute(
            "SELECT action FROM audit WHERE subject_id = %s ORDER BY id DESC LIMIT 1", (opportunity,)
        ).fetchone()
    assert row is not None
    return str(row[0])


def test_webhooks_the_last_read_covered_cost_no_lever_call(sims: Simulators, service: Service) -> None:
    lever = Recruiter(sims)
    # Onsite, not Offer: candidates in the Offer stage are also re-read by the offer poll.
    opportunity = lever.create("Cora Covered", "Senior Backend Engineer")
    lever.move(opportunity, "Phone Screen", "Onsite")
    settle(service.database_url, sims)
    seen = lever.opportunity(opportunity)
    stages = lever.stages
    reads = lever_reads(sims, opportunity)

    # Late and reordered: a move made before the newest change the read saw.
    send_stage_change(service, opportunity, stages["Phone Screen"], seen["updatedAt"] - 5_000)
    settle(service.database_url, sims)
    assert (lever_reads(sims, opportunity), last_audit(service, opportunity)) == (reads, "covered")

    # A move to the very stage the read saw: nothing it did not know.
    send_stage_change(service, opportunity, stages["Onsite"], int(time.time() * 1000))
    settle(service.database_url, sims)
    assert (lever_reads(sims, opportunity), last_audit(service, opportunity)) == (reads, "covered")

    # News: a move elsewhere after the read. Lever is read again (and says the candidate did not move).
    send_stage_change(service, opportunity, stages["Technical Assessment"], int(time.time() * 1000))
    settle(service.database_url, sims)
    assert (lever_reads(sims, opportunity), last_audit(service, opportunity)) == (reads + 1, "reconciled")

    # A real move back is news too.
    lever.move(opportunity, "Phone Screen")
    settle(service.database_url, sims)
    assert lever_reads(sims, opportunity) == reads + 2
    assert last_audit(service, opportunity) == "reconciled"
