"""U1 end to end: a candidate who signs the offer in the Offer stage (Lever's accepted offer) gets one
epic, its issues and one Lever note."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx2
import psycopg
from e2e_support import JIRA_AUTH, RECRUITER_KEY, Service, Simulators, wait_for
from lever_actions import lever_notes

from hirebridge.demo.run import wait_until_synced
from hirebridge.demo.season import Candidate, Recruiter

CHILDREN = 3


async def _hire_path(sims: Simulators, stages: list[str]) -> Candidate:
    recruiter = Recruiter(sims.lever_url, RECRUITER_KEY)
    try:
        await recruiter.load()
        candidate = Candidate("Ada Lindqvist", "Offer signed")
        posting = next(p for p in recruiter.postings if p["text"] == "Senior Backend Engineer")
        await recruiter.create(candidate, posting)
        start = datetime.now(UTC) + timedelta(days=14)
        for stage in stages:
            if stage == "Offer":
                await recruiter.extend_offer(candidate, start)
            await recruiter.move(candidate, stage)
        await recruiter.extend_offer(candidate, start, signed=True)
        return candidate
    finally:
        await recruiter.aclose()


def move(sims: Simulators, candidate: Candidate, *stages: str) -> None:
    async def run() -> None:
        recruiter = Recruiter(sims.lever_url, RECRUITER_KEY)
        try:
            await recruiter.load()
            for stage in stages:
                await recruiter.move(candidate, stage)
        finally:
            await recruiter.aclose()

    asyncio.run(run())


def jira_issues(sims: Simulators) -> list[dict[str, Any]]:
    response = httpx2.post(
        f"{sims.jira_url}/rest/api/3/search/jql",
        auth=JIRA_AUTH,
        timeout=10,
        json={
            "jql": "project = ONB ORDER BY key",
            "fields": ["summary", "status", "parent", "issuetype", "assignee", "labels", "description"],
            "maxResults": 100,
        },
    )
    response.raise_for_status()
    return response.json()["issues"]


def settle(service: Service, sims: Simulators) -> None:
    wait_until_synced(service.database_url, sims.lever_url, timeout=30)


def signed_and_settled(service: Service, sims: Simulators) -> None:
    """Until the epic exists (a signature sends no webhook: the offer poll may be the one to see it),
    then until hirebridge is caught up."""
    wait_for(
        lambda: any(i["fields"]["issuetype"]["name"] == "Epic" for i in jira_issues(sims)),
        what="the onboarding epic",
        every=0.25,
    )
    settle(service, sims)


def assert_one_of_each(sims: Simulators, candidate: Candidate, *, epic_status: str = "To Do") -> None:
    issues = jira_issues(sims)
    epics = [i for i in issues if i["fields"]["issuetype"]["name"] == "Epic"]
    assert len(epics) == 1, [e["fields"]["summary"] for e in epics]
    epic = epics[0]
    assert epic["fields"]["summary"] == "Onboarding: Ada Lindqvist (Senior Backend Engineer)"
    assert epic["fields"]["status"]["name"] == epic_status
    children = [i for i in issues if (i["fields"].get("parent") or {}).get("key") == epic["key"]]
    assert len(children) == CHILDREN and len(issues) == 1 + CHILDREN
    notes = [n for n in lever_notes(sims, candidate.id) if epic["key"] in n]
    assert len(notes) == 1 and f"/browse/{epic['key']}" in notes[0]


def test_offer_accepted_creates_epic_issues_and_note(sims: Simulators, service: Service) -> None:
    candidate = asyncio.run(_hire_path(sims, ["Phone Screen", "Onsite", "Offer"]))
    signed_and_settled(service, sims)
    assert_one_of_each(sims, candidate)
    issues = jira_issues(sims)
    epic = next(i for i in issues if i["fields"]["issuetype"]["name"] == "Epic")
    assert epic["fields"]["assignee"]["emailAddress"] == "hank@example.com"
    assert "onboarding" in epic["fields"]["labels"]
    description = str(epic["fields"]["description"])
    assert (
        "Senior Backend Engineer" in description
        and "ada" not in description.lower().split("lindqvist")[0][-5:]
    )
    assignees = sorted(i["fields"]["assignee"]["emailAddress"] for i in issues if i is not epic)
    assert assignees == ["hank@example.com", "it@example.com", "people@example.com"]
    # Contact data never leaves Lever: the candidate's email is nowhere in Jira.
    assert "@example.net" not in str(issues)


def test_duplicate_webhooks_and_back_and_forth_leave_one_of_each(sims: Simulators, service: Service) -> None:
    candidate = asyncio.run(_hire_path(sims, ["Onsite", "Offer"]))
    signed_and_settled(service, sims)
    deliveries = httpx2.get(f"{sims.lever_url}/_sim/deliveries", timeout=10).json()["data"]
    accepted = [d for d in deliveries if d["event"] == "candidateStageChange"][-1]
    for _ in range(4):  # Lever's "Rerun": the same delivery, four more times
        httpx2.post(
            f"{sims.lever_url}/_sim/deliveries/{accepted['id']}/redeliver", timeout=10
        ).raise_for_status()
    settle(service, sims)
    assert_one_of_each(sims, candidate)

    move(sims, candidate, "Onsite")
    settle(service, sims)
    assert_one_of_each(sims, candidate, epic_status="Cancelled")
    move(sims, candidate, "Offer")
    settle(service, sims)
    assert_one_of_each(sims, candidate, epic_status="To Do")
    with psycopg.connect(service.database_url) as conn:
        stored = conn.execute(
            "SELECT count(*) FROM inbox WHERE dedupe_key = %s",
            (f"{accepted['body']['token']}:{accepted['body']['triggeredAt']}",),
        ).fetchone()
    assert stored == (1,)


def test_bad_signature_is_refused_and_nothing_stored(sims: Simulators, service: Service) -> None:
    body = {
        "event": "candidateStageChange",
        "triggeredAt": 1763800000000,
        "token": "a" * 48,
        "signature": "0" * 64,
        "data": {"opportunityId": "opp-x", "toStageId": "offer"},
    }
    bad = httpx2.post(f"{service.url}/webhooks/lever/main", json=body, timeout=10)
    assert bad.status_code == 401 and "signature" in bad.json()["error"]
    unsigned = httpx2.post(f"{service.url}/webhooks/lever/main", json={**body, "signature": None}, timeout=10)
    assert unsigned.status_code == 401
    malformed = httpx2.post(f"{service.url}/webhooks/lever/main", content=b"{not json", timeout=10)
    assert malformed.status_code == 400 and "malformed JSON" in malformed.json()["error"]
    missing = httpx2.post(f"{service.url}/webhooks/lever/main", json={"event": "x"}, timeout=10)
    assert missing.status_code == 400 and "triggeredAt" in missing.json()["error"]
    with psycopg.connect(service.database_url) as conn:
        assert conn.execute("SELECT count(*) FROM inbox").fetchone() == (0,)
        assert conn.execute("SELECT count(*) FROM subjects WHERE id = 'opp-x'").fetchone() == (0,)
