"""U7 end to end: IT resolving the provisioning request is noted on the Lever timeline, once."""

from __future__ import annotations

import asyncio
from typing import Any

import httpx2
from e2e_support import RECRUITER_KEY, Service, Simulators, wait_for
from test_u8_feedback import jira, jira_deliveries, notes_with, play, settle

from hirebridge.demo.season import Candidate, Recruiter

IT = ("it@example.com", "sim-token")
NOTE = "equipment is ready"


def equipment_request(sims: Simulators, candidate: Candidate) -> dict[str, Any]:
    def found() -> list[dict[str, Any]]:
        body = {"jql": "project = ITSD", "fields": ["summary", "status"], "maxResults": 100}
        issues = jira(sims, "POST", "/rest/api/3/search/jql", auth=IT, json=body)["issues"]
        return [i for i in issues if i["fields"]["summary"].startswith(f"Equipment for {candidate.name}")]

    return wait_for(found, what="the provisioning request")[0]


def status(sims: Simulators, key: str) -> str:
    return str(
        jira(sims, "GET", f"/rest/api/3/issue/{key}?fields=status", auth=IT)["fields"]["status"]["name"]
    )


def test_resolved_request_makes_one_lever_note(sims: Simulators, service: Service) -> None:
    candidate = play(sims, "Ines Resolved", ["Phone Screen", "Offer"])
    request = equipment_request(sims, candidate)
    settle(service, sims)
    assert not notes_with(sims, candidate, NOTE)
    # IT resolves it in the service desk; nothing changes in Lever.
    jira(
        sims, "POST", f"/rest/servicedeskapi/request/{request['key']}/transition", auth=IT, json={"id": "111"}
    )
    wait_for(lambda: notes_with(sims, candidate, NOTE), what="the resolution note", every=0.25)
    resolved = [
        d
        for d in jira_deliveries(sims)
        if d["event"] == "jira:issue_updated" and d["payload"]["issue"]["key"] == request["key"]
    ][-1]
    for _ in range(2):
        httpx2.post(f"{sims.jira_url}/_sim/deliveries/{resolved['id']}/redeliver", timeout=10)
    settle(service, sims)
    notes = notes_with(sims, candidate, NOTE)
    assert notes == [notes[0]] and f"{request['key']} is Resolved" in notes[0]


def test_request_hirebridge_closes_itself_is_not_noted_as_resolved(
    sims: Simulators, service: Service
) -> None:
    candidate = play(sims, "Jon Withdrawn", ["Phone Screen", "Offer"])
    request = equipment_request(sims, candidate)
    settle(service, sims)

    async def withdraw() -> None:
        recruiter = Recruiter(sims.lever_url, RECRUITER_KEY)
        try:
            await recruiter.load()
            await recruiter.archive(candidate, recruiter.reasons["Withdrew"])
        finally:
            await recruiter.aclose()

    asyncio.run(withdraw())
    wait_for(lambda: status(sims, request["key"]) == "Declined", what="hirebridge declining the request")
    settle(service, sims)

    async def nudge() -> None:  # one more hint: a reconcile that reads the Declined status back
        recruiter = Recruiter(sims.lever_url, RECRUITER_KEY)
        try:
            await recruiter.load()
            await recruiter.move(candidate, "Offer")
        finally:
            await recruiter.aclose()

    asyncio.run(nudge())
    settle(service, sims)
    assert not notes_with(sims, candidate, NOTE)
