"""First start on an existing Lever account, at Lever's real rate limit (10 requests/s, burst 20):
a new database backfills what the recipes apply to from list pages, within the shared budget, and a
backfill does not hold up a live webhook's reconcile."""

from __future__ import annotations

import time
import uuid
from pathlib import Path
from typing import Any

import httpx2
import psycopg
from e2e_support import LEVER_KEY, Simulators, start_service, wait_for
from lever_actions import Recruiter

RITA = "rita@example.com"
CONFIG = """
version: 1
service: {public_url: "${HIREBRIDGE_PUBLIC_URL}"}
lever:
  main:
    base_url: ${LEVER_BASE_URL}
    api_key: ${LEVER_API_KEY}
    perform_as: rita@example.com
jira:
  main:
    base_url: ${JIRA_BASE_URL}
    email: admin@example.com
    api_token: ${JIRA_API_TOKEN}
    search_consistency_seconds: 2
    register_webhook: false
recipes:
  - name: onboarding
    when: {stage_reached: Offer, offer_accepted: true}
    allow: [candidate.name]
    actions:
      - id: epic
        jira_issue: {project: ONB, type: Epic, summary: "Onboarding {{ candidate.name }}", remote_link: false}
      - id: note
        lever_note: {text: "Onboarding started"}
"""
OFFERS_ROUTE = "GET /v1/opportunities/{opportunity_id}/offers"
ONE_ROUTE = "GET /v1/opportunities/{opportunity_id}"


def seed_account(sims: Simulators, stages: dict[str, int], signed: int) -> list[str]:
    """An account with opportunities already in it (no webhook ever sent about them); the first
    `signed` of those at Offer have a signed offer. Returns the ids at Offer."""
    seed = httpx2.get(f"{sims.lever_url}/_sim/seed", timeout=10).json()
    posting = seed["postings"][0]["id"]
    rita = next(u["id"] for u in seed["users"] if u["email"] == RITA)
    people = [
        {"id": str(uuid.uuid4()), "name": f"Seeded {stage} {n}", "stage": stage, "postings": [posting],
         "perform_as": rita}
        for stage, count in stages.items()
        for n in range(count)
    ]  # fmt: skip
    httpx2.post(f"{sims.lever_url}/_sim/seed", json={**seed, "opportunities": people}, timeout=30)
    at_offer = [p["id"] for p in people if p["stage"] == "offer"]
    for opportunity in at_offer[:signed]:
        body = {"opportunityId": opportunity, "status": "signed", "fields": {}}
        httpx2.post(f"{sims.lever_url}/_sim/offers", json=body, timeout=10).raise_for_status()
    return at_offer


def epics(sims: Simulators) -> list[str]:
    issues = httpx2.get(f"{sims.jira_url}/_sim/state", timeout=10).json()["issues"]
    return sorted(i["summary"] for i in issues if i["issuetype"] == "Epic")


def jobs_left(database_url: str, priority: str) -> int:
    where = {"background": "priority <= -10", "live": "priority >= 0"}[priority]
    with psycopg.connect(database_url) as conn:
        row = conn.execute(
            "SELECT count(*) FROM procrastinate_jobs WHERE status IN ('todo', 'doing')"
            f" AND task_name LIKE 'reconcile_%' AND {where}"
        ).fetchone()
    return int(row[0]) if row else 0


def lever_stats(sims: Simulators) -> dict[str, Any]:
    return dict(httpx2.get(f"{sims.lever_url}/_sim/stats", timeout=10).json())


def write_config(tmp_path: Path) -> Path:
    path = tmp_path / "config.yaml"
    path.write_text(CONFIG)
    return path


def test_first_start_backfills_from_list_pages(
    sims: Simulators, database_url: str, log_dir: Path, tmp_path: Path
) -> None:
    at_offer = seed_account(sims, {"applicant-new": 10, "lead-new": 6, "offer": 8}, signed=5)
    config = write_config(tmp_path)
    service = start_service(sims, database_url, log_dir, config=config)
    try:
        wanted = sorted(f"Onboarding Seeded offer {n}" for n in range(5))
        wait_for(lambda: epics(sims) == wanted, timeout=60, what="the backfill's epics")
        wait_for(lambda: jobs_left(database_url, "background") == 0, timeout=30, what="the backfill")
        stats = lever_stats(sims)
    finally:
        service.process.stop()
    # Read from list pages: no opportunity read one by one; offers only where they can matter.
    assert stats["byRoute"].get(ONE_ROUTE, 0) == 0
    assert stats["byRoute"].get(OFFERS_ROUTE, 0) == len(at_offer)
    assert stats["byRoute"].get("POST /v1/opportunities/{opportunity_id}/notes", 0) == 5
    assert not [k for k in stats["byKey"] if k.startswith(f"{LEVER_KEY} 429")]
    with psycopg.connect(database_url) as conn:
        row = conn.execute("SELECT last_summary FROM sweep_cursors WHERE stream = 'opportunities'").fetchone()
    assert row is not None and row[0]["backfill"]["listed"] == 24 and row[0]["backfill"]["queued"] == 24


def test_a_backfill_does_not_hold_up_a_live_webhook(
    sims: Simulators, database_url: str, log_dir: Path, tmp_path: Path
) -> None:
    # 90 candidates at Offer: an offers read each, at background priority (≥ 9 s of the budget).
    seed_account(sims, {"offer": 90}, signed=0)
    recruiter = Recruiter(sims)
    live = recruiter.create("Lena Live")
    service = start_service(sims, database_url, log_dir, config=write_config(tmp_path))
    try:
        wait_for(lambda: jobs_left(database_url, "background") > 40, timeout=20, what="the backfill queued")
        time.sleep(2)  # the backfill is spending the budget
        recruiter.offer(live)  # offers send no webhook: the move to Offer is what Lever tells
        recruiter.move(live, "Offer")
        moved = time.monotonic()
        wait_for(lambda: "Onboarding Lena Live" in epics(sims), timeout=30, what="the live epic", every=0.1)
        latency = time.monotonic() - moved
        left = jobs_left(database_url, "background")
    finally:
        service.process.stop()
    assert left > 0, "the backfill had finished: nothing was measured against it"
    assert latency < 3.0, latency
