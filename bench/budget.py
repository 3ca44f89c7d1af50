"""P7–P10: an existing Lever account at Lever's real rate limit (10 requests/s a key, burst 20).

P7 first start on a fresh database (backfill), P8 the repair of candidates moved while hirebridge was
down (their webhooks lost), P9 an idle service's own use of the budget, P10 serve + 3 workers + a
`sweep --full` at once. Each bound is the Lever calls the recipe cannot avoid ÷ 10 requests/s:
list pages, the offers of candidates at Offer (where a signed offer can matter) and one note per
signed offer. Lever calls are counted by the simulator for hirebridge's key (the harness seeds and
moves candidates as recruiters in Lever's UI, a key exempt from the limit)."""

from __future__ import annotations

import math
import os
import subprocess
import sys
import time
import uuid
from typing import Any

import httpx2
import psycopg

from bench.pipeline import jira_snapshot, synced
from bench.stack import LEVER_KEY, RECRUITER_KEY, Stack

LEVER_RPS = 10.0
EARLY = ("lead-new", "lead-reached-out", "applicant-new")
CONFIG = """
version: 1
service: {public_url: "${HIREBRIDGE_PUBLIC_URL}", workers: 8}
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
    requests_per_second: 50
    search_consistency_seconds: 1
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


class Account:
    """Opportunities already in Lever: `signed` at Offer with a signed offer, `offer` more at Offer
    without one, the rest spread over the stages before it."""

    def __init__(self, stack: Stack, count: int, *, signed: int, offer: int) -> None:
        self.stack = stack
        seed = httpx2.get(f"{stack.lever_url}/_sim/seed", timeout=30).json()
        self.stage_ids = [s.get("id") for s in seed["stages"]]
        posting = seed["postings"][0]["id"]
        rita = next(u["id"] for u in seed["users"] if u["email"] == "rita@example.com")
        before = self.stage_ids[: self.stage_ids.index("offer")]
        people = []
        for n in range(count):
            stage = "offer" if n < signed + offer else before[n % len(before)]
            people.append({"id": str(uuid.uuid4()), "name": f"Bench {n:05d}", "stage": stage,
                           "postings": [posting], "perform_as": rita})  # fmt: skip
        httpx2.post(f"{stack.lever_url}/_sim/seed", json={**seed, "opportunities": people}, timeout=120)
        stack.lever_limit()
        self.ids = [p["id"] for p in people]
        self.signed = set(self.ids[:signed])
        self.at_offer = set(self.ids[: signed + offer])
        for opportunity in self.ids[:signed]:
            self.sign(opportunity)

    def sign(self, opportunity: str) -> None:
        body = {"opportunityId": opportunity, "status": "signed", "fields": {}}
        httpx2.post(f"{self.stack.lever_url}/_sim/offers", json=body, timeout=10).raise_for_status()
        self.signed.add(opportunity)

    def move_to_offer(self, opportunity: str, client: httpx2.Client) -> None:
        client.put(f"/opportunities/{opportunity}/stage", json={"stage": "offer"}).raise_for_status()
        self.at_offer.add(opportunity)


def lever_by_key(stack: Stack) -> tuple[int, int]:
    """(requests by hirebridge's key, of which 429)."""
    counts = httpx2.get(f"{stack.lever_url}/_sim/stats", timeout=10).json().get("byKey", {})
    ours = {k.split(" ", 1)[1]: n for k, n in counts.items() if k.startswith(f"{LEVER_KEY} ")}
    return sum(ours.values()), int(ours.get("429", 0))


def epics_done(stack: Stack) -> int:
    return sum(1 for i in jira_snapshot(stack) if i["issuetype"] == "Epic" and i["project"] == "ONB")


def known(database_url: str) -> int:
    with psycopg.connect(database_url) as conn:
        row = conn.execute("SELECT count(*) FROM subjects WHERE kind = 'opportunity'").fetchone()
    return int(row[0]) if row else 0


def wait_converged(
    database_url: str, stack: Stack, epics: int, timeout: float, *, subjects: int = 0
) -> float:
    """Wall time at which every signed offer had its epic, `subjects` opportunities were known (the
    backfill listed them) and nothing was left to do."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if epics_done(stack) >= epics and known(database_url) >= subjects and synced(database_url, stack):
            return time.time()
        time.sleep(0.5)
    raise TimeoutError(f"not converged after {timeout:.0f} s ({epics_done(stack)}/{epics} epics)")


def _config(stack: Stack) -> Any:
    path = stack.work / "budget-config.yaml"
    path.write_text(CONFIG)
    return path


def _fresh(stack: Stack) -> str:
    database_url = stack.fresh(jira_faults={"rate_limit_rps": 50, "rate_limit_scope": "site"})
    return database_url


def first_start_and_outage(stack: Stack, *, count: int, moved: int, timeout: float = 1800) -> dict[str, Any]:
    """P7 then P8 on the same account and database."""
    database_url = _fresh(stack)
    signed, offer = int(count * 0.3), int(count * 0.1)
    account = Account(stack, count, signed=signed, offer=offer)
    calls0, _ = lever_by_key(stack)
    began = time.time()
    _, service = stack.serve(database_url, _config(stack), workers=True)
    ready = time.time()
    finished = wait_converged(database_url, stack, len(account.signed), timeout)
    calls1, refused1 = lever_by_key(stack)
    pages = math.ceil(count / 100)
    p7_bound = (pages + len(account.at_offer) + len(account.signed)) / LEVER_RPS
    p7 = {
        "opportunities": count,
        "signed": len(account.signed),
        "at_offer": len(account.at_offer),
        "seconds": round(finished - began, 1),
        "seconds_after_ready": round(finished - ready, 1),
        "bound_seconds": round(p7_bound, 1),
        "ratio_to_bound": round((finished - began) / p7_bound, 3),
        "lever_calls": calls1 - calls0,
        "lever_calls_per_opportunity": round((calls1 - calls0) / count, 3),
        "lever_429": refused1,
        "epics": epics_done(stack),
    }
    # P8: down; candidates move to Offer and sign; their webhooks are lost (Lever gave up on them).
    stack.stop(service)
    httpx2.post(f"{stack.lever_url}/_sim/faults", json={"webhook_drop": 1.0}, timeout=10).raise_for_status()
    early = [o for o in account.ids if o not in account.at_offer][:moved]
    with httpx2.Client(
        base_url=f"{stack.lever_url}/v1", auth=(RECRUITER_KEY, ""), params={"perform_as": _rita(stack)}
    ) as client:
        for opportunity in early:
            account.sign(opportunity)
            account.move_to_offer(opportunity, client)
    httpx2.post(f"{stack.lever_url}/_sim/faults", json={"webhook_drop": 0.0}, timeout=10).raise_for_status()
    calls2, refused2 = lever_by_key(stack)
    began = time.time()
    _, service = stack.serve(database_url, _config(stack), workers=True)
    try:
        finished = wait_converged(database_url, stack, len(account.signed), timeout)
    finally:
        stack.stop(service)
    calls3, refused3 = lever_by_key(stack)
    p8_bound = (math.ceil(moved / 100) + 2 * moved) / LEVER_RPS
    p8 = {
        "moved": moved,
        "seconds": round(finished - began, 1),
        "bound_seconds": round(p8_bound, 1),
        "ratio_to_bound": round((finished - began) / p8_bound, 3),
        "lever_calls": calls3 - calls2,
        "lever_429": refused3 - refused2,
        "epics": epics_done(stack),
        "expected_epics": len(account.signed),
    }
    return {"p7": p7, "p8": p8}


def idle(stack: Stack, *, count: int, at_offer: int, seconds: float, timeout: float = 1800) -> dict[str, Any]:
    """P9: the backfill done, nothing changes for `seconds`; hirebridge's own Lever use meanwhile."""
    database_url = _fresh(stack)
    account = Account(stack, count, signed=0, offer=at_offer)
    _, service = stack.serve(database_url, _config(stack), workers=True)
    try:
        wait_converged(database_url, stack, 0, timeout, subjects=count)
        time.sleep(5)  # the backfill's last polls settle
        calls0, refused0 = lever_by_key(stack)
        routes0 = _routes(stack)
        time.sleep(seconds)
        calls1, refused1 = lever_by_key(stack)
        routes = {r: n - routes0.get(r, 0) for r, n in _routes(stack).items() if n > routes0.get(r, 0)}
    finally:
        stack.stop(service)
    used = (calls1 - calls0) / (LEVER_RPS * seconds)
    return {
        "opportunities": count,
        "at_offer": len(account.at_offer),
        "idle_seconds": seconds,
        "lever_calls": calls1 - calls0,
        "budget_used_pct": round(used * 100, 2),
        "calls_by_route": routes,
        "lever_429": refused1 - refused0,
    }


def crowd(stack: Stack, *, count: int, timeout: float = 1800) -> dict[str, Any]:
    """P10: serve, 3 workers and a `sweep --full` against one account at once (a fresh database, so
    the first start's backfill runs too)."""
    database_url = _fresh(stack)
    account = Account(stack, count, signed=int(count * 0.3), offer=int(count * 0.1))
    config = _config(stack)
    calls0, refused0 = lever_by_key(stack)
    began = time.time()
    url, service = stack.serve(database_url, config, workers=True)
    workers = [stack.worker(database_url, config, url) for _ in range(3)]
    sweep = subprocess.run(
        [sys.executable, "-m", "hirebridge", "sweep", "--config", str(config), "--full", "--no-wait"],
        env={**os.environ, **stack.env(database_url, url)},
        capture_output=True,
        timeout=timeout,
    )
    try:
        finished = wait_converged(database_url, stack, len(account.signed), timeout)
    finally:
        for process in [*workers, service]:
            stack.stop(process)
    calls1, refused1 = lever_by_key(stack)
    return {
        "opportunities": count,
        "processes": "serve + 3 workers + sweep --full",
        "sweep_exit": sweep.returncode,
        "seconds": round(finished - began, 1),
        "lever_calls": calls1 - calls0,
        "lever_rps": round((calls1 - calls0) / (finished - began), 2),
        "lever_429": refused1 - refused0,
        "epics": epics_done(stack),
    }


def _routes(stack: Stack) -> dict[str, int]:
    """Requests by route (all keys: the recruiters are idle during P9)."""
    return dict(httpx2.get(f"{stack.lever_url}/_sim/stats", timeout=10).json().get("byRoute", {}))


def _rita(stack: Stack) -> str:
    users = httpx2.get(f"{stack.lever_url}/_sim/seed", timeout=30).json()["users"]
    return str(next(u["id"] for u in users if u["email"] == "rita@example.com"))
